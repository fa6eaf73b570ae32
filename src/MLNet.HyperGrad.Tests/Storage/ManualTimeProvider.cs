namespace MLNet.HyperGrad.Tests.Storage;

/// <summary>A clock that stands still until a test moves it; its timers fire when it is moved past their time.</summary>
/// <remarks>
/// Timestamps count ticks of this clock, so <see cref="TimeProvider.GetElapsedTime(long)"/> measures
/// the time it was moved by. Timers (as <see cref="CancellationTokenSource"/> and <see cref="Task.Delay(TimeSpan, TimeProvider)"/>
/// create them) fire on the thread that calls <see cref="Advance"/>, in due order.
/// </remarks>
public sealed class ManualTimeProvider(DateTime startUtc) : TimeProvider
{
    private readonly object gate = new();
    private readonly List<ManualTimer> timers = [];
    private long ticks = startUtc.ToUniversalTime().Ticks;

    public DateTime UtcNow => new(Interlocked.Read(ref ticks), DateTimeKind.Utc);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward and fires, in order, every timer that became due.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long now = Interlocked.Add(ref ticks, by.Ticks);
        while (true)
        {
            ManualTimer? due;
            lock (gate)
            {
                due = timers.Where(t => t.DueTicks <= now).MinBy(t => t.DueTicks);
                if (due is null)
                {
                    return;
                }

                due.Rearm();
            }

            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private long periodTicks;

        public long DueTicks { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
            {
                clock.timers.Remove(this);
                periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueTicks = long.MaxValue;
                    return true;
                }

                DueTicks = clock.GetTimestamp() + dueTime.Ticks;
                clock.timers.Add(this);
                return true;
            }
        }

        /// <summary>Schedules the next period, or disarms a one-shot timer; called under the clock's lock.</summary>
        public void Rearm()
        {
            if (periodTicks > 0)
            {
                DueTicks += periodTicks;
            }
            else
            {
                DueTicks = long.MaxValue;
                clock.timers.Remove(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock.gate)
            {
                clock.timers.Remove(this);
                DueTicks = long.MaxValue;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
