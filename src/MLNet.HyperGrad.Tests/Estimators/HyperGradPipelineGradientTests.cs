using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Hypergradients;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary><c>pipeline.WithHyperGrad(o =&gt; o.Method = ...)</c>: a pipeline ending in HyperGradMlp tuned by gradient, on scikit-learn's wine.</summary>
public sealed class HyperGradPipelineGradientTests(ITestOutputHelper output)
{
    [Fact]
    public void Fit_ChainEndingInHyperGradMlpWithMethod_TunesPerWeightL2ByGradientAndPredicts()
    {
        var mlContext = new MLContext(seed: 1);
        var split = mlContext.Data.TrainTestSplit(SklearnDataView.Load(mlContext, "wine"), 0.25, seed: 4);
        HyperGradMlpTrainer mlp = mlContext.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions
        {
            HiddenWidth = 16,
            Depth = 1,
            BatchSize = 32,
            LearningRate = 0.05,
            GradientSteps = 30,
            GradientL2 = L2Granularity.PerWeight,
        });
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "target").Append(mlp);

        ITransformer model = pipeline.WithHyperGrad(o =>
        {
            o.Method = HypergradientMethodKind.Checkpointed;
            o.MaxTrials = 4;
            o.Seed = 2;
        }).Fit(split.TrainSet);

        IReadOnlyList<HypergradientTrialResult> trials = mlp.LastGradientTrials;
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal(16 * 13, t.Hypergradient["l2.w0"].Length));
        Assert.All(trials, t => Assert.Equal(30, t.Hypergradient["learning_rate"].Length));
        Assert.NotEqual(trials[0].Hyperparameters!.Values("l2.w0"), trials[1].Hyperparameters!.Values("l2.w0"));
        Assert.Null(model.GetHyperGradTuning());
        double accuracy = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy;
        output.WriteLine($"costs {string.Join(", ", trials.Select(t => t.Cost.Elapsed.TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s, durations {string.Join(", ", trials.Select(t => t.DurationInMilliseconds))} ms; validation CE per outer step: {string.Join(", ", trials.Select(t => t.OuterLoss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; test accuracy {accuracy:F4}");
        Assert.True(accuracy > 0.8, $"test accuracy {accuracy}");
    }

    [Fact]
    public void WithHyperGrad_MethodOnAPipelineEndingInAnotherTrainer_ThrowsNamingIt()
    {
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "target")
            .Append(mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.Sdca));

        var error = Assert.Throws<ArgumentException>(() => pipeline.WithHyperGrad(o => o.Method = HypergradientMethodKind.Greedy));

        Assert.StartsWith("WithHyperGrad(o => o.Method = Greedy) tunes HyperGradMlp's hyperparameter tensors by gradient, and the pipeline ends in sdca,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithHyperGrad_MethodWithGridOrValidationData_ListsBothProblems()
    {
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "target").Append(mlContext.MulticlassClassification.Trainers.HyperGradMlp());

        var error = Assert.Throws<ArgumentException>(() => pipeline.WithHyperGrad(o =>
        {
            o.Method = HypergradientMethodKind.DrMad;
            o.Tuner = TunerKind.Grid;
            o.CrossValidationFolds = 3;
        }));

        Assert.Contains("Method DrMad tunes by gradient and needs Tuner = HyperGradient", error.Message, StringComparison.Ordinal);
        Assert.Contains("leave ValidationData and CrossValidationFolds unset", error.Message, StringComparison.Ordinal);
    }
}
