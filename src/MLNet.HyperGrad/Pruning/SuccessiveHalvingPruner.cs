namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
/// Tuning", MLSys 2020), as Optuna's <c>SuccessiveHalvingPruner</c>: a trial goes on past a rung only if it
/// is among the best 1/η of the trials that reached that rung so far.
/// </summary>
/// <remarks>
/// Rung <c>k</c> (from 0) is at step <c>r·η^(s+k)</c>, with <c>r</c> = <see cref="MinResource"/>,
/// <c>η</c> = <see cref="ReductionFactor"/> and <c>s</c> = <see cref="MinEarlyStoppingRate"/>. When a trial
/// reports exactly at a rung's step, its value there is ranked among the values every trial of the study
/// (running, complete or pruned, itself included) reported at that step; it is promoted when it is no worse
/// than the <c>⌊n/η⌋</c>-th smallest (the first trial to reach a rung is promoted), else pruned. A NaN value
/// is pruned. Off the rungs nothing is pruned. Stateless and thread-safe: the rung values are the stored
/// intermediate values.
/// </remarks>
public sealed class SuccessiveHalvingPruner : IPruner
{
    /// <summary>Creates the pruner; every bad setting is reported together.</summary>
    /// <param name="minResource">The step of the first rung; at least 1. Default 1.</param>
    /// <param name="reductionFactor">η: a rung keeps the best 1/η; at least 2. Default 3 (Optuna's: 4; 3 suits 10-30 epochs).</param>
    /// <param name="minEarlyStoppingRate">s: the first rung is at <c>minResource·η^s</c>; at least 0. Default 0.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 3, int minEarlyStoppingRate = 0)
    {
        var problems = new List<string>();
        if (minResource < 1)
        {
            problems.Add($"minResource must be at least 1, got {minResource}.");
        }

        if (reductionFactor < 2)
        {
            problems.Add($"reductionFactor must be at least 2, got {reductionFactor}.");
        }

        if (minEarlyStoppingRate < 0)
        {
            problems.Add($"minEarlyStoppingRate must be at least 0, got {minEarlyStoppingRate}.");
        }

        PrunerOptions.ThrowIf(problems, nameof(SuccessiveHalvingPruner));
        MinResource = minResource;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
    }

    /// <summary>Gets the step of the first rung (before the early-stopping rate).</summary>
    /// <value>The default is 1.</value>
    public int MinResource { get; }

    /// <summary>Gets η, the reduction factor.</summary>
    /// <value>The default is 3.</value>
    public int ReductionFactor { get; }

    /// <summary>Gets s, the minimum early-stopping rate.</summary>
    /// <value>The default is 0.</value>
    public int MinEarlyStoppingRate { get; }

    /// <summary>The rung steps up to and including <paramref name="maxStep"/>, in order.</summary>
    /// <param name="maxStep">The largest step of interest.</param>
    /// <returns>The steps <c>r·η^(s+k)</c>, k = 0, 1, ..., that are at most <paramref name="maxStep"/>.</returns>
    public IReadOnlyList<int> RungSteps(int maxStep)
    {
        var steps = new List<int>();
        long step = MinResource;
        for (int i = 0; i < MinEarlyStoppingRate && step <= maxStep; i++)
        {
            step *= ReductionFactor;
        }

        for (; step <= maxStep; step *= ReductionFactor)
        {
            steps.Add((int)step);
        }

        return steps;
    }

    /// <inheritdoc />
    public bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(trials);
        int step = trial.LastStep;
        if (step < 1 || !RungSteps(step).Contains(step))
        {
            return false;
        }

        double value = trial.Values[^1].Value;
        if (double.IsNaN(value))
        {
            return true;
        }

        var competing = new List<double> { value };
        foreach (PrunerTrial other in trials)
        {
            if (other.Number != trial.Number && other.TryGetValue(step, out double v) && !double.IsNaN(v))
            {
                competing.Add(v);
            }
        }

        competing.Sort();
        int promotable = Math.Max(0, (competing.Count / ReductionFactor) - 1);
        return value > competing[promotable];
    }
}
