using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Where the wall time of an <see cref="AutoML.Runners.MlpTrialRunner"/> trial goes, from outside the library: the
/// runner is wrapped (start and end of <see cref="ITrialRunner.RunAsync"/>), its per-minibatch progress callback is
/// timestamped (wall clock and the trial thread's CPU clock), and the pruner's decisions are timed by the caller.
/// </summary>
/// <remarks>
/// <para>In epoch k the runner reports minibatches 1 … B−1 (times τ₁ … τ_{B−1}) and then the end of the epoch (E_k,
/// after the last minibatch and the validation evaluation). With the mean step m = (τ_{B−1} − τ₁)/(B − 2):
/// training = B·m; evaluation = E_k − τ_{B−1} − m; the gap before epoch k's first minibatch = τ₁ − E_{k−1} − m − the
/// pruner's decision after epoch k−1 (the runner's reporter, the minibatch order and the epoch's label gather);
/// set-up = τ₁ of epoch 1 − the trial's start − m (hyperparameters, the model and its initial weights, the optimizer
/// state, the thread); teardown = the trial's end − E_last − the pruner's last decision (the weights copied out, the
/// result built, the task's completion). The phases add up to the trial's wall time exactly.</para>
/// <para>CPU: a trial runs on a thread of its own (<c>TaskCreationOptions.LongRunning</c>) whose CPU clock starts at
/// zero, so the thread CPU at each callback splits the same way (set-up from 0); teardown's CPU is not observable
/// from the callback and is left out. With one libtorch thread (<c>--threads 1</c>) libtorch's work runs on that
/// thread, so its CPU is the work done whatever the load.</para>
/// <para>Needs at least 3 minibatches per epoch (otherwise a step's time is not observable); epochs with fewer are
/// counted whole as training.</para>
/// </remarks>
internal sealed class TrialTimeBreakdown
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, Trial> trials = [];

    /// <summary>Gets the phases' totals over every trial seen, in seconds: wall clock.</summary>
    public Phases Wall { get; private set; } = new();

    /// <summary>Gets the phases' totals over every trial seen, in seconds: the trial thread's CPU (teardown not observable: 0).</summary>
    public Phases Cpu { get; private set; } = new();

    /// <summary>Gets the number of trials summed.</summary>
    public int Trials { get; private set; }

    /// <summary>Gets each finished trial's wall seconds (start to end of <see cref="ITrialRunner.RunAsync"/>) and thread CPU seconds (teardown excluded), by trial number.</summary>
    public SortedDictionary<int, (double Wall, double Cpu)> PerTrial { get; } = [];

    /// <summary>The runner's progress callback: records the time of a minibatch or of an epoch's end.</summary>
    public void OnProgress(TrialSettings settings, TrainingProgress progress)
    {
        long now = Stopwatch.GetTimestamp();
        double cpu = CpuClock.ThreadSeconds();
        Trial trial = Get(settings.TrialId);
        lock (gate)
        {
            trial.Events.Add(new Event(progress.Epoch, progress.Batch, progress.BatchesPerEpoch, progress.CompletedEpoch is not null, now, cpu));
        }
    }

    /// <summary>Records a pruner decision's wall and CPU time after the epoch the trial last ended.</summary>
    public void OnDecision(int trialId, double wallSeconds, double cpuSeconds)
    {
        Trial trial = Get(trialId);
        lock (gate)
        {
            int epoch = trial.Events.Count(e => e.EpochEnd);
            trial.Decisions[epoch] = (wallSeconds, cpuSeconds);
        }
    }

    /// <summary>Wraps a runner so that every trial's start and end are timed.</summary>
    public ITrialRunner Wrap(ITrialRunner inner) => new TimedRunner(inner, this);

    /// <summary>One line per phase: total wall seconds and share of the trials' wall time, per-trial and per-epoch means, CPU.</summary>
    public IEnumerable<string> Describe(int epochs)
    {
        double total = Wall.Total;
        IEnumerable<(string Name, double Wall, double Cpu, string Per)> rows =
        [
            ("set-up (before epoch 1's first minibatch)", Wall.SetUp, Cpu.SetUp, PerTrial(Wall.SetUp)),
            ("training minibatches", Wall.Training, Cpu.Training, PerEpoch(Wall.Training, epochs)),
            ("validation evaluation", Wall.Evaluation, Cpu.Evaluation, PerEpoch(Wall.Evaluation, epochs)),
            ("between epochs (reporter, order, labels)", Wall.Between, Cpu.Between, PerEpoch(Wall.Between, epochs)),
            ("pruner decisions", Wall.Pruner, Cpu.Pruner, PerEpoch(Wall.Pruner, epochs)),
            ("teardown (weights out, result)", Wall.Teardown, double.NaN, PerTrial(Wall.Teardown)),
        ];
        foreach (var row in rows)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"    {row.Name,-42} {row.Wall,8:F3} s wall ({row.Wall / total,6:P1}), {row.Per}; thread CPU {(double.IsNaN(row.Cpu) ? "n/a" : row.Cpu.ToString("F3", CultureInfo.InvariantCulture) + " s")}");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"    {"trials' wall time (sum)",-42} {total,8:F3} s over {Trials} trials and {epochs} epochs");

        string PerTrial(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds / Math.Max(Trials, 1) * 1000,7:F2} ms per trial");
        string PerEpoch(double seconds, int count) => string.Create(CultureInfo.InvariantCulture, $"{seconds / Math.Max(count, 1) * 1000,7:F2} ms per epoch");
    }

    private Trial Get(int trialId)
    {
        lock (gate)
        {
            if (!trials.TryGetValue(trialId, out Trial? trial))
            {
                trial = new Trial();
                trials[trialId] = trial;
            }

            return trial;
        }
    }

    /// <summary>Splits one finished trial's time into phases and adds it to the totals.</summary>
    private void Finish(int trialId, long start, long end)
    {
        Trial trial = Get(trialId);
        Phases wall = new(), cpu = new();
        lock (gate)
        {
            trials.Remove(trialId);
            double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;
            var byEpoch = trial.Events.GroupBy(e => e.Epoch).OrderBy(g => g.Key).ToList();
            long previousEndWall = start;
            double previousEndCpu = 0;
            double previousDecisionWall = 0, previousDecisionCpu = 0;
            foreach (var epoch in byEpoch)
            {
                Event[] batches = [.. epoch.Where(e => !e.EpochEnd).OrderBy(e => e.Batch)];
                Event? endEvent = epoch.FirstOrDefault(e => e.EpochEnd);
                if (endEvent is null)
                {
                    continue;
                }

                int b = endEvent.Batches;
                if (b < 3 || batches.Length < 2)
                {
                    double all = Seconds(previousEndWall, endEvent.Wall) - previousDecisionWall;
                    wall = wall with { Training = wall.Training + all };
                    cpu = cpu with { Training = cpu.Training + (endEvent.Cpu - previousEndCpu - previousDecisionCpu) };
                }
                else
                {
                    Event first = batches[0], last = batches[^1];
                    double stepWall = Seconds(first.Wall, last.Wall) / (last.Batch - first.Batch);
                    double stepCpu = (last.Cpu - first.Cpu) / (last.Batch - first.Batch);
                    double gapWall = Seconds(previousEndWall, first.Wall) - stepWall - previousDecisionWall;
                    double gapCpu = first.Cpu - previousEndCpu - stepCpu - previousDecisionCpu;
                    bool firstEpoch = epoch.Key == byEpoch[0].Key;
                    wall = wall with
                    {
                        SetUp = wall.SetUp + (firstEpoch ? gapWall : 0),
                        Between = wall.Between + (firstEpoch ? 0 : gapWall),
                        Training = wall.Training + (b * stepWall),
                        Evaluation = wall.Evaluation + (Seconds(last.Wall, endEvent.Wall) - stepWall),
                    };
                    cpu = cpu with
                    {
                        SetUp = cpu.SetUp + (firstEpoch ? gapCpu : 0),
                        Between = cpu.Between + (firstEpoch ? 0 : gapCpu),
                        Training = cpu.Training + (b * stepCpu),
                        Evaluation = cpu.Evaluation + (endEvent.Cpu - last.Cpu - stepCpu),
                    };
                }

                (previousDecisionWall, previousDecisionCpu) = trial.Decisions.GetValueOrDefault(epoch.Key);
                wall = wall with { Pruner = wall.Pruner + previousDecisionWall };
                cpu = cpu with { Pruner = cpu.Pruner + previousDecisionCpu };
                previousEndWall = endEvent.Wall;
                previousEndCpu = endEvent.Cpu;
            }

            wall = wall with { Teardown = Seconds(previousEndWall, end) - previousDecisionWall };
            Wall = Wall.Add(wall);
            Cpu = Cpu.Add(cpu);
            PerTrial[trialId] = (wall.Total, cpu.Total);
            Trials++;
        }
    }

    /// <summary>Seconds per phase.</summary>
    internal sealed record Phases(double SetUp = 0, double Training = 0, double Evaluation = 0, double Between = 0, double Pruner = 0, double Teardown = 0)
    {
        /// <summary>Gets the sum of the phases.</summary>
        public double Total => SetUp + Training + Evaluation + Between + Pruner + Teardown;

        /// <summary>The phase-wise sum.</summary>
        public Phases Add(Phases other) => new(SetUp + other.SetUp, Training + other.Training, Evaluation + other.Evaluation, Between + other.Between, Pruner + other.Pruner, Teardown + other.Teardown);
    }

    private sealed record Event(int Epoch, int Batch, int Batches, bool EpochEnd, long Wall, double Cpu);

    private sealed class Trial
    {
        public List<Event> Events { get; } = [];

        public Dictionary<int, (double Wall, double Cpu)> Decisions { get; } = [];
    }

    private sealed class TimedRunner(ITrialRunner inner, TrialTimeBreakdown probe) : ITrialRunner
    {
        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            long start = Stopwatch.GetTimestamp();
            TrialResult result = await inner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
            probe.Finish(settings.TrialId, start, Stopwatch.GetTimestamp());
            return result;
        }

        public void Dispose() => inner.Dispose();
    }
}
