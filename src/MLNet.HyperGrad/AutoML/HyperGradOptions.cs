using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Tuners;
using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.AutoML;

/// <summary>Settings of <see cref="HyperGradExperimentExtensions.WithHyperGrad"/>, the one entry point to MLNet.HyperGrad's tuners.</summary>
public sealed class HyperGradOptions
{
    /// <summary>Gets or sets which tuner to use.</summary>
    /// <value>The default is <see cref="TunerKind.Random"/>.</value>
    public TunerKind Tuner { get; set; } = TunerKind.Random;

    /// <summary>Gets or sets the number of grid values per continuous dimension for <see cref="TunerKind.Grid"/>.</summary>
    /// <value>The default is 5.</value>
    public int GridStepsPerContinuousDimension { get; set; } = 5;

    /// <summary>Gets or sets the hypergradient method; setting it selects <see cref="TunerKind.HyperGradient"/> (with <see cref="Tuner"/> left at its default or set to it).</summary>
    /// <value>The default is null: <see cref="HypergradientTrialRunnerOptions.Method"/>'s default when <see cref="Tuner"/> is <see cref="TunerKind.HyperGradient"/>.</value>
    public HypergradientMethodKind? Method { get; set; }

    /// <summary>Gets or sets the settings of the gradient tuner's runner (the network, T, which hyperparameters are tensors), used when <c>WithHyperGrad</c> creates the runner.</summary>
    /// <value>The default is null: <see cref="HypergradientTrialRunnerOptions"/>'s defaults (with <see cref="Method"/> when set).</value>
    public HypergradientTrialRunnerOptions? HypergradientRunner { get; set; }

    /// <summary>Gets or sets the settings of <see cref="HyperGradientTuner"/>.</summary>
    /// <value>The default is null: <see cref="HyperGradientTunerOptions"/>'s defaults.</value>
    public HyperGradientTunerOptions? HypergradientTuner { get; set; }

    /// <summary>Gets or sets the settings of the self-tuning runs (<see cref="TunerKind.SelfTuning"/>): the network, epochs, optimizer and the online tuning's rates.</summary>
    /// <value>The default is null: <see cref="Hypernetworks.SelfTuningOptions"/>' defaults.</value>
    public Hypernetworks.SelfTuningOptions? SelfTuning { get; set; }

    /// <summary>Gets or sets the settings of <see cref="Hypernetworks.HypernetworkTuner"/> (<see cref="TunerKind.Hypernetwork"/>).</summary>
    /// <value>The default is null: <see cref="Hypernetworks.HypernetworkTunerOptions"/>'s defaults.</value>
    public Hypernetworks.HypernetworkTunerOptions? Hypernetwork { get; set; }

    /// <summary>Gets the tuner these options select: <see cref="TunerKind.HyperGradient"/> when <see cref="Method"/> is set, else <see cref="Tuner"/>.</summary>
    public TunerKind EffectiveTuner => Method is not null ? TunerKind.HyperGradient : Tuner;
    /// <summary>Gets or sets which pruner stops unpromising trials early, with its default settings.</summary>
    /// <value>The default is <see cref="PrunerKind.None"/>.</value>
    public PrunerKind Pruner { get; set; } = PrunerKind.None;

    /// <summary>Gets or sets a pruner instance to use instead of <see cref="Pruner"/> (for settings other than the defaults).</summary>
    /// <value>The default is <see langword="null"/>; set it only while <see cref="Pruner"/> is <see cref="PrunerKind.None"/>.</value>
    public IPruner? CustomPruner { get; set; }

    /// <summary>Gets the storage whose earlier studies form the transfer prior (<see cref="TransferFrom(IStudyStorage, StudyFilter)"/>), or null.</summary>
    public IStudyStorage? TransferStorage { get; private set; }

    /// <summary>Gets which earlier studies of <see cref="TransferStorage"/> may form the transfer prior, or null.</summary>
    public StudyFilter? TransferFilter { get; private set; }

    /// <summary>Gets or sets which earlier studies are usable (fewest complete trials, range differences).</summary>
    /// <value>The default is null: <see cref="TransferHistoryOptions"/>'s defaults, with the study being tuned excluded.</value>
    public TransferHistoryOptions? TransferHistory { get; set; }

    /// <summary>Gets or sets the settings of the prior's pre-training (<see cref="GpPriorPretraining"/>).</summary>
    /// <value>The default is null: <see cref="DefaultPretraining"/> for the number of studies that form the prior, seeded with the study's seed.</value>
    public GpPriorPretrainingOptions? Pretraining { get; set; }

    /// <summary>
    /// The fewest earlier studies for which the default pre-training (<see cref="Pretraining"/> null) fits HyperBO's MLP mean;
    /// below it the prior's mean is a constant and only the kernel carries what the studies learned.
    /// </summary>
    /// <remarks>
    /// A flexible mean fitted to a handful of studies extrapolates: on bench <c>transfer-fashion</c> (3 studies of 20 trials) the MLP
    /// mean sent every proposal to the learning rate's upper bound and the meta tuner's best accuracy after 30 trials was 0.7255
    /// (median of 10 seeds) against the single-task GP's 0.788; a constant mean gave 0.7905 (bench/RESULTS.md). The 49 studies of
    /// the SVM benchmark keep the MLP mean, which they gain from.
    /// </remarks>
    public const int MlpMeanMinimumStudies = 10;

    /// <summary>The pre-training settings used when <see cref="Pretraining"/> is null: the defaults of <see cref="GpPriorPretrainingOptions"/>, seeded with <paramref name="seed"/>, with a constant mean when fewer than <see cref="MlpMeanMinimumStudies"/> studies form the prior.</summary>
    /// <param name="studies">How many earlier studies form the prior.</param>
    /// <param name="seed">The study's seed.</param>
    /// <returns>The settings.</returns>
    public static GpPriorPretrainingOptions DefaultPretraining(int studies, int seed) => studies < MlpMeanMinimumStudies
        ? new GpPriorPretrainingOptions { Seed = seed, MeanKind = PriorMeanKind.Constant }
        : new GpPriorPretrainingOptions { Seed = seed };

    /// <summary>Gets or sets the settings of <see cref="MetaGaussianProcessTuner"/>.</summary>
    /// <value>The default is null: <see cref="MetaGaussianProcessTunerOptions"/>'s defaults.</value>
    public MetaGaussianProcessTunerOptions? MetaTuner { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the transfer tuner shares the trials with the single-task
    /// <see cref="GaussianProcessTuner"/>: a <see cref="PortfolioTuner"/> of <see cref="MetaGaussianProcessTuner"/> ("meta") and
    /// <see cref="GaussianProcessTuner"/> ("gp"), which chooses the member of each trial by the improvements each member's
    /// proposals made (Exp3), and lets both learn from every trial. A prior that misleads on the new task then costs a share of
    /// the trials instead of all of them; each trial records its member (<see cref="PortfolioTuner.MemberAttribute"/>).
    /// </summary>
    /// <value>The default is false: the meta tuner proposes every trial.</value>
    public bool HedgeTransfer { get; set; }

    /// <summary>
    /// Makes the user's own history the prior: the earlier studies of <paramref name="storage"/> that <paramref name="filter"/> selects
    /// and that tuned the same search space (<see cref="Transfer.TransferHistory"/>) pre-train a Gaussian-process prior
    /// (<see cref="GpPriorPretraining"/>), and <see cref="MetaGaussianProcessTuner"/> tunes with it; selects
    /// <see cref="TunerKind.MetaGaussianProcess"/>.
    /// </summary>
    /// <param name="storage">The storage holding the earlier studies; usually the one the new study is stored in. Not disposed.</param>
    /// <param name="filter">Which earlier studies to consider (<see cref="StudyFilter.NamePrefix"/>, <see cref="StudyFilter.Attribute"/>, <see cref="StudyFilter.Parse"/>).</param>
    /// <returns>These options.</returns>
    /// <remarks>
    /// The prior is built when the run starts. With a study (<see cref="HyperGradExperiment.SetStudy"/>), the study records which
    /// studies formed it and how well each fitted it (<see cref="TransferSummary"/>), and the report shows them; the study itself is
    /// never one of its sources. No usable earlier study makes the run throw <see cref="TransferHistoryException"/> before any trial.
    /// </remarks>
    public HyperGradOptions TransferFrom(IStudyStorage storage, StudyFilter filter)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(filter);
        TransferStorage = storage;
        TransferFilter = filter;
        Tuner = TunerKind.MetaGaussianProcess;
        return this;
    }

    /// <summary>Makes the user's own history the prior, with a filter in its text form (<see cref="StudyFilter.Parse"/>): see <see cref="TransferFrom(IStudyStorage, StudyFilter)"/>.</summary>
    /// <param name="storage">The storage holding the earlier studies.</param>
    /// <param name="filter">Comma-separated study names, name patterns (<c>classification-*</c>) or <c>key=value</c> attribute tests.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentException">The filter text is malformed.</exception>
    public HyperGradOptions TransferFrom(IStudyStorage storage, string filter) => TransferFrom(storage, StudyFilter.Parse(filter));

    /// <summary>The pruner these settings ask for, or <see langword="null"/> for none.</summary>
    /// <returns>A new pruner of kind <see cref="Pruner"/> with its defaults, <see cref="CustomPruner"/>, or <see langword="null"/>.</returns>
    public IPruner? CreatePruner() => CustomPruner ?? Pruner switch
    {
        PrunerKind.Median => new MedianPruner(),
        PrunerKind.SuccessiveHalving => new SuccessiveHalvingPruner(),
        PrunerKind.LearningCurve => new LearningCurvePruner(),
        _ => null,
    };

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Tuner))
        {
            problems.Add($"Tuner {(int)Tuner} is not a known tuner.");
        }

        if (Method is { } method && !Enum.IsDefined(method))
        {
            problems.Add($"Method {(int)method} is not a known hypergradient method.");
        }

        if (Method is not null && Tuner is not (TunerKind.Random or TunerKind.HyperGradient))
        {
            problems.Add($"Method {Method} tunes by gradient and needs Tuner = HyperGradient (or left at its default); got Tuner = {Tuner}.");
        }

        if (!Enum.IsDefined(Pruner))
        {
            problems.Add($"Pruner {(int)Pruner} is not a known pruner.");
        }

        if (CustomPruner is not null && Pruner != PrunerKind.None)
        {
            problems.Add($"Set either Pruner (got {Pruner}) or CustomPruner, not both.");
        }

        if (Tuner == TunerKind.MetaGaussianProcess && TransferStorage is null)
        {
            problems.Add("Tuner = MetaGaussianProcess tunes with a prior pre-trained on earlier studies: call TransferFrom(storage, filter) to name them.");
        }

        if (TransferStorage is not null && Tuner != TunerKind.MetaGaussianProcess)
        {
            problems.Add($"TransferFrom builds a prior for Tuner = MetaGaussianProcess; got Tuner = {Tuner}.");
        }

        if (HedgeTransfer && Tuner != TunerKind.MetaGaussianProcess)
        {
            problems.Add($"HedgeTransfer shares the transfer tuner's trials with the single-task GP tuner: call TransferFrom(storage, filter) (Tuner = MetaGaussianProcess); got Tuner = {Tuner}.");
        }

        if (SelfTuning is not null && EffectiveTuner != TunerKind.SelfTuning)
        {
            problems.Add($"SelfTuning settings apply to Tuner = SelfTuning; got Tuner = {EffectiveTuner}.");
        }

        if (Hypernetwork is not null)
        {
            try
            {
                Hypernetwork.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (GridStepsPerContinuousDimension < 2)
        {
            problems.Add($"GridStepsPerContinuousDimension must be at least 2, got {GridStepsPerContinuousDimension}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid HyperGrad options: " + string.Join(" ", problems));
        }
    }
}
