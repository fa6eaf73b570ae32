using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using TorchSharp;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Bayesian optimization with a Gaussian process: Sobol start, then the maximizer of an acquisition of the fitted model.</summary>
/// <remarks>
/// <para>
/// The tuner only wires the four parts of <c>Bayesian/</c> (model, fit, acquisition, optimizer), as BoTorch
/// composes them. The first <see cref="GaussianProcessTunerOptions.StartupTrials"/> completed trials come from a
/// scrambled Sobol sequence (trial <c>k</c> takes point <c>k</c>, seeded). After that, each proposal fits a
/// <see cref="GaussianProcess"/> (Matérn-5/2 ARD by default, MAP with Optuna's priors, warm-started from the previous
/// fit) to every observation in the unit cube, warps and standardizes the losses, and maximizes the acquisition
/// (log-EI by default) with Sobol candidates and batched gradient refinement; the best observed points are extra starts.
/// </para>
/// <para>
/// Mixed spaces: the GP sees the canonical encoding of what the search space evaluates,
/// <c>MappingToFeatureSpace(SampleFromFeatureSpace(x))</c>: integer and choice slots rounded to their bins'
/// encodings, and, under a <see cref="ConditionalSearchSpace"/>, each inactive branch's slots held at that branch's
/// default, so inactive slots add no distance. Choice slots (and the selector) are categorical: the kernel uses the
/// Hamming distance on them (equal or not), never their arbitrary order; integers keep their ordinal distance.
/// Gradient refinement moves only continuous slots that are active at the candidate; the Sobol candidates cover the
/// rest. Failed trials and NaN losses enter the model at the worst finite loss observed (so the model steers away
/// without an infinite value); trials proposed but not yet updated (parallel trials) enter with the same value, the
/// "constant liar" with the max lie (Ginsbourger, Le Riche, Carraro 2010), so parallel proposals differ.
/// A pruned trial (<see cref="TrialState.Pruned"/> with a finite loss: the loss at the last epoch it trained, a
/// pessimistic stand-in for its final loss) enters the model at that loss, but is not complete: it does not count
/// towards the startup trials, is never the incumbent of the acquisition, and never a start of its refinement.
/// If the covariance cannot be factored even with jitter, the proposal falls back to the Sobol point.
/// </para>
/// <para>
/// Local mode (the default; <see cref="GaussianProcessTunerOptions.TrustRegion"/> null turns it off): the acquisition is maximized only in
/// a TuRBO-1 box around the best observed point (<see cref="TrustRegionOptions"/>); only unconditional continuous
/// slots are narrowed, the others keep their whole range. The model still sees every observation.
/// </para>
/// <para>
/// Reproducible: the same seed and the same results give the same proposals. The time of every proposal is kept in
/// <see cref="ProposalDurations"/>; with <see cref="AcquisitionKind.Hedge"/>, <see cref="AcquisitionHistory"/> says
/// which acquisition the portfolio chose each time. Through <see cref="ITunerTrialAttributes"/> each trial records where
/// its proposal came from (<see cref="SourceAttribute"/>) and which acquisition chose it (<see cref="AcquisitionAttribute"/>),
/// and the experiment adds the proposal time; the report's surrogate section reads them.
/// </para>
/// <para>
/// Candidate mode (<see cref="GaussianProcessTunerOptions.Candidates"/>): proposals come only from a finite set, each at most
/// once; Sobol startup points snap to the nearest untried candidate and the acquisition is maximized over the untried
/// candidates. Proposing once <see cref="IsExhausted"/> throws <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed class GaussianProcessTuner : IFiniteTuner, ITunerTrialAttributes
{
    /// <summary>
    /// The trial attribute that says where a proposal came from: <see cref="SourceSobol"/> (0, a startup Sobol point),
    /// <see cref="SourceModel"/> (1, the maximizer of the acquisition) or <see cref="SourceFallback"/> (2, the Sobol point
    /// because the model's point was already evaluated or its covariance would not factor): <c>gp.source</c>.
    /// </summary>
    public const string SourceAttribute = "gp.source";

    /// <summary>
    /// The trial attribute that says which acquisition chose the proposal, as an index into <see cref="AcquisitionNames"/>
    /// (0 log-EI, 1 log-PI, 2 UCB): <c>gp.acquisition</c>. Present whenever the model chose a point (with
    /// <see cref="AcquisitionKind.Hedge"/>, the portfolio's pick), absent for Sobol proposals.
    /// </summary>
    public const string AcquisitionAttribute = "gp.acquisition";

    /// <summary>The value of <see cref="SourceAttribute"/> for a startup Sobol point.</summary>
    public const double SourceSobol = 0;

    /// <summary>The value of <see cref="SourceAttribute"/> for the acquisition's maximizer.</summary>
    public const double SourceModel = 1;

    /// <summary>The value of <see cref="SourceAttribute"/> for a Sobol point used because the model's point was already evaluated or the model could not be built (inside the trust region's box when there is one).</summary>
    public const double SourceFallback = 2;

    private const int BestObservedStarts = 3;

    /// <summary>The acquisitions' names, in the order <see cref="AcquisitionAttribute"/> indexes them (and the portfolio holds them).</summary>
    private static readonly string[] Names = ["log-ei", "log-pi", "ucb"];

    private readonly SearchSpace searchSpace;
    private readonly int seed;
    private readonly GaussianProcessTunerOptions options;
    private readonly IReadOnlyList<FeatureDimension> dimensions;
    private readonly bool[] categorical;
    private readonly bool isPlainContinuous;
    private readonly AcquisitionOptimizer optimizer;
    private readonly SortedDictionary<int, (double[] X, double? Loss)> observations = [];
    private readonly SortedDictionary<int, double[]> pending = [];
    private readonly SortedDictionary<int, (double[] X, double Loss)> pruned = [];
    private readonly List<TimeSpan> proposalDurations = [];
    private readonly List<string> acquisitionHistory = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, double>> proposalAttributes = [];
    private double lastSource;
    private string? lastAcquisition;
    private readonly GpHedge? hedge;
    private readonly TrustRegion? trustRegion;
    private double[][]? lastNominees;
    private readonly double[][]? candidates;
    private readonly bool[]? used;
    private LocalBox? lastBox;

    /// <summary>Creates a tuner.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">The seed; the same seed and results give the same proposals.</param>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public GaussianProcessTuner(SearchSpace searchSpace, int seed = 0, GaussianProcessTunerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        this.searchSpace = searchSpace;
        this.seed = seed;
        this.options = options ?? new GaussianProcessTunerOptions();
        this.options.Validate();
        dimensions = searchSpace.FeatureDimensions;
        categorical = [.. dimensions.Select(d => d.Kind == FeatureDimensionKind.Categorical)];
        isPlainContinuous = dimensions.All(d => d.Kind == FeatureDimensionKind.Continuous && d.ActiveWhen.Count == 0);
        optimizer = new AcquisitionOptimizer(this.options.Optimizer);
        if (this.options.Acquisition == AcquisitionKind.Hedge)
        {
            hedge = new GpHedge(Names);
        }

        if (this.options.Candidates is { } list)
        {
            candidates = new double[list.Count][];
            for (int i = 0; i < list.Count; i++)
            {
                try
                {
                    candidates[i] = searchSpace.MappingToFeatureSpace(list[i]);
                }
                catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new ArgumentException($"Candidate {i} ({list[i]}) is not a point of the search space: {e.Message}", nameof(options), e);
                }
            }

            used = new bool[list.Count];
        }

        if (this.options.TrustRegion is not null && dimensions.Count > 0 && candidates is null)
        {
            trustRegion = new TrustRegion(this.options.TrustRegion, dimensions.Count);
        }
    }

    /// <inheritdoc />
    /// <remarks>Always false without <see cref="GaussianProcessTunerOptions.Candidates"/>.</remarks>
    public bool IsExhausted => used is not null && Array.TrueForAll(used, u => u);

    /// <summary>Gets the acquisitions' names in the order of the index <see cref="AcquisitionAttribute"/> stores: <c>log-ei</c>, <c>log-pi</c>, <c>ucb</c>.</summary>
    public static IReadOnlyList<string> AcquisitionNames => Names;

    /// <summary>Gets the number of results received (failed trials included).</summary>
    public int UpdateCount { get; private set; }

    /// <summary>Gets how long each proposal took, in call order (Sobol proposals included).</summary>
    public IReadOnlyList<TimeSpan> ProposalDurations => proposalDurations;

    /// <summary>Gets the acquisition whose point was proposed, for each model-based proposal in order (always one name unless the portfolio is used).</summary>
    public IReadOnlyList<string> AcquisitionHistory => acquisitionHistory;

    /// <summary>Gets the hyperparameters of the last fit, or null before the model took over.</summary>
    public GaussianProcessHyperparameters? Hyperparameters { get; private set; }

    /// <summary>Gets the trust region when <see cref="GaussianProcessTunerOptions.TrustRegion"/> is set; otherwise null.</summary>
    public TrustRegion? TrustRegion => trustRegion;

    /// <summary>Gets the box of the trust region the last model-based proposal was searched in (unit-cube corners), or null.</summary>
    public (double[] Lower, double[] Upper)? LastTrustRegionBox { get; private set; }

    /// <summary>Gets the portfolio when <see cref="AcquisitionKind.Hedge"/> is used; otherwise null.</summary>
    public GpHedge? Portfolio => hedge;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Every candidate has been proposed (candidate mode).</exception>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (IsExhausted)
        {
            throw new InvalidOperationException($"All {used!.Length} candidates have been proposed.");
        }

        long started = options.TimeProvider.GetTimestamp();
        lastSource = SourceSobol;
        lastAcquisition = null;
        double[] x = ProposeFeatures(settings.TrialId);
        if (candidates is not null)
        {
            x = (double[])candidates[ClaimNearest(x)].Clone();
        }

        pending[settings.TrialId] = x;
        proposalDurations.Add(options.TimeProvider.GetElapsedTime(started));
        var attributes = new Dictionary<string, double>(StringComparer.Ordinal) { [SourceAttribute] = lastSource };
        if (lastAcquisition is not null)
        {
            attributes[AcquisitionAttribute] = Array.IndexOf(Names, lastAcquisition);
        }

        proposalAttributes[settings.TrialId] = attributes;
        return searchSpace.SampleFromFeatureSpace(x);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="SourceAttribute"/> always; <see cref="AcquisitionAttribute"/> when the model chose the point. The entry
    /// is handed over once: a second call for the same id, or a call for an id never proposed, gives an empty dictionary.
    /// </remarks>
    public IReadOnlyDictionary<string, double> ProposalAttributes(int trialId) =>
        proposalAttributes.Remove(trialId, out IReadOnlyDictionary<string, double>? attributes) ? attributes : TrialAttributes.Empty;

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        UpdateCount++;
        int id = result.TrialSettings.TrialId;
        pending.Remove(id);
        double[] x = Canonical(searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter));
        bool finite = double.IsFinite(result.Loss) && result.Loss != double.MaxValue;
        if (result.State == TrialState.Pruned && finite)
        {
            observations.Remove(id);
            pruned[id] = (x, result.Loss);
            return;
        }

        pruned.Remove(id);
        double? loss = !result.IsFailed && finite ? result.Loss : null;
        if (loss is double completed && trustRegion is not null && !observations.ContainsKey(id))
        {
            trustRegion.Record(completed, counts: observations.Values.Count(o => o.Loss is not null) >= options.StartupTrials);
        }

        observations[id] = (x, loss);
        if (candidates is not null && PointIndex.Of(candidates, x) is int index)
        {
            used![index] = true;
        }
    }

    private double[] ProposeFeatures(int trialId)
    {
        int d = searchSpace.FeatureSpaceDim;
        if (d == 0)
        {
            return [];
        }

        double[] raw = new SobolSequence(d, seed).Point(trialId);
        int complete = observations.Values.Count(o => o.Loss is not null);
        if (complete < options.StartupTrials)
        {
            return Canonical(raw);
        }

        lastBox = null;
        try
        {
            if (ModelProposal(trialId, d) is { } proposal)
            {
                lastSource = SourceModel;
                return proposal;
            }
        }
        catch (NotPositiveDefiniteException)
        {
            lastAcquisition = null;
        }

        // The model's point was evaluated already (a converged trust region) or there is no model: a Sobol point,
        // inside the trust region's box when there is one, so that local mode stays local until the region restarts.
        lastSource = SourceFallback;
        return Canonical(lastBox is null ? raw : lastBox.ToCube(raw));
    }

    private double[]? ModelProposal(int trialId, int d)
    {
        double worst = observations.Values.Where(o => o.Loss is not null).Max(o => o.Loss!.Value);
        var inputs = new List<double[]>();
        var losses = new List<double>();
        var bestPoints = new List<(double Loss, double[] X)>();
        foreach ((double[] x, double? loss) in observations.Values)
        {
            inputs.Add(x);
            losses.Add(loss ?? worst);
            if (loss is double l)
            {
                bestPoints.Add((l, x));
            }
        }

        foreach ((double[] x, double loss) in pruned.Values)
        {
            inputs.Add(x);
            losses.Add(loss);
        }

        foreach ((int id, double[] x) in pending)
        {
            if (!observations.ContainsKey(id) && !pruned.ContainsKey(id))
            {
                inputs.Add(x);
                losses.Add(worst);
            }
        }

        double[] targets = OutputTransform.Apply(losses, options.Warping);
        int trialSeed = SeedMixer.Mix(seed, trialId);
        Hyperparameters = GaussianProcessFit.Fit(options.Kernel, inputs, targets, options.Fit, Hyperparameters, trialSeed, categorical);
        using var model = new GaussianProcess(options.Kernel, inputs, targets, Hyperparameters, categorical);
        double best = double.PositiveInfinity;
        for (int i = 0; i < observations.Count; i++)
        {
            best = Math.Min(best, targets[i]);
        }

        RewardPortfolio(model);
        IAcquisitionFunction[] acquisitions = Acquisitions(best, d, observations.Count);
        double[][] starts = [.. bestPoints.OrderBy(p => p.Loss).Take(BestObservedStarts).Select(p => p.X)];
        Func<double[], double[]>? canonicalize = isPlainContinuous ? null : Canonical;
        Func<double[], bool[]>? refinable = isPlainContinuous ? null : Refinable;
        var nominees = new double[acquisitions.Length][];
        LocalBox? box = trustRegion is null ? null : LocalBox.Around(trustRegion, bestPoints.MinBy(p => p.Loss).X, Hyperparameters.LengthScales, Boundable());
        LastTrustRegionBox = box is null ? null : (box.Lower, box.Upper);
        lastBox = box;
        for (int a = 0; a < acquisitions.Length; a++)
        {
            IAcquisitionFunction acquisition = acquisitions[a];
            Func<torch.Tensor, torch.Tensor> objective = x =>
            {
                (torch.Tensor mean, torch.Tensor variance) = model.Posterior(x);
                return acquisition.Evaluate(mean, variance);
            };
            Func<double[], (double Value, double[] Gradient)> point = x => PointAcquisition(model, acquisition, x);
            int optimizerSeed = SeedMixer.Mix(trialSeed, a);
            if (candidates is not null)
            {
                nominees[a] = BestCandidate(objective);
                continue;
            }

            if (box is null)
            {
                nominees[a] = optimizer.Maximize(objective, d, optimizerSeed, starts, canonicalize, refinable, Hyperparameters.LengthScales, point).Point;
                continue;
            }

            double[] local = box.ToCube(optimizer.Maximize(
                    u => objective(box.ToCube(u)),
                    d,
                    optimizerSeed,
                    [.. starts.Select(box.FromCube)],
                    canonicalize is null ? null : u => box.FromCube(canonicalize(box.ToCube(u))),
                    refinable is null ? null : u => refinable(box.ToCube(u)),
                    box.Scales(Hyperparameters.LengthScales),
                    u => box.ChainToBox(point(box.ToCube(u)))).Point);
            nominees[a] = canonicalize is null ? local : canonicalize(local);
        }

        int chosen = hedge is null ? 0 : hedge.Choose(new Random(SeedMixer.Mix(trialSeed, 1000)));
        lastNominees = hedge is null ? null : nominees;
        acquisitionHistory.Add(acquisitions[chosen].Name);
        lastAcquisition = acquisitions[chosen].Name;
        double[] proposal = nominees[chosen];
        bool seen = inputs.Any(x => x.AsSpan().SequenceEqual(proposal));
        return seen ? null : proposal;
    }

    /// <summary>The untried candidate with the largest value of <paramref name="objective"/> (the first on ties).</summary>
    private double[] BestCandidate(Func<torch.Tensor, torch.Tensor> objective)
    {
        int[] open = [.. Enumerable.Range(0, candidates!.Length).Where(i => !used![i])];
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double[] values = objective(GaussianProcess.ToMatrix([.. open.Select(i => candidates[i])], candidates[0].Length)).data<double>().ToArray();
        int chosen = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[chosen] || (double.IsNaN(values[chosen]) && !double.IsNaN(values[i])))
            {
                chosen = i;
            }
        }

        return (double[])candidates[open[chosen]].Clone();
    }

    /// <summary>Marks and returns the untried candidate nearest to <paramref name="x"/> (Euclidean in the unit cube).</summary>
    private int ClaimNearest(double[] x)
    {
        int best = -1;
        double distance = double.PositiveInfinity;
        for (int i = 0; i < candidates!.Length; i++)
        {
            if (used![i])
            {
                continue;
            }

            double d = 0;
            for (int j = 0; j < x.Length; j++)
            {
                d += (candidates[i][j] - x[j]) * (candidates[i][j] - x[j]);
            }

            if (d < distance)
            {
                distance = d;
                best = i;
            }
        }

        used![best] = true;
        return best;
    }

    private static (double Value, double[] Gradient) PointAcquisition(GaussianProcess model, IAcquisitionFunction acquisition, double[] x)
    {
        double[] meanGradient = new double[x.Length];
        double[] varianceGradient = new double[x.Length];
        (double mean, double variance) = model.PosteriorWithGradient(x, meanGradient, varianceGradient);
        (double value, double byMean, double byVariance) = acquisition.EvaluateWithGradient(mean, variance);
        for (int j = 0; j < x.Length; j++)
        {
            meanGradient[j] = (byMean * meanGradient[j]) + (byVariance * varianceGradient[j]);
        }

        return (value, meanGradient);
    }

    private IAcquisitionFunction[] Acquisitions(double best, int d, int observed) => options.Acquisition switch
    {
        AcquisitionKind.LogProbabilityOfImprovement => [new LogProbabilityOfImprovement(best)],
        AcquisitionKind.UpperConfidenceBound => [new UpperConfidenceBound(UpperConfidenceBound.ScheduledBeta(d, observed))],
        AcquisitionKind.Hedge => [new LogExpectedImprovement(best), new LogProbabilityOfImprovement(best), new UpperConfidenceBound(UpperConfidenceBound.ScheduledBeta(d, observed))],
        _ => [new LogExpectedImprovement(best)],
    };

    private void RewardPortfolio(GaussianProcess model)
    {
        if (hedge is null || lastNominees is null)
        {
            return;
        }

        (double[] mean, _) = model.Predict(lastNominees);
        hedge.Reward([.. mean.Select(m => -m)]);
        lastNominees = null;
    }

    private double[] Canonical(double[] x)
    {
        if (isPlainContinuous)
        {
            return [.. x.Select(v => Math.Clamp(v, 0.0, 1.0))];
        }

        double[] clamped = [.. x.Select(v => Math.Clamp(v, 0.0, 1.0))];
        return searchSpace.MappingToFeatureSpace(searchSpace.SampleFromFeatureSpace(clamped));
    }

    private bool[] Refinable(double[] x)
    {
        bool[] movable = new bool[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            FeatureDimension dimension = dimensions[j];
            movable[j] = dimension.Kind == FeatureDimensionKind.Continuous && dimension.ActiveWhen.All(c => Level(x[c.SelectorIndex], dimensions[c.SelectorIndex].Levels ?? 1) == c.Level);
        }

        return movable;
    }

    private bool[] Boundable() =>
        [.. dimensions.Select(d => d.Kind == FeatureDimensionKind.Continuous && d.ActiveWhen.Count == 0)];

    private static int Level(double value, int levels) => Math.Min((int)Math.Floor(value * levels), levels - 1);
}
