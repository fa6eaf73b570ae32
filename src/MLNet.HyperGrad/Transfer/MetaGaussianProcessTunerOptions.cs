using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Transfer;

/// <summary>Settings of <see cref="MetaGaussianProcessTuner"/>.</summary>
public sealed class MetaGaussianProcessTunerOptions
{
    /// <summary>Gets the acquisition maximized: log-EI, log-PI or UCB (the portfolio is not offered here), or null to choose by the prior (<see cref="EffectiveAcquisition"/>).</summary>
    /// <value>
    /// The default is null (automatic): <see cref="AcquisitionKind.LogProbabilityOfImprovement"/> when the prior has exact empirical
    /// moments (<see cref="PretrainedGpPrior.HasEmpiricalMoments"/>), as the empirical-prior GP of issue 11 uses (on the SVM benchmark's
    /// development tasks regret at 3 evaluations 0.075 with log-PI against 0.123 with log-EI on that prior; bench/RESULTS.md, H40),
    /// else <see cref="AcquisitionKind.LogExpectedImprovement"/>.
    /// </value>
    public AcquisitionKind? Acquisition { get; init; }

    /// <summary>The acquisition the tuner uses with <paramref name="prior"/>: <see cref="Acquisition"/>, or its automatic choice when null.</summary>
    /// <param name="prior">The prior the tuner uses.</param>
    /// <returns>The acquisition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prior"/> is null.</exception>
    public AcquisitionKind EffectiveAcquisition(PretrainedGpPrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        return Acquisition ?? (prior.HasEmpiricalMoments ? AcquisitionKind.LogProbabilityOfImprovement : AcquisitionKind.LogExpectedImprovement);
    }

    /// <summary>
    /// Gets a value indicating whether, from <see cref="RefitFrom"/> points on, the tuner refits on the new task's points only an
    /// output offset, an output scale and the noise (<c>z = a + b·f</c>, MAP with a ~ N(a₀, 1) (a₀ = 0 without <see cref="CentreOnPrior"/>), ln b ~ N(0, 1)); the prior's
    /// mean and kernel stay fixed either way.
    /// </summary>
    /// <value>The default is true.</value>
    public bool RefitOutputScaleAndNoise { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the new task's standardized losses are centred on the prior: from the trial
    /// <see cref="CentreFromTrial"/> says (by default the first observation for a stationary prior, the 4th trial for one with an
    /// empirical-covariance term) the output offset is <c>a₀ = mean(z − m(x))</c> over the observed trials (so the observed level is read
    /// as the prior's level at those points, not as the prior's average), the scale is held at 1 and the noise at the
    /// prior's until <see cref="RefitFrom"/> points, and the refit's offset prior is N(a₀, 1) instead of N(0, 1).
    /// </summary>
    /// <value>
    /// The default is true. False gives the earlier behaviour: offset 0 until the refit, which after one good first trial
    /// reads "this region is worse than the prior thought" and sends the next trials away from it (bench/RESULTS.md,
    /// "Transfer (issue 11)").
    /// </value>
    public bool CentreOnPrior { get; init; } = true;

    /// <summary>
    /// Gets the trial from which the offset is centred on the prior (<see cref="CentreOnPrior"/>): the proposal of trial
    /// <c>n</c> (1-based) is centred once at least <c>n − 1</c> trials have a finite loss, so 1 centres from the first
    /// observation on and 4 keeps offset 0 for the proposals of trials 2 and 3 and centres from the 4th on. Null chooses by the
    /// prior: 4 when it has an empirical-covariance term (<see cref="PretrainedGpPrior.HasEmpiricalCovariance"/>), else 1.
    /// Ignored when <see cref="CentreOnPrior"/> is false.
    /// </summary>
    /// <value>
    /// The default is null (automatic). Why 4 with the empirical term: there, offset 0 reads a first trial that is worse than
    /// the prior mean as "this block of co-varying configurations is worse" and sends trials 2-3 to another block of good
    /// configurations, as the empirical prior with PI does, while centring from trial 1 removes that signal; from the 4th trial
    /// on the centred refit helps (bench/RESULTS.md, "Transfer (issue 11)", H28 and H35). With a stationary prior centring from
    /// the first trial was better (H22).
    /// </value>
    public int? CentreFromTrial { get; init; }

    /// <summary>The trial from which the offset is centred for <paramref name="prior"/>: <see cref="CentreFromTrial"/>, or its automatic choice when null; <see cref="int.MaxValue"/> when <see cref="CentreOnPrior"/> is false.</summary>
    /// <param name="prior">The prior the tuner uses.</param>
    /// <returns>The 1-based trial number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prior"/> is null.</exception>
    public int EffectiveCentreFromTrial(PretrainedGpPrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (!CentreOnPrior)
        {
            return int.MaxValue;
        }

        return CentreFromTrial ?? (prior.HasEmpiricalCovariance ? 4 : 1);
    }

    /// <summary>Gets how many points (observed and pending) the task must hold before the output offset, scale and noise are refitted (<see cref="RefitOutputScaleAndNoise"/>).</summary>
    /// <value>The default is 3.</value>
    public int RefitFrom { get; init; } = 3;

    /// <summary>
    /// Gets how many trials must have a finite loss before the prior drives the proposals: until then each proposal is point
    /// <c>trialId</c> of a scrambled Sobol sequence (seeded; in candidate mode the nearest untried candidate), as
    /// <see cref="GaussianProcessTuner"/> starts. A trial the experiment runs at the space's defaults counts.
    /// </summary>
    /// <value>
    /// The default is 0: the prior says where to begin (its mean's minimizer first), which is right when it was pre-trained on
    /// many related tasks. With few, small or dissimilar source studies a few space-filling trials keep a poorly informed prior
    /// from spending the first trials in the corners it favours (bench/RESULTS.md, "Transfer on real tables").
    /// </value>
    public int StartupTrials { get; init; }

    /// <summary>
    /// Gets how many of the first proposals are the points of the prior's greedy portfolio of the source tasks
    /// (<see cref="PretrainedGpPrior.Portfolio"/>, in its order; at most as many as it holds): in candidate mode the untried
    /// candidate at (or nearest to) each point, in whole-space mode the point itself unless already tried. They come before any
    /// <see cref="StartupTrials"/> point and count towards them; after them the prior drives the proposals as usual.
    /// </summary>
    /// <value>The default is 0 (the prior mean's minimizer first, as before).</value>
    public int PortfolioTrials { get; init; }

    /// <summary>
    /// Gets the number of trials after which the tuner hands over to the raw-unit empirical GP of the source tasks, or null never to:
    /// once the task holds this many trials (reported), each proposal maximizes probability of improvement under the empirical mean and
    /// covariance (divisor T − 1) of the source tasks' raw losses at their shared points (noise 0.01·v̄, margin 0.1·√v̄, v̄ the mean prior
    /// variance), conditioned on the task's raw losses at those points (failed trials at the worst finite loss, pending ones too), over
    /// the untried candidates that are shared points. It applies only in candidate mode with a prior that holds the raw values
    /// (<see cref="PretrainedGpPrior.HasRawSharedValues"/>: a fully matched history of at least 3 tasks) and while such a candidate
    /// is untried; otherwise the prior drives the proposals as usual.
    /// </summary>
    /// <value>
    /// The default is 3: on the 50 SVM tasks (leave one out) the meta tuner's first three trials, then the raw empirical GP, gave
    /// regret 0.0652 / 0.0516 / 0.0184 / 0.0103 / 0.0056 at 3 / 5 / 10 / 20 / 30 evaluations against 0.0652 / 0.0531 / 0.0243 / 0.0093 /
    /// 0.0065 without the hand-off, and against the empirical prior alone from the first trial (0.0804 / 0.0505 / 0.0209 / 0.0138 /
    /// 0.0096): the pre-trained prior picks the first trials better, the exact empirical moments the later ones (bench/RESULTS.md, H42
    /// and the lead's rerun). The design was fixed before its run, but after earlier runs on the same 50 tasks had shown the empirical
    /// prior strong from 10 evaluations on. Null never hands off. Histories that are not fully matched (most users' own) never hand off.
    /// </value>
    public int? EmpiricalHandoffTrial { get; init; } = 3;

    /// <summary>
    /// Gets the candidate set, or null to search the whole space. With candidates, every proposal is one of them, never one
    /// already proposed or reported, and the tuner is exhausted (<see cref="MetaGaussianProcessTuner.IsExhausted"/>) once all
    /// were proposed. Each must be a point of the search space (it is encoded with <see cref="SearchSpace.MappingToFeatureSpace"/>);
    /// an update whose parameter encodes to a candidate's point (within 1e-9 per slot) marks that candidate tried.
    /// </summary>
    /// <value>The default is null.</value>
    public IReadOnlyList<Parameter>? Candidates { get; init; }

    /// <summary>
    /// Gets the new task's data-set meta-features by name, for a prior whose mean reads them
    /// (<see cref="PretrainedGpPrior.TakesMetaFeatures"/>, <see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>): the tuner then uses
    /// <see cref="PretrainedGpPrior.ForTask"/> of them. The keys are those the source tasks carried (<see cref="TransferTask.MetaFeatures"/>;
    /// for studies, those <see cref="Data.DataMetaFeatures"/> computes from the data or reads from the study's attributes); extra keys are ignored. Ignored by a prior whose mean reads none.
    /// </summary>
    /// <value>The default is null (none; a prior that reads meta-features is then refused with the names it needs).</value>
    public IReadOnlyDictionary<string, double>? TaskMetaFeatures { get; init; }

    /// <summary>Gets the settings of the acquisition optimizer (whole-space mode only).</summary>
    /// <value>The defaults of <see cref="AcquisitionOptimizerOptions"/>.</value>
    public AcquisitionOptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Gets the clock that times proposals.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or missing.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (Acquisition is AcquisitionKind kind && (!Enum.IsDefined(kind) || kind == AcquisitionKind.Hedge))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Acquisition must be LogExpectedImprovement, LogProbabilityOfImprovement or UpperConfidenceBound; got {Acquisition}."));
        }

        if (StartupTrials < 0 || StartupTrials > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"StartupTrials must be in [0, 10000], got {StartupTrials}."));
        }

        if (EmpiricalHandoffTrial is < 0 or > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"EmpiricalHandoffTrial must be null (never) or in [0, 10000], got {EmpiricalHandoffTrial}."));
        }

        if (PortfolioTrials is < 0 or > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"PortfolioTrials must be in [0, 10000], got {PortfolioTrials}."));
        }

        if (CentreFromTrial is < 1 or > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"CentreFromTrial must be null (automatic) or in [1, 10000], got {CentreFromTrial}."));
        }

        if (RefitFrom < 1 || RefitFrom > 10_000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"RefitFrom must be in [1, 10000], got {RefitFrom}."));
        }

        if (Candidates is not null && Candidates.Count == 0)
        {
            problems.Add("Candidates must hold at least one parameter when set; got an empty list.");
        }

        if (Candidates is not null && Candidates.Any(c => c is null))
        {
            problems.Add("Candidates must not hold null.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider must be set.");
        }

        if (Optimizer is null)
        {
            problems.Add("Optimizer must be set.");
        }
        else
        {
            try
            {
                Optimizer.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid meta Gaussian-process tuner options: " + string.Join(" ", problems));
        }
    }
}
