using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Proposes points uniformly at random in the search space's unit cube.</summary>
/// <remarks>
/// The proposal of trial <c>k</c> depends only on the seed and <c>k</c>, so a study is reproducible
/// whatever the order in which parallel trials finish, and a resumed study goes on exactly as an
/// uninterrupted one would. Log-scale options are uniform in the logarithm (the unit cube is).
/// Under a <see cref="ConditionalSearchSpace"/>, the selector's slot picks each branch with equal
/// probability and only that branch's slots are decoded, so a trial samples the selector and then the
/// active branch alone.
/// Several workers: pending trials change nothing (a proposal never depends on results), so concurrent proposals are
/// independent draws, and a tuner rebuilt from storage proposes as the original would.
/// </remarks>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SearchSpace searchSpace;
    private readonly int seed;

    /// <summary>Creates a random-search tuner.</summary>
    /// <param name="searchSpace">The space to sample.</param>
    /// <param name="seed">The seed; the same seed gives the same proposals.</param>
    public RandomSearchTuner(SearchSpace searchSpace, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        this.searchSpace = searchSpace;
        this.seed = seed;
    }

    /// <summary>Gets the number of results received (failed trials included).</summary>
    public int UpdateCount { get; private set; }

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var random = new Random(SeedMixer.Mix(seed, settings.TrialId));
        double[] point = new double[searchSpace.FeatureSpaceDim];
        for (int i = 0; i < point.Length; i++)
        {
            point[i] = random.NextDouble();
        }

        return searchSpace.SampleFromFeatureSpace(point);
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        UpdateCount++;
    }
}
