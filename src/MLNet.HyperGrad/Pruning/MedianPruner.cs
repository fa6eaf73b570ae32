using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Stops a trial whose best value so far is worse than the median of the completed trials' values at the
/// same step (Optuna's <c>MedianPruner</c>, same semantics).
/// </summary>
/// <remarks>
/// At step <c>s</c> of a trial: nothing is pruned while fewer than <see cref="StartupTrials"/> trials of the
/// study are complete, before step <see cref="WarmupSteps"/>, or off the <see cref="IntervalSteps"/> grid
/// counted from the warm-up; otherwise the trial's best value up to <c>s</c> (NaN values skipped; a trial
/// with only NaN is pruned) is compared with the median of the values that complete trials reported at
/// exactly step <c>s</c> (at least <see cref="MinTrials"/> of them, else no pruning), and the trial is
/// pruned when it is strictly greater (a tie keeps it). Stateless and thread-safe.
/// </remarks>
public sealed class MedianPruner : IPruner
{
    /// <summary>Creates a median pruner; every bad setting is reported together.</summary>
    /// <param name="startupTrials">Complete trials needed before anything is pruned; at least 0. Optuna's default, 5.</param>
    /// <param name="warmupSteps">Steps below this are never pruned; at least 0. Default 0.</param>
    /// <param name="intervalSteps">Prune only every this many steps after the warm-up; at least 1. Default 1.</param>
    /// <param name="minTrials">Complete trials that must have a value at the step; at least 1. Default 1.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1)
    {
        var problems = new List<string>();
        if (startupTrials < 0)
        {
            problems.Add($"startupTrials must be at least 0, got {startupTrials}.");
        }

        if (warmupSteps < 0)
        {
            problems.Add($"warmupSteps must be at least 0, got {warmupSteps}.");
        }

        if (intervalSteps < 1)
        {
            problems.Add($"intervalSteps must be at least 1, got {intervalSteps}.");
        }

        if (minTrials < 1)
        {
            problems.Add($"minTrials must be at least 1, got {minTrials}.");
        }

        PrunerOptions.ThrowIf(problems, nameof(MedianPruner));
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
        MinTrials = minTrials;
    }

    /// <summary>Gets the number of complete trials needed before anything is pruned.</summary>
    /// <value>The default is 5.</value>
    public int StartupTrials { get; }

    /// <summary>Gets the step below which nothing is pruned.</summary>
    /// <value>The default is 0.</value>
    public int WarmupSteps { get; }

    /// <summary>Gets the spacing of the steps at which trials are judged, from the warm-up.</summary>
    /// <value>The default is 1.</value>
    public int IntervalSteps { get; }

    /// <summary>Gets how many complete trials must have a value at the step for it to be judged.</summary>
    /// <value>The default is 1.</value>
    public int MinTrials { get; }

    /// <inheritdoc />
    public bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(trials);
        int step = trial.LastStep;
        if (step < 0 || step < WarmupSteps || (step - WarmupSteps) % IntervalSteps != 0)
        {
            return false;
        }

        var complete = trials.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToList();
        if (complete.Count < StartupTrials)
        {
            return false;
        }

        double best = trial.Values.Where(v => v.Step <= step && !double.IsNaN(v.Value)).Select(v => v.Value).DefaultIfEmpty(double.NaN).Min();
        if (double.IsNaN(best))
        {
            return true;
        }

        var atStep = new List<double>();
        foreach (PrunerTrial other in complete)
        {
            if (other.TryGetValue(step, out double value) && !double.IsNaN(value))
            {
                atStep.Add(value);
            }
        }

        return atStep.Count >= MinTrials && best > Median(atStep);
    }

    /// <summary>The median of the values (the mean of the middle two for an even count).</summary>
    internal static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }
}
