using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Outputs;

/// <summary>Ranks a study's stored trials the way the experiment picks its best: complete, not NaN, smallest loss, ties by number.</summary>
public static class TrialRanking
{
    /// <summary>The best trials, best first.</summary>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <param name="count">How many to return at most; at least 1.</param>
    /// <returns>Up to <paramref name="count"/> complete trials with a loss that is not NaN, by loss then number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trials"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public static IReadOnlyList<TrialRecord> Top(IEnumerable<TrialRecord> trials, int count)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return [.. trials.Where(t => t.State == TrialState.Complete && t.Loss is double l && !double.IsNaN(l))
            .OrderBy(t => t.Loss!.Value).ThenBy(t => t.Number).Take(count)];
    }

    /// <summary>The best trial.</summary>
    /// <param name="trials">The study's trials, in any order.</param>
    /// <returns>The first of <see cref="Top"/>, or null when no trial completed with a loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trials"/> is null.</exception>
    public static TrialRecord? Best(IEnumerable<TrialRecord> trials) => Top(trials, 1) is [var best] ? best : null;
}
