namespace MLNet.HyperGrad.AutoML;

/// <summary>Options of <see cref="StudyWorkerProcesses"/>.</summary>
public sealed record StudyWorkerProcessesOptions
{
    /// <summary>Gets how many dead workers may be replaced in all, so that a trial that kills every worker cannot loop forever.</summary>
    /// <value>The default is 16.</value>
    public int MaxRestarts { get; init; } = 16;

    /// <summary>Gets whether a dead worker may be replaced now (for example: time is left in the budget).</summary>
    /// <value>The default always says yes.</value>
    public Func<bool> MayRestart { get; init; } = static () => true;

    /// <summary>Gets the clock that dates the failure of a dead worker's trial.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets how long workers may take to end by themselves after the pool's token is cancelled (they get the same Ctrl+C from the terminal) before they are killed.</summary>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets what receives each line a worker writes to standard output, with the worker's index; null to drop them.</summary>
    /// <remarks>Called on a thread-pool thread, possibly for two workers at once.</remarks>
    public Action<int, string>? OnOutputLine { get; init; }

    /// <summary>Gets what receives each line a worker writes to standard error, with the worker's index; null to drop them.</summary>
    /// <remarks>Called on a thread-pool thread, possibly for two workers at once.</remarks>
    public Action<int, string>? OnErrorLine { get; init; }

    /// <summary>Gets what is told when a worker has ended (its trials already failed); null for nothing.</summary>
    public Action<WorkerExit>? OnWorkerExit { get; init; }
}
