using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// Runs one self-tuning training per trial (<see cref="SelfTuningTrainer"/>): a trial's parameter is where the online tuning
/// starts (the initial dropout rate of every hidden layer and the initial L2 coefficient of every layer), and its result
/// (<see cref="SelfTuningTrialResult"/>) carries the schedule the run learned and the network it ended with.
/// </summary>
/// <remarks>
/// <para>Reads <c>Parameter["self_tuning"]</c> (<see cref="SearchSpaceKey"/>; the space is <see cref="CreateSearchSpace"/>'s):
/// <c>initial_dropout</c> and <c>initial_l2</c>. The network is the ReLU MLP of <see cref="SelfTuningOptions.HiddenLayers"/>, seeded
/// with the trial's seed; the features are used as given (no standardization).</para>
/// <para>Thread-safe: trials may run in parallel (each sets the libtorch thread count it was given). The token is checked before
/// every minibatch.</para>
/// </remarks>
public sealed class SelfTuningTrialRunner : ITrialRunner
{
    /// <summary>The key of this runner's search space in the experiment.</summary>
    public const string SearchSpaceKey = "self_tuning";

    /// <summary>The option of the initial dropout rate.</summary>
    public const string InitialDropoutKey = "initial_dropout";

    /// <summary>The option of the initial L2 coefficient.</summary>
    public const string InitialL2Key = "initial_l2";

    /// <summary>The <see cref="TrialResult.Attributes"/> key of the test cross-entropy, present when the runner has a test set.</summary>
    public const string TestLossAttribute = "test_loss";

    private readonly TensorDataset train;
    private readonly TensorDataset validation;
    private readonly TensorDataset? test;

    /// <summary>Creates a runner; copies the data into float32 tensors once.</summary>
    /// <param name="trainData">The classification training data (the weights' loss).</param>
    /// <param name="validationData">The validation data (the hyperparameters' loss), same features.</param>
    /// <param name="testData">Test data whose cross-entropy each result reports, or null.</param>
    /// <param name="options">The run's settings (the initial dropout and L2 come from each trial); defaults if null.</param>
    /// <param name="threadsPerTrial">libtorch threads per trial; 0 leaves the setting alone.</param>
    /// <exception cref="ArgumentException">The options are invalid, a set is not classification, or the features differ.</exception>
    public SelfTuningTrialRunner(TabularDataset trainData, TabularDataset validationData, TabularDataset? testData = null, SelfTuningOptions? options = null, int threadsPerTrial = 0)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(validationData);
        ArgumentOutOfRangeException.ThrowIfNegative(threadsPerTrial);
        Options = options ?? new SelfTuningOptions();
        Options.Validate();
        foreach ((TabularDataset? set, string name) in new[] { (trainData, nameof(trainData)), (validationData, nameof(validationData)), (testData, nameof(testData)) })
        {
            if (set is not null && (set.Task != TaskKind.Classification || set.FeatureCount != trainData.FeatureCount))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Self-tuning networks train a classifier: {name} must be classification data with {trainData.FeatureCount} features (as the training data); got {set.Task} with {set.FeatureCount} features."), name);
            }
        }

        if (trainData.Rows < Options.BatchSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The training data has {trainData.Rows} rows, fewer than one minibatch of {Options.BatchSize}."), nameof(trainData));
        }

        ThreadsPerTrial = threadsPerTrial;
        ClassCount = Math.Max(2, Math.Max(trainData.ClassCount, validationData.ClassCount));
        train = trainData.ToTensors();
        validation = validationData.ToTensors();
        test = testData?.ToTensors();
    }

    /// <summary>Gets the run's settings.</summary>
    public SelfTuningOptions Options { get; }

    /// <summary>Gets the libtorch threads per trial (0: left alone).</summary>
    public int ThreadsPerTrial { get; }

    /// <summary>Gets the number of classes (the MLP's outputs).</summary>
    public int ClassCount { get; }

    /// <summary>The search space of the starting point, to add under <see cref="SearchSpaceKey"/>.</summary>
    /// <param name="options">The settings whose initial values are the defaults; <see cref="SelfTuningOptions"/>' defaults if null.</param>
    /// <returns><c>initial_dropout</c> in [0.001, 0.95] (linear) and <c>initial_l2</c> in [1e-8, 1] (log).</returns>
    public static SearchSpace CreateSearchSpace(SelfTuningOptions? options = null)
    {
        options ??= new SelfTuningOptions();
        return new SearchSpace
        {
            [InitialDropoutKey] = new UniformDoubleOption(SelfTuningOptions.MinDropout, SelfTuningOptions.MaxDropout, defaultValue: options.InitialDropout),
            [InitialL2Key] = new UniformDoubleOption(SelfTuningOptions.MinL2, SelfTuningOptions.MaxL2, logBase: true, defaultValue: options.InitialL2),
        };
    }

    /// <inheritdoc />
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Task.Factory.StartNew<TrialResult>(() => Run(settings, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        train.Dispose();
        validation.Dispose();
        test?.Dispose();
    }

    private SelfTuningTrialResult Run(TrialSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Parameter parameter = settings.Parameter.ParameterType == ParameterType.Object && settings.Parameter.Keys.Contains(SearchSpaceKey, StringComparer.Ordinal)
            ? settings.Parameter[SearchSpaceKey]
            : throw new ArgumentException($"The trial's parameter has no \"{SearchSpaceKey}\" entry (where the online tuning starts); its keys are [{string.Join(", ", settings.Parameter.ParameterType == ParameterType.Object ? settings.Parameter.Keys : [])}]. Add SelfTuningTrialRunner.CreateSearchSpace() under that key.", nameof(settings));
        double dropout = Read(parameter, InitialDropoutKey, SelfTuningOptions.MinDropout, SelfTuningOptions.MaxDropout);
        double l2 = Read(parameter, InitialL2Key, SelfTuningOptions.MinL2, SelfTuningOptions.MaxL2);
        SelfTuningOptions used = Options with { InitialDropout = dropout, InitialL2 = l2, Seed = unchecked((ulong)settings.Seed) };
        if (ThreadsPerTrial > 0)
        {
            TorchRuntime.Threads = ThreadsPerTrial;
        }

        SelfTuningRun run = new SelfTuningTrainer(used).Train(train.Features, train.Labels, validation.Features, validation.Labels, ClassCount, null, cancellationToken);
        double? testLoss = test is null ? null : TestLoss(run, test);
        var attributes = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < run.Dropout.Count; j++)
        {
            attributes[string.Create(CultureInfo.InvariantCulture, $"dropout_{j}")] = run.Dropout[j];
        }

        for (int l = 0; l < run.L2.Count; l++)
        {
            attributes[string.Create(CultureInfo.InvariantCulture, $"l2_{l}")] = run.L2[l];
        }

        if (testLoss is double t)
        {
            attributes[TestLossAttribute] = t;
        }

        return new SelfTuningTrialResult
        {
            TrialSettings = settings,
            Loss = run.ValidationLoss,
            Metric = run.ValidationAccuracy,
            ValidationLossCurve = [.. run.Schedule.Select(e => e.ValidationLoss)],
            ValidationMetricCurve = [.. run.Schedule.Select(e => e.ValidationAccuracy)],
            TrainLossCurve = [.. run.Schedule.Select(e => e.TrainLoss)],
            Run = run,
            TestLoss = testLoss,
            Attributes = attributes,
        };
    }

    private static double Read(Parameter parameter, string key, double min, double max)
    {
        if (parameter.ParameterType != ParameterType.Object || !parameter.Keys.Contains(key, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The trial's \"{SearchSpaceKey}\" parameter has no \"{key}\"; SelfTuningTrialRunner.CreateSearchSpace() has {InitialDropoutKey} and {InitialL2Key}.", nameof(parameter));
        }

        double value = parameter[key].AsType<double>();
        if (!(value >= min && value <= max))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The trial's {SearchSpaceKey}.{key} must be in [{min}, {max}]; got {value}."), nameof(parameter));
        }

        return value;
    }

    private static double TestLoss(SelfTuningRun run, TensorDataset data)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weights = new Tensor[run.Weights.Count];
        for (int l = 0; l < run.LayerSizes.Count - 1; l++)
        {
            weights[2 * l] = TensorData.FromSpan<double>(run.Weights[2 * l], [run.LayerSizes[l + 1], run.LayerSizes[l]]).to(data.Features.dtype);
            weights[(2 * l) + 1] = TensorData.FromSpan<double>(run.Weights[(2 * l) + 1], [run.LayerSizes[l + 1]]).to(data.Features.dtype);
        }

        var mlp = new Models.Mlp(run.LayerSizes);
        return Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, data.Features), data.Labels).to(ScalarType.Float64).item<double>();
    }
}
