using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// Trains an MLP classifier per trial with hyperparameter tensors (per-step learning rates and momenta, per-layer or
/// per-weight L2, per-layer init scales) and differentiates the validation loss through the training: every trial
/// returns a <see cref="HypergradientTrialResult"/>, which <see cref="Tuners.HyperGradientTuner"/> steps with.
/// </summary>
/// <remarks>
/// <para>Reads the trial's hyperparameters at <c>Parameter["hypergradient"]</c> (<see cref="SearchSpaceKey"/>; the space
/// is <see cref="HypergradientTrialRunnerOptions.CreateSearchSpace"/>'s) through <see cref="HyperparameterSet.FromParameter"/>,
/// builds an <see cref="MlpInnerProblem"/> (float64, ReLU, T inner steps of SGD with momentum on batches taken in order,
/// initial weights from <see cref="HypergradientTrialRunnerOptions.WeightSeed"/>, the same in every trial) and runs the
/// chosen <see cref="IHypergradientMethod"/>. <see cref="TrialResult.Loss"/> is the outer loss (validation cross-entropy,
/// smaller is better) and <see cref="TrialResult.Metric"/> the validation accuracy; with a test set the result also
/// carries the test cross-entropy (<see cref="HypergradientTrialResult.TestLoss"/>, and <c>Attributes["test_loss"]</c>, which the
/// experiment stores with the trial).</para>
/// <para>Greedy one-step is online: one trial is one training run that tunes its hyperparameters while it trains;
/// the result's <see cref="HypergradientTrialResult.TunedHyperparameters"/> are where it ended, and the tuner's next
/// trial starts a fresh training run from them.</para>
/// <para>Thread-safe: trials may run in parallel; each network shape's problem (its float64 copy of the data) is built
/// once and shared read-only. The token is checked before and after the hypergradient computation, which itself is
/// not interruptible (keep T small enough for the time budget).</para>
/// </remarks>
public sealed class HypergradientTrialRunner : ITrialRunner
{
    /// <summary>The key of the hyperparameter tensors' search space in the experiment.</summary>
    public const string SearchSpaceKey = "hypergradient";

    /// <summary>The key of the optional hidden-width choice inside <see cref="SearchSpaceKey"/>'s space.</summary>
    public const string HiddenWidthKey = "hidden_width";

    /// <summary>The <see cref="TrialResult.Attributes"/> key of the test cross-entropy, present when the runner has a test set.</summary>
    public const string TestLossAttribute = "test_loss";

    private readonly HypergradientTrialRunnerOptions options;
    private readonly TabularDataset train;
    private readonly TabularDataset validation;
    private readonly (Tensor X, Tensor Y) validationTensors;
    private readonly (Tensor X, Tensor Y)? testTensors;
    private readonly Dictionary<string, MlpInnerProblem> problems = new(StringComparer.Ordinal);
    private readonly Lock problemsLock = new();

    /// <summary>Creates a runner; copies the data into float64 tensors once.</summary>
    /// <param name="trainData">The classification training data.</param>
    /// <param name="validationData">The validation data (the outer criterion), same features.</param>
    /// <param name="testData">Test data whose cross-entropy each result reports beside the validation loss, or null.</param>
    /// <param name="runnerOptions">Settings; defaults if null.</param>
    /// <exception cref="ArgumentException">The options are invalid, a set is not classification, or the features differ.</exception>
    public HypergradientTrialRunner(TabularDataset trainData, TabularDataset validationData, TabularDataset? testData = null, HypergradientTrialRunnerOptions? runnerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(validationData);
        options = runnerOptions ?? new HypergradientTrialRunnerOptions();
        options.Validate();
        foreach ((TabularDataset? set, string name) in new[] { (trainData, nameof(trainData)), (validationData, nameof(validationData)), (testData, nameof(testData)) })
        {
            if (set is not null && (set.Task != TaskKind.Classification || set.FeatureCount != trainData.FeatureCount))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Gradient-based tuning trains a classifier: {name} must be classification data with {trainData.FeatureCount} features (as the training data); got {set.Task} with {set.FeatureCount} features."), name);
            }
        }

        Standardizer = options.Standardize ? Standardizer.Fit(trainData) : null;
        train = Standardizer?.Transform(trainData) ?? trainData;
        validation = Standardizer?.Transform(validationData) ?? validationData;
        FeatureCount = trainData.FeatureCount;
        ClassCount = Math.Max(2, Math.Max(trainData.ClassCount, validationData.ClassCount));
        validationTensors = ToFloat64(validation);
        testTensors = testData is null ? null : ToFloat64(Standardizer?.Transform(testData) ?? testData);
    }

    /// <summary>Gets the number of input features.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of classes (the MLP's outputs).</summary>
    public int ClassCount { get; }

    /// <summary>Gets the standardizer fitted on the training data, or null.</summary>
    public Standardizer? Standardizer { get; }

    /// <summary>Gets the settings.</summary>
    public HypergradientTrialRunnerOptions Options => options;

    /// <summary>The search space of this runner's trials, to add under <see cref="SearchSpaceKey"/>.</summary>
    /// <returns>A new search space (<see cref="HypergradientTrialRunnerOptions.CreateSearchSpace"/> for this data).</returns>
    public SearchSpace CreateSearchSpace() => options.CreateSearchSpace(FeatureCount, ClassCount);

    /// <inheritdoc />
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Task.Factory.StartNew<TrialResult>(() => Run(settings, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        validationTensors.X.Dispose();
        validationTensors.Y.Dispose();
        testTensors?.X.Dispose();
        testTensors?.Y.Dispose();
        lock (problemsLock)
        {
            foreach (MlpInnerProblem problem in problems.Values)
            {
                problem.Dispose();
            }

            problems.Clear();
        }
    }

    private HypergradientTrialResult Run(TrialSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (settings.Parameter.ParameterType != ParameterType.Object || !settings.Parameter.Keys.Contains(SearchSpaceKey, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The trial's parameter has no \"{SearchSpaceKey}\" entry (the hyperparameter tensors); its keys are [{string.Join(", ", settings.Parameter.ParameterType == ParameterType.Object ? settings.Parameter.Keys : [])}]. Add HypergradientTrialRunner.CreateSearchSpace() under that key.", nameof(settings));
        }

        Parameter parameter = settings.Parameter[SearchSpaceKey];
        int? width = parameter.Keys.Contains(HiddenWidthKey, StringComparer.Ordinal) ? parameter[HiddenWidthKey].AsType<int>() : null;
        int[] sizes = options.LayerSizes(FeatureCount, ClassCount, width);
        HyperparameterSet hyperparameters = HyperparameterSet.FromParameter(parameter, options.Definitions(sizes));
        MlpInnerProblem problem = Problem(sizes);
        TorchRuntime.Threads = options.ThreadsPerTrial;
        using var scope = torch.NewDisposeScope();
        var recording = new RecordingInnerProblem(problem);
        IHypergradientMethod method = options.CreateMethod();
        HypergradientResult computed = method.Compute(recording, hyperparameters);
        cancellationToken.ThrowIfCancellationRequested();
        double[] flat = recording.LastOuterWeights ?? throw new HyperGradException($"The method {method.Name} never evaluated the outer loss, so there are no trained weights.");
        Tensor[] weights = FlatTensors.Unflatten(flat, problem.WeightShapes);
        (_, double accuracy) = Evaluate(problem.Mlp, weights, validationTensors);
        double? testLoss = testTensors is { } test ? Evaluate(problem.Mlp, weights, test).Loss : null;
        return new HypergradientTrialResult
        {
            TrialSettings = settings,
            Loss = computed.OuterLoss,
            Metric = accuracy,
            OuterLoss = computed.OuterLoss,
            Hypergradient = computed.Gradients,
            Hyperparameters = hyperparameters,
            TunedHyperparameters = (method as GreedyOneStep)?.TunedHyperparameters,
            MethodName = method.Name,
            Cost = computed.Cost,
            ExactlyReversed = computed.ExactlyReversed,
            TestLoss = testLoss,
            Attributes = testLoss is double t ? new Dictionary<string, double>(StringComparer.Ordinal) { [TestLossAttribute] = t } : Storage.TrialAttributes.Empty,
            LayerSizes = sizes,
            Weights = [.. weights.Select(TensorData.ToArray<double>)],
            Standardizer = Standardizer,
        };
    }

    /// <summary>The inner problem of one network shape, built once (outside any trial's dispose scope) and shared.</summary>
    private MlpInnerProblem Problem(int[] sizes)
    {
        string key = string.Join("-", sizes);
        lock (problemsLock)
        {
            if (!problems.TryGetValue(key, out MlpInnerProblem? problem))
            {
                problem = new MlpInnerProblem(new Mlp(sizes), train, validation, options.BatchSize, options.WeightSeed)
                {
                    ValidationBatchSize = options.GreedyValidationBatchSize ?? options.BatchSize,
                };
                problems[key] = problem;
            }

            return problem;
        }
    }

    private static (double Loss, double Accuracy) Evaluate(Mlp mlp, Tensor[] weights, (Tensor X, Tensor Y) data)
    {
        using var scope = torch.NewDisposeScope();
        Tensor logits = mlp.Forward(weights, data.X);
        double loss = Losses.Compute(LossKind.CrossEntropy, logits, data.Y).item<double>();
        double accuracy = logits.argmax(1).eq(data.Y).to(ScalarType.Float64).mean().item<double>();
        return (loss, accuracy);
    }

    private static (Tensor X, Tensor Y) ToFloat64(TabularDataset set)
    {
        using TensorDataset tensors = set.ToTensors();
        Tensor x = tensors.Features.to(ScalarType.Float64).DetachFromDisposeScope();
        Tensor y = tensors.Labels.clone().DetachFromDisposeScope();
        return (x, y);
    }
}
