using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// The tuning loop (ML.NET AutoML's <c>AutoMLExperiment</c>): the only place that knows the tuner,
/// the trial runner and the study storage.
/// </summary>
/// <remarks>
/// <para>Per trial: Propose → ReportRunningTrial → RunAsync → ReportCompletedTrial → Update → stop check
/// → best check. <see cref="ITuner.Update"/> is called once per trial, failed trials included with
/// <c>Loss = double.MaxValue</c>. A failure before any success is fatal (its exception is rethrown);
/// later failures are reported and the loop goes on. A NaN loss never becomes the best.</para>
/// <para>The first trial of a new study is not proposed: it runs at the search space's declared defaults
/// (<see cref="SearchSpace.Default"/>; the MLP declares a cheap one, one epoch at a large batch), so that
/// a budget that fits one cheap trial yields a model, and its result reaches the tuner through
/// <see cref="ITuner.Update"/> like any other. With a choice of trainers every trainer's defaults follow. A start point the
/// study lacks runs before any proposal in every process that joins the study (worker processes open it together), and
/// one the study already has is never run twice.</para>
/// <para>Stopping: the time budget (always enforced: <see cref="DefaultTrainingTimeInSeconds"/> unless
/// set), <see cref="SetMaxModelToExplore"/> (failed trials count), an exhausted <see cref="IFiniteTuner"/>,
/// or the caller's token. The running trials are cancelled through their token and recorded as
/// <see cref="Storage.TrialState.Interrupted"/>, with the intermediate values they reported; a later
/// run of the same study retries them.</para>
/// <para>With <see cref="SetStudy"/>, every trial is written to the storage as it starts and ends, and
/// each value a runner reports through <see cref="TrialSettings.Reporter"/> as it trains. A re-run
/// resumes the study: numbering continues, stored trials are replayed into the tuner, trials a killed
/// process left running are marked interrupted, and interrupted trials are retried first. Several
/// processes may run one study together: each retry is claimed atomically in the storage, and a
/// proposal another process already made is replaced by a new one, so no two trials get the same
/// hyperparameters while the tuner has others to give.</para>
/// </remarks>
public sealed partial class HyperGradExperiment
{
    /// <summary>The time budget when none is set: one hour.</summary>
    public const uint DefaultTrainingTimeInSeconds = 3600;

    /// <summary>
    /// The trial attribute (<see cref="TrialResult.Attributes"/>) that holds how long the tuner's <see cref="ITuner.Propose"/>
    /// took for the trial, in milliseconds, measured by the experiment with its clock (<see cref="SetTimeProvider"/>) for
    /// any tuner: <c>proposal_ms</c>.
    /// </summary>
    /// <remarks>
    /// Trials the tuner did not propose have no such attribute: a new study's start points (the search space's defaults)
    /// and retries of interrupted trials. When the first proposal was discarded as a duplicate of another process's trial,
    /// the value is the time of the proposal that became the trial. Stored with complete and pruned trials.
    /// </remarks>
    public const string ProposalTimeAttribute = "proposal_ms";

    private readonly SearchSpace searchSpace = new();
    private Func<ExperimentContext, ITuner>? tunerFactory;
    private Func<ExperimentContext, ITrialRunner>? runnerFactory;
    private Pruning.IPruner? pruner;

    /// <summary>Gets a value indicating whether a trial runner was chosen (by <see cref="SetTrialRunner(ITrialRunner)"/> or an extension such as <c>WithHyperGrad</c>).</summary>
    public bool HasTrialRunner => runnerFactory is not null;
    private readonly List<IMonitor> monitors = [];
    private TabularDataset? trainData;
    private TabularDataset? validationData;
    private uint trainingTimeInSeconds = DefaultTrainingTimeInSeconds;
    private int? maxModels;
    private int? maxStudyTrials;
    private IStudyStorage? storage;
    private string? studyName;
    private string taskDescription = "hyperparameter tuning";
    private IReadOnlyDictionary<string, string> studyIdentity = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, double>? studyMetaFeatures;
    private IReadOnlyDictionary<string, string> studyDescriptions = new Dictionary<string, string>();
    private Func<ExperimentContext, CancellationToken, Task<(ITuner Tuner, IReadOnlyDictionary<string, string> StudyAttributes)>>? describedTunerFactory;
    private int parallelism = 1;
    private int seed;
    private TimeProvider timeProvider = TimeProvider.System;
    private readonly List<Exception> monitorErrors = [];

    /// <summary>Gets the exceptions monitors threw during runs; a failing monitor never stops the experiment.</summary>
    public IReadOnlyList<Exception> MonitorErrors => monitorErrors;

    /// <summary>Gets the name of the study of <see cref="SetStudy"/>, or null.</summary>
    internal string? StudyName => studyName;

    /// <summary>Gets the training data of <see cref="SetDataset"/>, or null.</summary>
    internal TabularDataset? TrainData => trainData;

    /// <summary>Gets the validation data of <see cref="SetDataset"/>, or null.</summary>
    internal TabularDataset? ValidationData => validationData;

    /// <summary>Gets the experiment's search space (one entry per <see cref="AddSearchSpace(string, SearchSpace)"/> key).</summary>
    public SearchSpace SearchSpace => searchSpace;

    /// <summary>Sets the training and validation data that the default trial runner and factories receive.</summary>
    /// <param name="train">The training data.</param>
    /// <param name="validation">The validation data used to score trials.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetDataset(TabularDataset train, TabularDataset validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        if (train.Task != validation.Task || train.FeatureCount != validation.FeatureCount)
        {
            throw new ArgumentException($"The validation data ({validation.Task}, {validation.FeatureCount} features) does not match the training data ({train.Task}, {train.FeatureCount} features).", nameof(validation));
        }

        trainData = train;
        validationData = validation;
        return this;
    }

    /// <summary>Uses a tuner instance.</summary>
    /// <param name="tuner">The tuner; it must cover the experiment's search space.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTuner(ITuner tuner)
    {
        ArgumentNullException.ThrowIfNull(tuner);
        tunerFactory = _ => tuner;
        describedTunerFactory = null;
        return this;
    }

    /// <summary>Uses a tuner built when the run starts, from the final search space and seed.</summary>
    /// <param name="factory">Builds the tuner.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTuner(Func<ExperimentContext, ITuner> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        tunerFactory = factory;
        describedTunerFactory = null;
        return this;
    }

    /// <summary>
    /// Uses a tuner built asynchronously when the run starts, before the study opens, together with study attributes that
    /// describe it (transfer learning: which earlier studies formed its prior); the attributes are stored in the study,
    /// replacing earlier values of the same keys.
    /// </summary>
    /// <param name="factory">Builds the tuner and its attributes.</param>
    /// <returns>This experiment.</returns>
    internal HyperGradExperiment SetTuner(Func<ExperimentContext, CancellationToken, Task<(ITuner Tuner, IReadOnlyDictionary<string, string> StudyAttributes)>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        describedTunerFactory = factory;
        tunerFactory = null;
        return this;
    }

    /// <summary>Stops unpromising trials early with a pruner, or turns pruning off.</summary>
    /// <param name="value">The pruner the runners consult after each epoch (<see cref="ITrialReporter.ShouldPrune"/>), or <see langword="null"/> for none (the default).</param>
    /// <returns>This experiment.</returns>
    /// <remarks>A pruned trial is stored in state <see cref="TrialState.Pruned"/> with the values it reported; it is never the best trial.</remarks>
    public HyperGradExperiment SetPruner(Pruning.IPruner? value)
    {
        pruner = value;
        return this;
    }

    /// <summary>Gets the pruner set by <see cref="SetPruner"/>, or <see langword="null"/>.</summary>
    public Pruning.IPruner? Pruner => pruner;

    /// <summary>Uses a trial runner instance (disposed by the caller, not by the experiment).</summary>
    /// <param name="runner">The runner.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTrialRunner(ITrialRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        runnerFactory = _ => new NonDisposingRunner(runner);
        return this;
    }

    /// <summary>Uses a trial runner built when the run starts; the experiment disposes it at the end of the run.</summary>
    /// <param name="factory">Builds the runner.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTrialRunner(Func<ExperimentContext, ITrialRunner> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        runnerFactory = factory;
        return this;
    }

    /// <summary>Adds a monitor that hears about every trial.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetMonitor(IMonitor monitor)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        monitors.Add(monitor);
        return this;
    }

    /// <summary>Adds a search space under a key; trials see its values at <c>Parameter[key]</c>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="space">The space.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="ArgumentException">The key is already used.</exception>
    public HyperGradExperiment AddSearchSpace(string key, SearchSpace space) => AddOption(key, space);

    /// <summary>Adds a conditional search space (a choice of branch, each with its own space) under a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="space">The space; trials see <c>Parameter[key][space.SelectorKey]</c> (the branch name) and <c>Parameter[key][branch]</c>.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="ArgumentException">The key is already used.</exception>
    public HyperGradExperiment AddSearchSpace(string key, ConditionalSearchSpace space) => AddOption(key, space);

    private HyperGradExperiment AddOption(string key, OptionBase space)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(space);
        if (searchSpace.ContainsKey(key))
        {
            throw new ArgumentException($"The experiment already has a search space under the key \"{key}\".", nameof(key));
        }

        searchSpace.Add(key, space);
        return this;
    }

    /// <summary>Sets the time budget, counted from the start of <see cref="RunAsync"/>.</summary>
    /// <param name="seconds">At least 1.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTrainingTimeInSeconds(uint seconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(seconds);
        trainingTimeInSeconds = seconds;
        return this;
    }

    /// <summary>Stops after this many trials (failed ones count), as ML.NET does.</summary>
    /// <param name="maxModels">At least 1.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetMaxModelToExplore(int maxModels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxModels, 1);
        this.maxModels = maxModels;
        return this;
    }

    /// <summary>
    /// Stops starting trials once the study of <see cref="SetStudy"/> holds this many trials, whoever ran them (earlier runs and
    /// other workers on the same study included): running, complete, failed and pruned trials count; interrupted trials do not,
    /// their retries do (<see cref="TrialBudget"/>).
    /// </summary>
    /// <param name="trials">At least 1.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>
    /// This is the limit for workers sharing one study (<see cref="StudyWorkerProcesses"/>, <c>hypergrad worker</c>), and it is
    /// exact: the storage counts the study's trials and creates the new one in one atomic step
    /// (<see cref="IStudyStorage.TryCreateTrialAsync"/>, <see cref="IStudyStorage.ClaimRetryAsync"/>), so however many workers
    /// race for the last trials, the study never holds more counted trials than this. Without a study it has no effect.
    /// </remarks>
    public HyperGradExperiment SetMaxStudyTrials(int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        maxStudyTrials = trials;
        return this;
    }

    /// <summary>Persists every trial in a study, and resumes the study if it exists.</summary>
    /// <param name="studyStorage">The storage (not disposed by the experiment).</param>
    /// <param name="name">The study's name.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetStudy(IStudyStorage studyStorage, string name)
    {
        ArgumentNullException.ThrowIfNull(studyStorage);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        storage = studyStorage;
        studyName = name;
        return this;
    }

    /// <summary>Describes the task in the study (shown in reports).</summary>
    /// <param name="description">For example "classification of data.csv by Species".</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTaskDescription(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        taskDescription = description;
        return this;
    }

    /// <summary>
    /// Declares what the study is about: its data's fingerprint (for example <see cref="DataFingerprint.OfFile"/>,
    /// the columns and the row count), its task, label and metric. A new study records it; a study created
    /// without it records it on its next run; resuming a study with any recorded value changed throws
    /// <see cref="StudyIdentityMismatchException"/> from <see cref="RunAsync"/> before any trial runs.
    /// </summary>
    /// <param name="identity">Names (shown in the error, for example "task") and values.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetStudyIdentity(IReadOnlyDictionary<string, string> identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        studyIdentity = new Dictionary<string, string>(identity, StringComparer.Ordinal);
        return this;
    }

    /// <summary>
    /// Describes the study's data by meta-features (<see cref="DataMetaFeatures"/>: rows, columns, classes, class entropy, ...),
    /// stored as study attributes under <see cref="DataMetaFeatures.AttributePrefix"/> for transfer learning to read. Unlike the
    /// identity (<see cref="SetStudyIdentity"/>), they never stop a study from being resumed: a run records its values.
    /// </summary>
    /// <param name="metaFeatures">The meta-features, by key; every value finite.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>Without this call, a run with <see cref="SetDataset"/> records the meta-features of its training and validation data.</remarks>
    /// <exception cref="ArgumentException">A key is empty or a value is not finite.</exception>
    public HyperGradExperiment SetStudyMetaFeatures(IReadOnlyDictionary<string, double> metaFeatures)
    {
        ArgumentNullException.ThrowIfNull(metaFeatures);
        DataMetaFeatures.ToAttributes(metaFeatures);
        studyMetaFeatures = new Dictionary<string, double>(metaFeatures, StringComparer.Ordinal);
        return this;
    }

    /// <summary>
    /// Records facts about this run as study attributes when the study opens (for example how another program may join it as a
    /// worker). Like the meta-features (<see cref="SetStudyMetaFeatures"/>), and unlike the identity (<see cref="SetStudyIdentity"/>),
    /// they never stop a study from being resumed: a run replaces the values an earlier run stored.
    /// </summary>
    /// <param name="attributes">The attributes, by key; keys not empty.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="ArgumentException">A key is empty or white space, or a value is null.</exception>
    public HyperGradExperiment SetStudyAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach ((string key, string value) in attributes)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                throw new ArgumentException($"A study attribute needs a name and a value; got \"{key}\" = {(value is null ? "null" : "\"" + value + "\"")}.", nameof(attributes));
            }
        }

        studyDescriptions = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        return this;
    }

    /// <summary>Gets the meta-features the study will record: those of <see cref="SetStudyMetaFeatures"/>, else the data's of <see cref="SetDataset"/>, else none.</summary>
    internal IReadOnlyDictionary<string, double> EffectiveMetaFeatures =>
        studyMetaFeatures
        ?? (trainData is { } train && validationData is { } validation ? DataMetaFeatures.Of(train, validation) : new Dictionary<string, double>());

    /// <summary>Runs up to <paramref name="trials"/> trials at once; tuner calls stay serialized.</summary>
    /// <param name="trials">At least 1.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetParallelism(int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        parallelism = trials;
        return this;
    }

    /// <summary>Seeds the study: tuners and trial seeds derive from it, so a study is reproducible.</summary>
    /// <param name="studySeed">The seed.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetSeed(int studySeed)
    {
        seed = studySeed;
        return this;
    }

    /// <summary>Uses a clock other than the system's (tests).</summary>
    /// <param name="provider">The clock.</param>
    /// <returns>This experiment.</returns>
    public HyperGradExperiment SetTimeProvider(TimeProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        timeProvider = provider;
        return this;
    }

    /// <summary>A runner passed as an instance: its owner disposes it, not the experiment.</summary>
    private sealed class NonDisposingRunner(ITrialRunner inner) : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) => inner.RunAsync(settings, cancellationToken);

        public void Dispose()
        {
        }
    }
}
