using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.Estimators;

public sealed class HyperGradPipelineGaussianProcessTests
{
    [Fact]
    public void Fit_TunableSdcaOnWineWithTheGaussianProcessTuner_RunsTheModelPhaseAndKeepsTheBest()
    {
        var mlContext = new MLContext(seed: 1);
        string path = SklearnDataView.Csv("wine");
        string[] header = File.ReadLines(path).First().Split(',');
        string[] features = header[..^1];
        TextLoader.Column[] columns = [.. features.Select((f, i) => new TextLoader.Column(f, DataKind.Single, i)), new TextLoader.Column("target", DataKind.String, features.Length)];
        IDataView wine = mlContext.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: true);
        TunableTrainerEstimator sdca = mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.Sdca);
        sdca.SearchSpace["l1_regularization"] = new UniformSingleOption(1e-4f, 1f, logBase: true, defaultValue: 1f);
        sdca.SearchSpace["l2_regularization"] = new UniformSingleOption(1e-4f, 1f, logBase: true, defaultValue: 0.1f);
        var pipeline = mlContext.Transforms.Concatenate("Features", features)
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label", "target"))
            .Append(sdca);

        // Trial 0 at the defaults, 9 Sobol trials (10 completed), then 3 proposals of the Gaussian process.
        HyperGradPipelineEstimator tuned = pipeline.WithHyperGrad(o =>
        {
            o.Tuner = TunerKind.GaussianProcess;
            o.MaxTrials = 13;
            o.Seed = 2;
            o.Metric = EvaluationMetric.LogLoss;
        });
        ITransformer model = tuned.Fit(wine);

        PipelineTuning tuning = model.GetHyperGradTuning() ?? throw new InvalidOperationException("The fitted model has no tuning history.");
        Assert.Equal(13, tuning.Trials.Count);
        Assert.All(tuning.Trials, t => Assert.False(t.IsFailed));
        Assert.Equal(13, tuning.Trials.Select(t => t.TrialSettings.Parameter.ToString()).Distinct().Count());
        Assert.Equal(tuning.Trials.Min(t => t.Loss), tuning.BestTrial.Loss);
        Assert.True(tuning.BestTrial.Loss < tuning.Trials[0].Loss, $"best {tuning.BestTrial.Loss}, defaults {tuning.Trials[0].Loss}");
    }
}
