using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Reporting;

/// <summary>How a report draws the hyperparameters of a search space, derived from the space's options alone.</summary>
public static class SearchSpaceAxes
{
    /// <summary>The key paths of the options on a log scale, to pass as <see cref="ReportData.LogScaleParameters"/>.</summary>
    /// <param name="space">The search space the trials sampled (the experiment's, so that key paths carry their prefix: <c>mlp.learning_rate</c>).</param>
    /// <returns>Every slot's key path whose option has <c>logBase: true</c>, in ordinal order; a new set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="space"/> is null.</exception>
    public static IReadOnlySet<string> LogScaleKeys(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        return new SortedSet<string>(space.FeatureDimensions.Where(d => d.IsLogScale).Select(d => d.KeyPath), StringComparer.Ordinal);
    }
}
