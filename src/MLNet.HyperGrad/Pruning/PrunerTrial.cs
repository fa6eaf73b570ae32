using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Pruning;

/// <summary>What a pruner sees of one trial: its state and the values it reported, by step.</summary>
/// <param name="Number">The trial's number in the study.</param>
/// <param name="State">Its state; <see cref="TrialState.Running"/> while it trains.</param>
/// <param name="Values">The values it reported, ordered by step, one per step (smaller is better).</param>
/// <param name="FinalStep">The step it will reach if it runs to the end (the MLP's number of epochs), or <see langword="null"/> when unknown; set for the judged trial.</param>
public sealed record PrunerTrial(int Number, TrialState State, IReadOnlyList<IntermediateValue> Values, int? FinalStep = null)
{
    /// <summary>Gets the latest step reported, or -1 when none.</summary>
    public int LastStep => Values.Count == 0 ? -1 : Values[^1].Step;

    /// <summary>Gets the value reported at a step, if any.</summary>
    /// <param name="step">The step.</param>
    /// <param name="value">The value at <paramref name="step"/>.</param>
    /// <returns>Whether the trial reported a value at <paramref name="step"/>.</returns>
    public bool TryGetValue(int step, out double value)
    {
        int lo = 0, hi = Values.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int s = Values[mid].Step;
            if (s == step)
            {
                value = Values[mid].Value;
                return true;
            }

            if (s < step)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        value = double.NaN;
        return false;
    }
}
