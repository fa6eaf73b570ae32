using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

using TorchSharp;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>Trains an MLP per trial on tabular data (CSV or Fashion-MNIST) and scores it on validation data.</summary>
/// <remarks>
/// <para>Reads its hyperparameters at <c>Parameter["mlp"]</c> as <see cref="MlpHyperparameters"/>
/// (<c>AsType&lt;MlpHyperparameters&gt;()</c>; the space is <see cref="CreateSearchSpace"/>): learning rate
/// (log), momentum, L2 (log), hidden width (log), depth, batch size, epochs. Trains with SGD with momentum,
/// seeded by <see cref="TrialSettings.Seed"/>, and evaluates on the validation data after every epoch: it
/// reports the validation loss (or, with <see cref="MlpTrialRunnerOptions.ReportedValue"/>, the validation error) of epoch <c>e</c> (from 1) as step <c>e</c> to <see cref="TrialSettings.Reporter"/>
/// as soon as the epoch ends, and the whole curve comes back in an <see cref="MlpTrialResult"/>.</para>
/// <para>Classification: <see cref="TrialResult.Metric"/> is validation accuracy and <see cref="TrialResult.Loss"/>
/// is minus it (ML.NET's convention for a maximized metric). Regression: the network learns targets
/// standardized with the training mean and deviation (folded back into the last layer of the returned
/// weights); the metric is R² and the loss minus R².
/// A run whose training loss becomes NaN or infinite stops at that epoch and returns a failed result (state <c>Failed</c>, NaN loss and metric, the curves so far) whose <see cref="TrialDivergedException"/> says "training diverged at epoch k of n (training loss NaN)" with the settings.
/// After each epoch but the last it asks <see cref="ITrialReporter.ShouldPrune"/> (with its number of epochs
/// as the final step); when told to stop, it ends training and returns its result in state
/// <see cref="Storage.TrialState.Pruned"/>, with the metric and curves of the epochs it trained.</para>
/// <para>Thread-safe: trials may run in parallel; the data tensors are shared read-only. Cancellation is
/// checked before every minibatch.</para>
/// </remarks>
public sealed class MlpTrialRunner : ITrialRunner
{
    /// <summary>The key of the MLP's search space in the experiment.</summary>
    public const string SearchSpaceKey = "mlp";

    private readonly TensorDataset train;
    private readonly TensorDataset validation;
    private readonly MlpTrialRunnerOptions options;
    private readonly double validationTargetVariance;

    /// <summary>Creates a runner; standardizes and moves the data to the device once.</summary>
    /// <param name="trainData">The training data.</param>
    /// <param name="validationData">The validation data.</param>
    /// <param name="runnerOptions">Settings; defaults if null.</param>
    public MlpTrialRunner(TabularDataset trainData, TabularDataset validationData, MlpTrialRunnerOptions? runnerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(validationData);
        options = runnerOptions ?? new MlpTrialRunnerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ThreadsPerTrial, 1);
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(runnerOptions));
        if (!Enum.IsDefined(options.ReportedValue))
        {
            throw new ArgumentOutOfRangeException(nameof(runnerOptions), options.ReportedValue, $"{nameof(MlpTrialRunnerOptions)}.{nameof(MlpTrialRunnerOptions.ReportedValue)} must be {nameof(MlpReportedValue.ValidationLoss)} or {nameof(MlpReportedValue.ValidationError)}; got {(int)options.ReportedValue}.");
        }

        Task = trainData.Task;
        FeatureCount = trainData.FeatureCount;
        OutputCount = Task == TaskKind.Classification ? trainData.ClassCount : 1;
        Standardizer = options.Standardize ? Standardizer.Fit(trainData) : null;
        TabularDataset t = Standardizer?.Transform(trainData) ?? trainData;
        TabularDataset v = Standardizer?.Transform(validationData) ?? validationData;
        if (Task == TaskKind.Regression)
        {
            float[] y = trainData.Targets.ToArray();
            TargetMean = y.Average(x => (double)x);
            double variance = y.Average(x => (x - TargetMean) * (x - TargetMean));
            TargetScale = variance > 0 ? Math.Sqrt(variance) : 1;
            t = ScaleTargets(t);
            v = ScaleTargets(v);
            float[] yv = v.Targets.ToArray();
            double meanV = yv.Average(x => (double)x);
            validationTargetVariance = yv.Average(x => (x - meanV) * (x - meanV));
        }

        train = t.ToTensors(options.Device);
        validation = v.ToTensors(options.Device);
    }

    /// <summary>Gets the mean of the training targets (regression; the network learns standardized targets).</summary>
    public double TargetMean { get; }

    /// <summary>Gets the standard deviation of the training targets (regression), or 1.</summary>
    public double TargetScale { get; } = 1;

    /// <summary>Gets the task.</summary>
    public TaskKind Task { get; }

    /// <summary>Gets the number of input features.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of outputs (classes, or 1 for regression).</summary>
    public int OutputCount { get; }

    /// <summary>Gets the standardizer fitted on the training data, or null.</summary>
    public Standardizer? Standardizer { get; }

    /// <summary>The search space of the MLP's hyperparameters: <c>SearchSpace&lt;MlpHyperparameters&gt;</c>, with the largest epochs and hidden width set to the limits given.</summary>
    /// <param name="maxEpochs">The largest number of epochs a trial may train, at least 1 (then epochs are fixed at 1); 20 by default.</param>
    /// <param name="maxHiddenWidth">The widest hidden layer, at least 16 (the narrowest); 512 by default.</param>
    /// <returns>A new search space; its options other than epochs and hidden width are the attributes' of <see cref="MlpHyperparameters"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is below the option's smallest value.</exception>
    public static SearchSpace<MlpHyperparameters> CreateSearchSpace(int maxEpochs = 20, int maxHiddenWidth = 512)
    {
        var space = new SearchSpace<MlpHyperparameters>();
        SetMax(space, nameof(MlpHyperparameters.Epochs), maxEpochs, nameof(maxEpochs));
        SetMax(space, nameof(MlpHyperparameters.HiddenWidth), maxHiddenWidth, nameof(maxHiddenWidth));
        return space;
    }

    /// <summary>Sets the largest value of an integer option declared by <see cref="MlpHyperparameters"/>, keeping its smallest value, scale and (clamped) default; a range of one value becomes a fixed choice.</summary>
    private static void SetMax(SearchSpace space, string property, int max, string paramName)
    {
        string key = Parameter.KeyOf(typeof(MlpHyperparameters).GetProperty(property)!);
        var declared = (UniformIntOption)space[key];
        int min = (int)declared.Min;
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min, paramName);
        int defaultValue = Math.Min(declared.SampleFromFeatureSpace(declared.Default).AsType<int>(), max);
        space[key] = max == min ? new ChoiceOption([min], min) : new UniformIntOption(min, max, declared.LogBase, defaultValue);
    }

    /// <inheritdoc />
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return System.Threading.Tasks.Task.Factory.StartNew<TrialResult>(
            () => Run(settings, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        train.Dispose();
        validation.Dispose();
    }

    private MlpTrialResult Run(TrialSettings settings, CancellationToken cancellationToken)
    {
        MlpHyperparameters h = MlpHyperparameters.From(settings.Parameter[SearchSpaceKey]);
        using var trialScope = torch.NewDisposeScope();
        TorchRuntime.Threads = options.ThreadsPerTrial;
        int[] sizes = [FeatureCount, .. Enumerable.Repeat(h.HiddenWidth, h.Depth), OutputCount];
        var mlp = new Mlp(sizes);
        LossKind lossKind = Task == TaskKind.Classification ? LossKind.CrossEntropy : LossKind.MeanSquaredError;
        var trainingOptions = new TrainingOptions
        {
            Epochs = h.Epochs,
            BatchSize = (int)Math.Min(h.BatchSize, train.Features.shape[0]),
            LearningRate = h.LearningRate,
            Momentum = h.Momentum,
            WeightDecay = h.L2,
            Loss = lossKind,
            Seed = (ulong)settings.Seed,
            TimeProvider = options.TimeProvider,
        };
        using var generator = new torch.Generator((ulong)settings.Seed);
        using ParameterSet weights = mlp.CreateParameters(generator, device: options.Device);
        var curve = new List<EpochReport>();
        bool pruned = false;
        using var diverged = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, diverged.Token);
        var progress = new CallbackProgress(p =>
        {
            options.OnProgress?.Invoke(settings, p);
            if (p.CompletedEpoch is { } e)
            {
                curve.Add(e);

                // Stored before the next epoch starts: a trial cut off later keeps this epoch.
                settings.Reporter.ReportAsync(e.Epoch, Reported(e.Validation), CancellationToken.None).GetAwaiter().GetResult();
                if (!double.IsFinite(e.TrainLoss))
                {
                    diverged.Cancel();
                }
                else if (e.Epoch < h.Epochs && settings.Reporter.ShouldPrune(h.Epochs))
                {
                    // The pruner stops the trial: training ends after this epoch, which the result keeps.
                    pruned = true;
                    diverged.Cancel();
                }
            }
        });
        try
        {
            new Trainer(mlp, trainingOptions).Fit(weights, train.Features, train.Labels, (validation.Features, validation.Labels), progress, linked.Token);
        }
        catch (OperationCanceledException) when (diverged.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Diverged: report what was measured, as NaN. Pruned: report the last epoch's metric.
        }

        cancellationToken.ThrowIfCancellationRequested();
        bool divergedRun = diverged.IsCancellationRequested && !pruned;
        Evaluation last = curve.Count > 0 && curve[^1].Validation is { } v ? v : Trainer.Evaluate(mlp, weights, validation.Features, validation.Labels, lossKind);
        double metric = divergedRun ? double.NaN : Metric(last);
        TrialDivergedException? divergence = divergedRun ? Diverged(curve, h) : null;
        return new MlpTrialResult
        {
            TrialSettings = settings,
            State = pruned ? Storage.TrialState.Pruned : divergedRun ? Storage.TrialState.Failed : Storage.TrialState.Complete,
            Exception = divergence,
            Loss = -metric,
            Metric = metric,
            Hyperparameters = h,
            LayerSizes = sizes,
            Weights = divergedRun ? [] : UnscaleOutputs(weights.ToArrays()),
            Standardizer = Standardizer,
            ValidationLossCurve = curve.Select(e => e.Validation?.Loss ?? double.NaN).ToArray(),
            ValidationMetricCurve = curve.Select(e => e.Validation is { } ev ? Metric(ev) : double.NaN).ToArray(),
            TrainLossCurve = curve.Select(e => e.TrainLoss).ToArray(),
        };
    }

    /// <summary>The failure of a run whose training loss stopped being finite: the epoch, the loss and the settings.</summary>
    private static TrialDivergedException Diverged(List<EpochReport> curve, MlpHyperparameters h)
    {
        EpochReport? first = curve.FirstOrDefault(e => !double.IsFinite(e.TrainLoss));
        string where = first is null
            ? "training diverged"
            : string.Create(CultureInfo.InvariantCulture, $"training diverged at epoch {first.Epoch} of {h.Epochs} (training loss {first.TrainLoss})");
        return new TrialDivergedException(string.Create(
            CultureInfo.InvariantCulture,
            $"{where} with learning rate {h.LearningRate:G4}, momentum {h.Momentum:G4}, L2 {h.L2:G4}, batch size {h.BatchSize}; lower the learning rate or the momentum."));
    }

    /// <summary>Standardizes regression targets with the training mean and scale.</summary>
    private TabularDataset ScaleTargets(TabularDataset data)
    {
        float[] y = data.Targets.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)((y[i] - TargetMean) / TargetScale);
        }

        return TabularDataset.ForRegression(data.Features, y, data.FeatureNames);
    }

    /// <summary>
    /// Folds the target standardization into the last layer (w ← s w, b ← s b + m), so the saved network
    /// predicts targets in their own units.
    /// </summary>
    private IReadOnlyList<double[]> UnscaleOutputs(IReadOnlyList<double[]> weights)
    {
        if (Task != TaskKind.Regression)
        {
            return weights;
        }

        double[][] result = weights.Select(w => (double[])w.Clone()).ToArray();
        double[] lastWeight = result[^2];
        double[] lastBias = result[^1];
        for (int i = 0; i < lastWeight.Length; i++)
        {
            lastWeight[i] *= TargetScale;
        }

        for (int i = 0; i < lastBias.Length; i++)
        {
            lastBias[i] = (lastBias[i] * TargetScale) + TargetMean;
        }

        return result;
    }

    /// <summary>The value reported after an epoch (<see cref="MlpTrialRunnerOptions.ReportedValue"/>); NaN without a validation evaluation.</summary>
    private double Reported(Evaluation? evaluation) => evaluation is null ? double.NaN
        : options.ReportedValue == MlpReportedValue.ValidationError ? 1 - Metric(evaluation) : evaluation.Loss;

    private double Metric(Evaluation evaluation) => Task == TaskKind.Classification
        ? evaluation.Accuracy ?? double.NaN
        : 1 - (evaluation.Loss / Math.Max(validationTargetVariance, double.Epsilon));

    private sealed class CallbackProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
