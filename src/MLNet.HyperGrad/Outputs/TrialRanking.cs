using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Outputs;

/// <summary>Ranks a study's stored trials the way the experiment picks its best: complete, not NaN, then <see cref="TrialOrder"/> (loss, then final validation loss, then number).</summary>
public static class TrialRanking
{
    /// <summary>The best trials, best first.</summary>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <param name="count">How many to return at most; at least 1.</param>
    /// <returns>Up to <paramref name="count"/> complete trials with a loss that is not NaN, in <see cref="TrialOrder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trials"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static IReadOnlyList<TrialRecord> Top(IEnumerable<TrialRecord> trials, int count)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return [.. trials.Where(t => t.State == TrialState.Complete && t.Loss is double l && !double.IsNaN(l))
            .Order(Comparer<TrialRecord>.Create((a, b) => TrialOrder.Compare(a.Loss!.Value, ValidationLoss(a), a.Number, b.Loss!.Value, ValidationLoss(b), b.Number)))
            .Take(count)];
    }

    /// <summary>The best trial.</summary>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <returns>The first of <see cref="Top"/>, or null when no trial completed with a loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trials"/> is null.</exception>
    public static TrialRecord? Best(IEnumerable<TrialRecord> trials) => Top(trials, 1) is [var best] ? best : null;

    /// <summary>The trial's final validation loss: its intermediate value of the last step, or NaN when it reported none.</summary>
    /// <param name="trial">The trial.</param>
    /// <returns>The value, or NaN.</returns>
    public static double ValidationLoss(TrialRecord trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.IntermediateValues.Count == 0 ? double.NaN : trial.IntermediateValues.MaxBy(v => v.Step).Value;
    }
}
