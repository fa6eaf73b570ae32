using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>Bayesian optimization of a new task under a GP prior pre-trained on earlier tasks (HyperBO): by default no random start, the prior says where to begin.</summary>
/// <remarks>
/// <para>
/// Wang, Dahl, Swersky et al. (2024), "Pre-trained Gaussian processes for Bayesian optimization". The prior
/// (<see cref="PretrainedGpPrior"/>, from <see cref="GpPriorPretraining"/>) is held fixed. The first proposal, and every
/// proposal while no trial has a finite loss, is the minimizer of the prior mean, unless
/// <see cref="MetaGaussianProcessTunerOptions.PortfolioTrials"/> asks for the source tasks' greedy portfolio first (Wistuba,
/// Schilling and Schmidt-Thieme 2015) or <see cref="MetaGaussianProcessTunerOptions.StartupTrials"/> for a space-filling start (scrambled Sobol points, as
/// <see cref="GaussianProcessTuner"/> starts, until that many trials have a finite loss). After that, the task's losses are
/// standardized by their own mean and standard deviation (1 with fewer than two) and, with
/// <see cref="MetaGaussianProcessTunerOptions.CentreOnPrior"/>, read through the offset <c>a₀ = mean(z − m(x))</c> over the
/// observed trials, so that a good first trial at the prior's minimizer stays good in the model (from the trial
/// <see cref="MetaGaussianProcessTunerOptions.CentreFromTrial"/> says: by default the first for a stationary prior, the 4th
/// for one with an empirical-covariance term, offset 0 before); with
/// <see cref="MetaGaussianProcessTunerOptions.RefitOutputScaleAndNoise"/>, an output offset, scale and noise are refitted on
/// them from <see cref="MetaGaussianProcessTunerOptions.RefitFrom"/> points (<c>z = a + b·f</c>); the posterior of <c>z</c> then drives the acquisition (log-EI, log-PI or UCB of
/// <c>Bayesian/</c>), maximized over the candidate set or, without one, by the <see cref="AcquisitionOptimizer"/> over
/// the unit cube (canonical points, as <see cref="GaussianProcessTuner"/> does). The kernel treats every slot as ordinal.
/// </para>
/// <para>
/// Failed trials and NaN losses enter at the worst finite loss observed; proposed but not yet updated trials enter at the
/// same value (constant liar), so parallel proposals differ. A pruned trial enters at its (pessimistic) reported loss.
/// Whole-space mode: a proposal already evaluated falls back to a scrambled Sobol point. Candidate mode
/// (<see cref="MetaGaussianProcessTunerOptions.Candidates"/>): only untried candidates are proposed, and proposing once
/// <see cref="IsExhausted"/> throws. Reproducible for a seed. Each trial records <see cref="SourceAttribute"/>.
/// </para>
/// </remarks>
public sealed class MetaGaussianProcessTuner : IFiniteTuner, ITunerTrialAttributes
{
    /// <summary>The trial attribute saying where a proposal came from: 0 the prior mean's minimizer (no finite loss yet), 1 the acquisition's maximizer, 2 a Sobol fallback, 3 a startup Sobol point, 4 a portfolio point, 5 the empirical hand-off: <c>meta.source</c>.</summary>
    public const string SourceAttribute = "meta.source";

    /// <summary>The value of <see cref="SourceAttribute"/> for the prior mean's minimizer.</summary>
    public const double SourcePriorMean = 0;

    /// <summary>The value of <see cref="SourceAttribute"/> for the acquisition's maximizer.</summary>
    public const double SourceModel = 1;

    /// <summary>The value of <see cref="SourceAttribute"/> for a Sobol point used because the model's point was already evaluated or the covariance would not factor.</summary>
    public const double SourceFallback = 2;

    /// <summary>The value of <see cref="SourceAttribute"/> for a startup Sobol point (<see cref="MetaGaussianProcessTunerOptions.StartupTrials"/>).</summary>
    public const double SourceStartup = 3;

    /// <summary>The value of <see cref="SourceAttribute"/> for a point of the source tasks' greedy portfolio (<see cref="MetaGaussianProcessTunerOptions.PortfolioTrials"/>).</summary>
    public const double SourcePortfolio = 4;

    /// <summary>The value of <see cref="SourceAttribute"/> for a proposal of the raw-unit empirical GP after the hand-off (<see cref="MetaGaussianProcessTunerOptions.EmpiricalHandoffTrial"/>).</summary>
    public const double SourceEmpiricalHandoff = 5;

    private readonly SearchSpace searchSpace;
    private readonly PretrainedGpPrior prior;
    private readonly int seed;
    private readonly MetaGaussianProcessTunerOptions options;
    private readonly IReadOnlyList<FeatureDimension> dimensions;
    private readonly bool isPlainContinuous;
    private readonly AcquisitionOptimizer optimizer;
    private readonly double[][]? candidates;
    private readonly bool[]? used;
    private readonly SortedDictionary<int, (double[] X, double? Loss)> observations = [];
    private readonly SortedDictionary<int, double[]> pending = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, double>> proposalAttributes = [];
    private readonly List<TimeSpan> proposalDurations = [];
    private readonly IReadOnlyList<double[]> portfolio;
    private int portfolioNext;

    /// <summary>Creates a tuner.</summary>
    /// <param name="searchSpace">The space to search; its feature dimension must equal the prior's.</param>
    /// <param name="prior">The pre-trained prior, held fixed; when its mean reads meta-features (<see cref="PretrainedGpPrior.TakesMetaFeatures"/>), evaluated at <see cref="MetaGaussianProcessTunerOptions.TaskMetaFeatures"/>.</param>
    /// <param name="seed">The seed; the same seed and results give the same proposals.</param>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">The settings are invalid, the prior's dimension differs from the space's, a candidate is not a point of the space, or the prior reads meta-features that <see cref="MetaGaussianProcessTunerOptions.TaskMetaFeatures"/> lacks (the message names them).</exception>
    public MetaGaussianProcessTuner(SearchSpace searchSpace, PretrainedGpPrior prior, int seed = 0, MetaGaussianProcessTunerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        ArgumentNullException.ThrowIfNull(prior);
        this.options = options ?? new MetaGaussianProcessTunerOptions();
        this.options.Validate();
        if (prior.Dimension != searchSpace.FeatureSpaceDim)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The prior was pre-trained on {prior.Dimension} dimensions; the search space has {searchSpace.FeatureSpaceDim} feature slots. Pre-train on tasks of this search space."), nameof(prior));
        }

        this.searchSpace = searchSpace;
        if (prior.TakesMetaFeatures)
        {
            if (this.options.TaskMetaFeatures is not { } taskFeatures)
            {
                throw new ArgumentException($"The prior's mean reads the new task's data-set meta-features ({string.Join(", ", prior.MetaFeatureNames)}); set MetaGaussianProcessTunerOptions.TaskMetaFeatures (e.g. DataMetaFeatures.Of the task's data).", nameof(options));
            }

            try
            {
                prior = prior.ForTask(taskFeatures);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"MetaGaussianProcessTunerOptions.TaskMetaFeatures: {e.Message}", nameof(options), e);
            }
        }

        this.prior = prior;
        portfolio = prior.Portfolio;
        this.seed = seed;
        dimensions = searchSpace.FeatureDimensions;
        isPlainContinuous = dimensions.All(d => d.Kind == FeatureDimensionKind.Continuous && d.ActiveWhen.Count == 0);
        optimizer = new AcquisitionOptimizer(this.options.Optimizer);
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
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Candidate {i} ({list[i]}) is not a point of the search space: {e.Message}"), nameof(options), e);
                }
            }

            used = new bool[list.Count];
        }
    }

    /// <summary>Gets the prior the tuner holds fixed (for a prior whose mean reads meta-features, its <see cref="PretrainedGpPrior.ForTask"/> of the task's).</summary>
    public PretrainedGpPrior Prior => prior;

    /// <inheritdoc />
    public bool IsExhausted => used is not null && used.All(u => u);

    /// <summary>Gets the number of results received (failed trials included).</summary>
    public int UpdateCount { get; private set; }

    /// <summary>Gets how long each proposal took, in call order.</summary>
    public IReadOnlyList<TimeSpan> ProposalDurations => proposalDurations;

    /// <summary>Gets the output offset, scale and noise of the last model-based proposal, or null before one.</summary>
    public (double Offset, double Scale, double NoiseVariance)? LastOutputMap { get; private set; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Every candidate has been proposed (candidate mode).</exception>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (IsExhausted)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"All {used!.Length} candidates have been proposed."));
        }

        long started = options.TimeProvider.GetTimestamp();
        (double[] x, double source) = ProposeFeatures(settings.TrialId);
        pending[settings.TrialId] = x;
        proposalDurations.Add(options.TimeProvider.GetElapsedTime(started));
        proposalAttributes[settings.TrialId] = new Dictionary<string, double>(StringComparer.Ordinal) { [SourceAttribute] = source };
        return searchSpace.SampleFromFeatureSpace(x);
    }

    /// <inheritdoc />
    /// <remarks><see cref="SourceAttribute"/>; handed over once per trial id.</remarks>
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
        observations[id] = (x, !result.IsFailed && finite ? result.Loss : null);
        if (candidates is not null && PointIndex.Of(candidates, x) is int index)
        {
            used![index] = true;
        }
    }

    private (double[] X, double Source) ProposeFeatures(int trialId)
    {
        int d = searchSpace.FeatureSpaceDim;
        int trialSeed = SeedMixer.Mix(seed, trialId);
        if (d == 0)
        {
            return ([], SourcePriorMean);
        }

        while (portfolioNext < Math.Min(options.PortfolioTrials, portfolio.Count))
        {
            double[] point = Canonical(portfolio[portfolioNext++]);
            if (candidates is not null)
            {
                return (PointIndex.Of(candidates, point) is int exact && !used![exact] ? Claim(exact) : ClaimNearest(point), SourcePortfolio);
            }

            if (!observations.Values.Any(o => o.X.AsSpan().SequenceEqual(point)) && !pending.Values.Any(p => p.AsSpan().SequenceEqual(point)))
            {
                return (point, SourcePortfolio);
            }
        }

        if (options.EmpiricalHandoffTrial is int handoff && observations.Count >= handoff && candidates is not null && prior.RawShared is { } shared && Handoff(shared) is int chosenCandidate)
        {
            return (Claim(chosenCandidate), SourceEmpiricalHandoff);
        }

        if (observations.Values.Count(o => o.Loss is not null) < options.StartupTrials)
        {
            double[] point = Canonical(new SobolSequence(d, seed).Point(trialId));
            return (candidates is null ? point : ClaimNearest(point), SourceStartup);
        }

        var inputs = new List<double[]>();
        var losses = new List<double>();
        var observed = new List<bool>();
        double? worst = observations.Values.Where(o => o.Loss is not null).Select(o => o.Loss!.Value).DefaultIfEmpty(double.NaN).Max();
        bool anyFinite = observations.Values.Any(o => o.Loss is not null);
        if (anyFinite)
        {
            foreach ((double[] x, double? loss) in observations.Values)
            {
                inputs.Add(x);
                losses.Add(loss ?? worst!.Value);
                observed.Add(loss is not null);
            }

            foreach ((int id, double[] x) in pending)
            {
                if (!observations.ContainsKey(id))
                {
                    inputs.Add(x);
                    losses.Add(worst!.Value);
                    observed.Add(false);
                }
            }
        }

        double[] targets = Standardize(losses);
        double best = double.PositiveInfinity;
        int k = 0;
        foreach ((double[] _, double? loss) in observations.Values)
        {
            if (loss is not null)
            {
                best = Math.Min(best, targets[k]);
            }

            k++;
        }

        try
        {
            bool centre = anyFinite && observations.Values.Count(o => o.Loss is not null) >= (long)options.EffectiveCentreFromTrial(prior) - 1;
            using var posterior = new PriorPosterior(prior, inputs, targets, options.RefitOutputScaleAndNoise && anyFinite, options.RefitFrom, centre ? observed : null);
            if (anyFinite)
            {
                LastOutputMap = (posterior.Offset, posterior.Scale, posterior.NoiseVariance);
            }

            Func<torch.Tensor, torch.Tensor> objective = anyFinite
                ? Objective(posterior, Acquisition(best, d, inputs.Count))
                : x => -posterior.Posterior(x).Mean;
            double source = anyFinite ? SourceModel : SourcePriorMean;
            if (candidates is not null)
            {
                return (ChooseCandidate(objective), source);
            }

            double[] proposal = optimizer.Maximize(objective, d, trialSeed, null, isPlainContinuous ? null : Canonical, isPlainContinuous ? null : Refinable).Point;
            bool seen = observations.Values.Any(o => o.X.AsSpan().SequenceEqual(proposal)) || pending.Values.Any(p => p.AsSpan().SequenceEqual(proposal));
            if (!seen)
            {
                return (proposal, source);
            }
        }
        catch (NotPositiveDefiniteException)
        {
            if (candidates is not null)
            {
                return (candidates[Array.IndexOf(used!, false)], SourceFallback);
            }
        }

        return (Canonical(new SobolSequence(d, seed).Point(trialId)), SourceFallback);
    }

    private double[] ChooseCandidate(Func<torch.Tensor, torch.Tensor> objective)
    {
        int[] open = [.. Enumerable.Range(0, candidates!.Length).Where(i => !used![i])];
        double[] values;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            values = objective(prior.Matrix([.. open.Select(i => candidates[i])])).data<double>().ToArray();
        }

        int chosen = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[chosen] || (double.IsNaN(values[chosen]) && !double.IsNaN(values[i])))
            {
                chosen = i;
            }
        }

        used![open[chosen]] = true;
        return (double[])candidates[open[chosen]].Clone();
    }

    /// <summary>The untried candidate the raw-unit empirical GP chooses (<see cref="RawEmpiricalHandoff"/>), or null when no untried candidate is a shared point.</summary>
    private int? Handoff(SharedSourceValues shared)
    {
        int? SharedIndex(double[] x) => PointIndex.Of(shared.Points, x);

        var open = new List<int>();
        var openCandidates = new List<int>();
        for (int c = 0; c < candidates!.Length; c++)
        {
            if (!used![c] && SharedIndex(candidates[c]) is int point)
            {
                open.Add(point);
                openCandidates.Add(c);
            }
        }

        if (open.Count == 0)
        {
            return null;
        }

        double? worst = observations.Values.Where(o => o.Loss is not null).Select(o => o.Loss!.Value).DefaultIfEmpty(double.NaN).Max();
        var observed = new List<(int, double)>();
        foreach ((double[] x, double? loss) in observations.Values)
        {
            if (SharedIndex(x) is int point && (loss ?? worst) is double value && double.IsFinite(value))
            {
                observed.Add((point, value));
            }
        }

        foreach ((int id, double[] x) in pending)
        {
            if (!observations.ContainsKey(id) && SharedIndex(x) is int point && worst is double value && double.IsFinite(value))
            {
                observed.Add((point, value));
            }
        }

        return openCandidates[RawEmpiricalHandoff.Choose(shared, observed, open)];
    }

    /// <summary>Marks and returns (a copy of) candidate <paramref name="index"/>.</summary>
    private double[] Claim(int index)
    {
        used![index] = true;
        return (double[])candidates![index].Clone();
    }

    /// <summary>Marks and returns (a copy of) the untried candidate nearest to <paramref name="x"/> (Euclidean in the unit cube; the first of equals).</summary>
    private double[] ClaimNearest(double[] x)
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
        return (double[])candidates[best].Clone();
    }

    private static Func<torch.Tensor, torch.Tensor> Objective(PriorPosterior posterior, IAcquisitionFunction acquisition) => x =>
    {
        (torch.Tensor mean, torch.Tensor variance) = posterior.Posterior(x);
        return acquisition.Evaluate(mean, variance);
    };

    private IAcquisitionFunction Acquisition(double best, int d, int observed) => options.EffectiveAcquisition(prior) switch
    {
        AcquisitionKind.LogProbabilityOfImprovement => new LogProbabilityOfImprovement(best),
        AcquisitionKind.UpperConfidenceBound => new UpperConfidenceBound(UpperConfidenceBound.ScheduledBeta(d, Math.Max(1, observed))),
        _ => new LogExpectedImprovement(best),
    };

    private static double[] Standardize(List<double> losses)
    {
        if (losses.Count == 0)
        {
            return [];
        }

        double mean = losses.Average();
        double variance = losses.Sum(l => (l - mean) * (l - mean)) / losses.Count;
        double std = losses.Count >= 2 && variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        return [.. losses.Select(l => (l - mean) / std)];
    }

    private double[] Canonical(double[] x)
    {
        double[] clamped = [.. x.Select(v => Math.Clamp(v, 0.0, 1.0))];
        return isPlainContinuous ? clamped : searchSpace.MappingToFeatureSpace(searchSpace.SampleFromFeatureSpace(clamped));
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

    private static int Level(double value, int levels) => Math.Min((int)Math.Floor(value * levels), levels - 1);
}
