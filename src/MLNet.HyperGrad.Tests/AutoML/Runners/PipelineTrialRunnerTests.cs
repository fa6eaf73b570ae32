using System.Diagnostics;
using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Estimators;

namespace MLNet.HyperGrad.Tests.AutoML.Runners;

public sealed class PipelineTrialRunnerTests
{
    private static readonly MLContext Loader = new(seed: 1);

    /// <summary>Wine: a key label, normalized features, then the trainer built from the trial's parameter at "sdca".</summary>
    private static Microsoft.ML.Data.EstimatorChain<ITransformer> WinePipeline(MLContext mlContext, Parameter parameter) =>
        mlContext.Transforms.Conversion.MapValueToKey("Label", "target")
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .Append(TunableTrainers.Sdca.CreateEstimator(mlContext, PredictionTask.MulticlassClassification, parameter["sdca"]));

    /// <summary>A trial at SDCA's lightest regularization (AutoML's start, L1 = 1, underfits wine's min-max features).</summary>
    private static TrialSettings Settings(int seed = 3) => new()
    {
        TrialId = 0,
        Seed = seed,
        Parameter = Parameter.CreateNestedParameter(("sdca", Parameter.FromObject(new SdcaHyperparameters { L1Regularization = 0.03125f, L2Regularization = 0.03125f }))),
    };

    [Fact]
    public async Task RunAsync_HoldoutOnWine_ReturnsFittedPipelineAndEveryMulticlassMetric()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        using var runner = new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Task = PredictionTask.MulticlassClassification });

        var result = (PipelineTrialResult)await runner.RunAsync(Settings(), CancellationToken.None);

        Assert.Equal([EvaluationMetric.MicroAccuracy, EvaluationMetric.MacroAccuracy, EvaluationMetric.LogLoss], result.Metrics.Keys.Order());
        Assert.Equal(EvaluationMetric.MicroAccuracy, result.ScoredBy);
        Assert.Equal(result.Metrics[EvaluationMetric.MicroAccuracy], result.Metric);
        Assert.Equal(-result.Metric, result.Loss);
        Assert.InRange(result.Metric, 0.85, 1.0);
        Assert.NotNull(result.Transformer);
        Assert.Same(result.Transformer, result.Model);
        Assert.Empty(result.Folds);

        // The fitted pipeline is an ordinary ML.NET model: it scores rows it never saw in the same way.
        IDataView scored = result.Transformer.Transform(wine);
        Assert.True(Loader.MulticlassClassification.Evaluate(scored).MicroAccuracy > 0.85);
    }

    [Fact]
    public async Task RunAsync_CrossValidation_ReturnsFoldMeansAndSpread()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        using var runner = new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { CrossValidationFolds = 3, Metric = EvaluationMetric.LogLoss });

        var result = (PipelineTrialResult)await runner.RunAsync(Settings(), CancellationToken.None);

        Assert.Equal(PredictionTask.MulticlassClassification, result.Task);
        Assert.Equal(3, result.Folds.Count);
        Assert.Equal(3, runner.FitsPerTrial);
        Assert.Null(result.Transformer);
        Assert.All(result.Folds, f => Assert.NotNull(f.Transformer));
        double[] losses = [.. result.Folds.Select(f => f.Metrics[EvaluationMetric.LogLoss])];
        Assert.Equal(losses.Average(), result.Metric, 12);
        Assert.Equal(result.Metric, result.Loss);
        double mean = losses.Average();
        Assert.Equal(Math.Sqrt(losses.Average(l => (l - mean) * (l - mean))), result.MetricStandardDeviation, 12);
        Assert.Equal(result.Folds.Average(f => f.Metrics[EvaluationMetric.MacroAccuracy]), result.Metrics[EvaluationMetric.MacroAccuracy], 12);
        Assert.True(result.MetricStandardDeviation > 0);
    }

    [Fact]
    public async Task RunAsync_GivenFolds_ScoresEachOnItsOwnValidationRows()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        var halves = Loader.Data.TrainTestSplit(wine, 0.5, seed: 2);
        IReadOnlyList<(IDataView Train, IDataView Validation)> folds = [(halves.TrainSet, halves.TestSet), (halves.TestSet, halves.TrainSet)];
        using var runner = new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Folds = folds, CrossValidationFolds = 5, Metric = EvaluationMetric.LogLoss });

        var result = (PipelineTrialResult)await runner.RunAsync(Settings(), CancellationToken.None);

        Assert.Equal(2, runner.FitsPerTrial);
        Assert.Equal(2, result.Folds.Count);
        for (int i = 0; i < 2; i++)
        {
            // Each fold's metric is ML.NET's evaluation of its own model on the given validation rows.
            var evaluated = Loader.MulticlassClassification.Evaluate(result.Folds[i].Transformer!.Transform(folds[i].Validation));
            Assert.Equal(evaluated.LogLoss, result.Folds[i].Metrics[EvaluationMetric.LogLoss], 9);
        }
    }

    [Fact]
    public void Constructor_OneGivenFold_ThrowsSayingTwoAreNeeded()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");

        var error = Assert.Throws<ArgumentException>(() => new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Folds = [(wine, wine)] }));

        Assert.Contains("Folds must hold at least 2 train/validation pairs, got 1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SameSeedTwice_GivesTheSameMetrics()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        using var runner = new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Metric = EvaluationMetric.LogLoss, SplitSeed = 5 });
        TrialResult first = await runner.RunAsync(Settings(), CancellationToken.None);
        TrialResult second = await runner.RunAsync(Settings(), CancellationToken.None);

        Assert.Equal(first.Metric, second.Metric);
    }

    [Fact]
    public async Task RunAsync_GivenValidationView_ScoresOnIt()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        var split = Loader.Data.TrainTestSplit(wine, 0.3, seed: 2);
        using var runner = new PipelineTrialRunner(split.TrainSet, WinePipeline, new PipelineTrialRunnerOptions { ValidationData = split.TestSet });

        var result = (PipelineTrialResult)await runner.RunAsync(Settings(), CancellationToken.None);

        double expected = Loader.MulticlassClassification.Evaluate(result.Transformer!.Transform(split.TestSet)).MicroAccuracy;
        Assert.Equal(expected, result.Metric, 12);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileLightGbmTrains_StopsWithinAboutASecond()
    {
        IDataView digits = SklearnDataView.Load(Loader, "digits");
        Parameter slow = Parameter.FromObject(new LightGbmHyperparameters { NumberOfTrees = 30000, NumberOfLeaves = 64, LearningRate = 0.01 });
        IEstimator<ITransformer> Pipeline(MLContext c, Parameter p) =>
            c.Transforms.Conversion.MapValueToKey("Label", "target").Append(TunableTrainers.LightGbm.CreateEstimator(c, PredictionTask.MulticlassClassification, p["lightgbm"]));
        using var runner = new PipelineTrialRunner(digits, Pipeline);
        using var cancellation = new CancellationTokenSource();
        var settings = new TrialSettings { Seed = 1, Parameter = Parameter.CreateNestedParameter(("lightgbm", slow)) };

        Task<TrialResult> trial = runner.RunAsync(settings, cancellation.Token);
        await Task.Delay(1500);
        Assert.False(trial.IsCompleted, "30,000 trees of 64 leaves on digits should still be training after 1.5 s.");
        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trial);

        Assert.True(MLContextCancellation.IsSupported);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The trial (minutes of training uncancelled) took {stopwatch.Elapsed.TotalSeconds:F2} s to stop after cancellation.");
    }

    [Fact]
    public async Task RunAsync_CancelledWhileTheMlpTrains_StopsWithinAboutASecond()
    {
        IDataView digits = SklearnDataView.Load(Loader, "digits");
        Parameter slow = Parameter.FromObject(MlpHyperparameters.Default with { Epochs = 20, HiddenWidth = 512, Depth = 3, BatchSize = 32 });
        IEstimator<ITransformer> Pipeline(MLContext c, Parameter p) =>
            c.Transforms.Conversion.MapValueToKey("Label", "target").Append(TunableTrainers.Mlp.CreateEstimator(c, PredictionTask.MulticlassClassification, p["mlp"]));
        using var runner = new PipelineTrialRunner(digits, Pipeline);
        using var cancellation = new CancellationTokenSource();
        var settings = new TrialSettings { Seed = 1, Parameter = Parameter.CreateNestedParameter(("mlp", slow)) };

        Task<TrialResult> trial = runner.RunAsync(settings, cancellation.Token);
        await Task.Delay(1500);
        Assert.False(trial.IsCompleted, "20 epochs of a 512-wide, 3-deep MLP at batch 32 on digits should still be training after 1.5 s.");
        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trial);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The trial (minutes of training uncancelled) took {stopwatch.Elapsed.TotalSeconds:F2} s to stop after cancellation.");
    }

    [Fact]
    public void Constructor_MetricThatDoesNotSuitTheTask_ThrowsNamingTheMetricsThatDo()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");

        var error = Assert.Throws<ArgumentException>(() => new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Task = PredictionTask.MulticlassClassification, Metric = EvaluationMetric.AreaUnderRocCurve }));

        Assert.Contains("The metric AreaUnderRocCurve does not suit MulticlassClassification: it can be scored by MicroAccuracy, MacroAccuracy, LogLoss.", error.Message);
    }

    [Fact]
    public async Task RunAsync_MetricThatDoesNotSuitTheInferredTask_ThrowsNamingTheMetricsThatDo()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");
        using var runner = new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { Metric = EvaluationMetric.RSquared });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunAsync(Settings(), CancellationToken.None));

        Assert.StartsWith("The metric RSquared does not suit MulticlassClassification: it can be scored by MicroAccuracy, MacroAccuracy, LogLoss.", error.Message);
    }

    [Fact]
    public async Task RunAsync_NoTaskGiven_TellsEachTaskFromTheTrainersColumns()
    {
        foreach (PredictionTask task in Enum.GetValues<PredictionTask>())
        {
            IDataView data = SklearnDataView.Load(Loader, SklearnDataView.DataSetFor(task), numericTarget: task == PredictionTask.Regression);
            IEstimator<ITransformer> Pipeline(MLContext c, Parameter p) => SklearnDataView.LabelFor(c, task).Append(TunableTrainers.LightGbm.CreateEstimator(c, task, p["lightgbm"]));
            using var runner = new PipelineTrialRunner(data, Pipeline);
            var settings = new TrialSettings { Parameter = Parameter.CreateNestedParameter(("lightgbm", Parameter.FromObject(new LightGbmHyperparameters()))) };

            var result = (PipelineTrialResult)await runner.RunAsync(settings, CancellationToken.None);

            Assert.Equal(task, result.Task);
            Assert.Equal(EvaluationMetricExtensions.DefaultFor(task), result.ScoredBy);
        }
    }

    [Fact]
    public void Constructor_OneFold_ThrowsWithTheValue()
    {
        IDataView wine = SklearnDataView.Load(Loader, "wine");

        var error = Assert.Throws<ArgumentException>(() => new PipelineTrialRunner(wine, WinePipeline, new PipelineTrialRunnerOptions { CrossValidationFolds = 1, ValidationFraction = 1.5 }));

        Assert.Contains("CrossValidationFolds must be 0 (a holdout split) or at least 2, got 1.", error.Message);
        Assert.Contains("ValidationFraction must be in (0, 1), got 1.5.", error.Message);
    }

    [Fact]
    public async Task RunAsync_BinaryLogLossOfUncalibratedFastForest_ThrowsSayingWhy()
    {
        IDataView cancer = SklearnDataView.Load(Loader, "breast_cancer");
        SearchSpace space = TunableTrainers.FastForest.CreateSearchSpace();
        IEstimator<ITransformer> Pipeline(MLContext c, Parameter p) =>
            SklearnDataView.LabelFor(c, PredictionTask.BinaryClassification).Append(TunableTrainers.FastForest.CreateEstimator(c, PredictionTask.BinaryClassification, p["fastforest"]));
        using var runner = new PipelineTrialRunner(cancer, Pipeline, new PipelineTrialRunnerOptions { Task = PredictionTask.BinaryClassification, Metric = EvaluationMetric.LogLoss });
        var settings = new TrialSettings { Parameter = Parameter.CreateNestedParameter(("fastforest", space.SampleFromFeatureSpace(space.Default))) };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(settings, CancellationToken.None));

        Assert.Contains("has no \"Probability\" column, so ML.NET's BinaryClassification evaluator computes no LogLoss", error.Message);
    }

    [Fact]
    public async Task RunAsync_ScoresNotFiniteOnSomeValidationRows_FailsSayingOnHowManyInsteadOfScoringTheRest()
    {
        // ML.NET's evaluators skip rows whose score is NaN; the runner refuses to score a model on the rest.
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromTextFile<SklearnRows.BreastCancerRow>(SklearnRows.BreastCancerPath, separatorChar: ',', hasHeader: true);
        string path = Path.Combine(Path.GetTempPath(), $"hypergrad-nan-{Guid.NewGuid():N}.csv");
        string[] lines = File.ReadAllLines(SklearnRows.BreastCancerPath);
        File.WriteAllLines(path, lines.Select((line, i) => i > 0 && (i - 1) % 10 == 0 ? "NaN" + line[line.IndexOf(',', StringComparison.Ordinal)..] : line));
        try
        {
            IDataView validation = ml.Data.LoadFromTextFile<SklearnRows.BreastCancerRow>(path, separatorChar: ',', hasHeader: true);
            using var runner = new PipelineTrialRunner(train, (c, _) => c.Transforms.Concatenate("Features", nameof(SklearnRows.BreastCancerRow.Measurements))
                    .Append(c.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], nameof(SklearnRows.BreastCancerRow.Target)))
                    .Append(c.BinaryClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { Epochs = 2, HiddenWidth = 8, Depth = 1, Seed = 3 })), new PipelineTrialRunnerOptions { Task = PredictionTask.BinaryClassification, ValidationData = validation });

            var error = await Assert.ThrowsAsync<TrialDivergedException>(() => runner.RunAsync(Settings(), CancellationToken.None));

            int rows = lines.Length - 1;
            Assert.StartsWith($"The model's scores are NaN or infinite on {(rows + 9) / 10} of {rows} validation rows", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
