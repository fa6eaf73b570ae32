using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tuners;

/// <summary>
/// A learned black-box tuner: a meta-trained LSTM reads every result and proposes the next point directly, with no
/// model fit (Chen et al. 2017, "Learning to learn without gradient descent by gradient descent").
/// </summary>
/// <remarks>
/// <para>The network is <see cref="BlackBoxLstm"/>, by default the one shipped inside the library
/// (<see cref="BlackBoxLstm.LoadShipped"/>: 32 units, meta-trained on Matérn-5/2 Gaussian-process functions of 1 to 6
/// dimensions). It works in the search space's unit cube, so log-scale options are searched in the logarithm.
/// The first proposal, before any result, is a uniform point (seeded); every later one is the network's, from its
/// state after the results so far, with standard normal noise seeded by the study seed and the trial id.</para>
/// <para>Integers and choices: the network treats every slot as continuous; the search space decodes its proposal
/// (an integer or choice slot falls in one of equal bins of [0, 1]: floor(u · k) of k values), and the network then reads
/// the canonical encoding of what was evaluated (<c>MappingToFeatureSpace</c> of the trial's parameter: the bin's value),
/// so its best point is always a point that was tried. Under a <see cref="ConditionalSearchSpace"/> the selector slot is
/// one more such slot, and the inactive branch's slots read their defaults.</para>
/// <para>Results are read in the order <see cref="Update"/> receives them, whoever proposed the trial (the experiment's
/// default first trial, another tuner of a <see cref="PortfolioTuner"/>). A failed trial, or a NaN loss, is read as worse
/// than every finite loss; a pruned trial's loss is read as its loss. The network sees losses only as ranks, so any
/// monotone transform of the loss gives the same proposals. A proposal costs one LSTM step per result and per
/// coordinate, in float64 on plain arrays (no tensors): tens of microseconds; <see cref="ProposalDurations"/> keeps them.</para>
/// <para>Several workers: pending trials are not read (the network sees only results), so concurrent proposals come from the
/// same state and differ by their noise, seeded by the trial id. Results are read in arrival order, whatever their trial ids;
/// a tuner rebuilt from storage reads the stored results in trial order, so its state can differ from a live worker's that
/// saw them in another order (the proposals stay valid, not bit-identical).</para>
/// </remarks>
public sealed class LearnedBlackBoxTuner : ITuner
{
    private static readonly Lazy<BlackBoxLstmInference> Shipped = new(LoadShippedInference);

    private readonly SearchSpace searchSpace;
    private readonly int seed;
    private readonly TimeProvider timeProvider;
    private readonly BlackBoxSearch search;
    private readonly List<TimeSpan> proposalDurations = [];

    /// <summary>Creates a tuner.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">The seed; the same seed and results give the same proposals.</param>
    /// <param name="network">The network; null uses the one shipped with the library. Its weights are copied, so it may be disposed afterwards.</param>
    /// <param name="timeProvider">The clock of <see cref="ProposalDurations"/>; null uses <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="LearnedOptimizers.LearnedOptimizerFormatException">The shipped network is missing or corrupt (a broken build).</exception>
    public LearnedBlackBoxTuner(SearchSpace searchSpace, int seed = 0, BlackBoxLstm? network = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        this.searchSpace = searchSpace;
        this.seed = seed;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        search = new BlackBoxSearch(network?.ToInference() ?? Shipped.Value, searchSpace.FeatureSpaceDim);
    }

    /// <summary>
    /// Creates a tuner that proposes with an ensemble of networks, each reading every result; the proposals are combined by
    /// <paramref name="combination"/>. Internal: for the bench (<c>learned-bo --ensemble</c>); an ensemble of meta-training
    /// seeds 1-5 did not beat seed 1 alone on the GP validation set (bench/RESULTS.md, issue 14, H38), so none is shipped.
    /// </summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="networks">The networks (at least one; one gives the same proposals as the single-network constructor). Their weights are copied.</param>
    /// <param name="combination">How their proposals become one.</param>
    /// <param name="seed">The seed; the same seed and results give the same proposals.</param>
    /// <param name="timeProvider">The clock of <see cref="ProposalDurations"/>; null uses <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The list is empty or holds a null network.</exception>
    internal LearnedBlackBoxTuner(SearchSpace searchSpace, IReadOnlyList<BlackBoxLstm> networks, BlackBoxEnsembleCombination combination = BlackBoxEnsembleCombination.Median, int seed = 0, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(networks);
        if (networks.Count == 0)
        {
            throw new ArgumentException("The learned tuner needs at least one network; got an empty list.", nameof(networks));
        }

        var inference = new BlackBoxLstmInference[networks.Count];
        for (int k = 0; k < networks.Count; k++)
        {
            inference[k] = networks[k]?.ToInference() ?? throw new ArgumentException($"Network {k} of {networks.Count} is null.", nameof(networks));
        }

        this.searchSpace = searchSpace;
        this.seed = seed;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        search = new BlackBoxSearch(inference, searchSpace.FeatureSpaceDim, combination);
    }

    /// <summary>Gets the number of networks that propose (1, or the ensemble's size).</summary>
    internal int NetworkCount => search.NetworkCount;

    /// <summary>Gets the time of every proposal, in order.</summary>
    public IReadOnlyList<TimeSpan> ProposalDurations => proposalDurations;

    /// <summary>Gets the number of results received (failed trials included).</summary>
    public int UpdateCount => search.Count;

    /// <inheritdoc />
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        long started = timeProvider.GetTimestamp();
        int d = searchSpace.FeatureSpaceDim;
        var random = new Random(SeedMixer.Mix(seed, settings.TrialId));
        double[] x = new double[d];
        if (search.Count == 0)
        {
            for (int i = 0; i < d; i++)
            {
                x[i] = random.NextDouble();
            }
        }
        else if (d > 0)
        {
            double[] noise = new double[d];
            for (int i = 0; i < d; i++)
            {
                // Box–Muller; 1 − U lies in (0, 1], so the logarithm is finite.
                noise[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }

            x = search.Propose(noise);
        }

        Parameter parameter = searchSpace.SampleFromFeatureSpace(x);
        proposalDurations.Add(timeProvider.GetElapsedTime(started));
        return parameter;
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        double[] x = searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter);
        bool usable = result.Exception is null
            && result.State is TrialState.Complete or TrialState.Pruned
            && double.IsFinite(result.Loss) && result.Loss != double.MaxValue;
        search.Observe(x, usable ? result.Loss : double.PositiveInfinity);
    }

    private static BlackBoxLstmInference LoadShippedInference()
    {
        (int hiddenSize, BlackBoxLstmDesign design, _, IReadOnlyList<double[]> values) = BlackBoxLstmFile.Read(BlackBoxLstm.ShippedBytes(), "resource " + BlackBoxLstm.ShippedResourceName);
        return new BlackBoxLstmInference(hiddenSize, design, values);
    }
}
