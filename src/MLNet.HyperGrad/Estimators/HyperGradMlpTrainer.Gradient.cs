using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Gradient-based tuning of <see cref="HyperGradMlpTrainer"/>'s hyperparameter tensors, asked for by <c>pipeline.WithHyperGrad(o =&gt; o.Method = ...)</c>.</summary>
public sealed partial class HyperGradMlpTrainer
{
    /// <summary>Below this many feature cells (rows × features) gradient tuning runs on one libtorch thread.</summary>
    private const long SmallTableCells = 1_000_000;

    /// <summary>Gets or sets the gradient tuning the next <see cref="Fit"/> runs instead of plain training (set by <see cref="HyperGradPipelineEstimator"/>), or null.</summary>
    internal GradientTuningRequest? GradientTuning { get; set; }

    /// <summary>Gets the trials of the last gradient tuning (one per outer step), or empty.</summary>
    internal IReadOnlyList<HypergradientTrialResult> LastGradientTrials { get; private set; } = [];

    /// <summary>
    /// Holds out a seeded fraction of the (standardized) rows, tunes the hyperparameter tensors by gradient on the rest with
    /// <see cref="HypergradientTrialRunner"/> and <see cref="Tuners.HyperGradientTuner"/>, and returns the best trial's network.
    /// </summary>
    private (int[] Sizes, IReadOnlyList<double[]> Weights) TuneByGradient(GradientTuningRequest request, MlpHyperparameters h, float[] x, long[] classes, int rows, int d, int outputs)
    {
        if (Task == PredictionTask.Regression)
        {
            throw new InvalidOperationException("Gradient tuning (WithHyperGrad(o => o.Method = ...)) trains a classifier by cross-entropy; this HyperGradMlp is a regression trainer: use a black-box tuner for it.");
        }

        int validationRows = (int)Math.Round(rows * request.ValidationFraction);
        if (validationRows < 1 || rows - validationRows < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Gradient tuning holds out {request.ValidationFraction} of the {rows} training rows for validation, which leaves {validationRows} validation and {rows - validationRows} training rows; each needs at least 1."));
        }

        int[] order = [.. Enumerable.Range(0, rows)];
        new Random(request.Seed).Shuffle(order);
        string[] featureNames = [.. Enumerable.Range(0, d).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture))];
        string[] classNames = [.. Enumerable.Range(0, outputs).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        TabularDataset all = TabularDataset.ForClassification(x.AsSpan(0, rows * d), classes.AsSpan(0, rows), featureNames, classNames);
        TabularDataset validation = all.Subset(order.AsSpan(0, validationRows));
        TabularDataset train = all.Subset(order.AsSpan(validationRows));
        var runnerOptions = new HypergradientTrialRunnerOptions
        {
            Method = request.Method,
            HiddenLayers = [.. Enumerable.Repeat(h.HiddenWidth, h.Depth)],
            Steps = options.GradientSteps,
            BatchSize = h.BatchSize,
            LearningRateEntries = options.LearningRateScheduleEntries,
            MomentumEntries = options.MomentumScheduleEntries,
            L2 = options.GradientL2,
            InitialLearningRate = Math.Clamp(h.LearningRate, HypergradientTrialRunnerOptions.MinLearningRate, HypergradientTrialRunnerOptions.MaxLearningRate),
            InitialMomentum = Math.Clamp(h.Momentum, HypergradientTrialRunnerOptions.MinMomentum, HypergradientTrialRunnerOptions.MaxMomentum),
            InitialL2 = Math.Clamp(h.L2, HypergradientTrialRunnerOptions.MinL2, HypergradientTrialRunnerOptions.MaxL2),
            WeightSeed = unchecked((ulong)options.Seed),

            // A small table gains nothing from more libtorch threads, and on a busy machine their spin-waits cost seconds per trial.
            ThreadsPerTrial = (long)rows * d < SmallTableCells ? 1 : Environment.ProcessorCount,
        };
        using var runner = new HypergradientTrialRunner(train, validation, null, runnerOptions);
        var trials = new TrialCollector();
        TrialResult best = new HyperGradExperiment()
            .AddSearchSpace(HypergradientTrialRunner.SearchSpaceKey, runner.CreateSearchSpace())
            .SetTrialRunner(runner)
            .SetSeed(request.Seed)
            .SetMaxModelToExplore(request.MaxTrials)
            .SetTrainingTimeInSeconds(request.TrainingTimeInSeconds)
            .WithHyperGrad(o => o.Method = request.Method)
            .SetMonitor(trials)
            .RunAsync(request.CancellationToken).GetAwaiter().GetResult();
        LastGradientTrials = trials.Results;
        var gradientBest = (HypergradientTrialResult)best;
        return ([.. gradientBest.LayerSizes], gradientBest.Weights);
    }

    /// <summary>What <see cref="HyperGradPipelineEstimator"/> asks the trainer's next fit to do.</summary>
    /// <param name="Method">The hypergradient method.</param>
    /// <param name="MaxTrials">The outer steps (trials), the first at the trainer's own hyperparameters.</param>
    /// <param name="TrainingTimeInSeconds">The time budget.</param>
    /// <param name="ValidationFraction">The fraction of the featurized rows held out as the outer criterion.</param>
    /// <param name="Seed">The seed of the holdout and the tuner.</param>
    /// <param name="CancellationToken">Stops the tuning early.</param>
    internal sealed record GradientTuningRequest(HypergradientMethodKind Method, int MaxTrials, uint TrainingTimeInSeconds, double ValidationFraction, int Seed, CancellationToken CancellationToken);

    /// <summary>Keeps every completed hypergradient trial.</summary>
    private sealed class TrialCollector : IMonitor
    {
        private readonly List<HypergradientTrialResult> results = [];

        public IReadOnlyList<HypergradientTrialResult> Results => results;

        public void ReportRunningTrial(TrialSettings settings)
        {
        }

        public void ReportCompletedTrial(TrialResult result)
        {
            if (result is HypergradientTrialResult h)
            {
                results.Add(h);
            }
        }

        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
        {
        }
    }
}
