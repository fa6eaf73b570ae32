using Microsoft.ML;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.Estimators;

public sealed class TunableTrainersTests
{
    public static TheoryData<string, PredictionTask> TrainersAndTasks()
    {
        var data = new TheoryData<string, PredictionTask>();
        foreach (TunableTrainer trainer in TunableTrainers.All)
        {
            foreach (PredictionTask task in trainer.Tasks)
            {
                data.Add(trainer.Name, task);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TrainersAndTasks))]
    public async Task CreateEstimator_AutoMLsStartingPoint_TrainsOnRealDataAndScores(string name, PredictionTask task)
    {
        TunableTrainer trainer = TunableTrainers.Find(name);
        var loader = new MLContext(seed: 1);
        IDataView data = SklearnDataView.Load(loader, SklearnDataView.DataSetFor(task), numericTarget: task == PredictionTask.Regression);
        SearchSpace space = trainer.CreateSearchSpace();
        Parameter start = space.SampleFromFeatureSpace(space.Default);
        IEstimator<ITransformer> Pipeline(MLContext c, Parameter p) => SklearnDataView.LabelFor(c, task)
            .Append(c.Transforms.NormalizeMinMax("Features"))
            .Append(trainer.CreateEstimator(c, task, p[name]));
        EvaluationMetric metric = task == PredictionTask.Regression ? EvaluationMetric.RootMeanSquaredError : EvaluationMetric.MicroAccuracy;
        using var runner = new PipelineTrialRunner(data, Pipeline, new PipelineTrialRunnerOptions { Task = task, Metric = metric, SplitSeed = 1 });

        var result = (PipelineTrialResult)await runner.RunAsync(new TrialSettings { Seed = 1, Parameter = Parameter.CreateNestedParameter((name, start)) }, CancellationToken.None);

        Assert.Equal(EvaluationMetricExtensions.For(task).Where(m => m != EvaluationMetric.LogLoss || name != "fastforest" || task != PredictionTask.BinaryClassification), result.Metrics.Keys.Order());
        Assert.All(result.Metrics.Values, v => Assert.True(double.IsFinite(v)));
        if (task == PredictionTask.Regression)
        {
            // diabetes' targets have a root mean square of 170 (mean 152, deviation 77): a model that learned nothing (zero) is that far off.
            Assert.InRange(result.Metric, 1, 160);
        }
        else
        {
            Assert.InRange(result.Metric, 0, 1);
        }
    }

    [Fact]
    public void CreateSearchSpace_LightGbm_HasAutoMLsRangesAndStartWithTreesAndLeavesOnALogScale()
    {
        SearchSpace space = TunableTrainers.LightGbm.CreateSearchSpace();

        var start = space.SampleFromFeatureSpace(space.Default).AsType<LightGbmHyperparameters>();

        Assert.Equal(new LightGbmHyperparameters(), start);
        Assert.Equal(4, start.NumberOfTrees);
        Assert.Equal(1.0, start.LearningRate, 12);
        var trees = (UniformIntOption)space["number_of_trees"];
        Assert.Equal((4, 32768, true), ((int)trees.Min, (int)trees.Max, trees.LogBase));
        var leaves = (UniformIntOption)space["number_of_leaves"];
        Assert.Equal((4, 32768, true), ((int)leaves.Min, (int)leaves.Max, leaves.LogBase));
        var learningRate = (UniformDoubleOption)space["learning_rate"];
        Assert.Equal((2e-10, 1.0, true), (learningRate.Min, learningRate.Max, learningRate.LogBase));
        Assert.Equal(9, space.Count);
    }

    [Theory]
    [InlineData("fasttree", 6)]
    [InlineData("fastforest", 3)]
    [InlineData("sdca", 2)]
    [InlineData("lbfgs", 2)]
    public void CreateSearchSpace_EachTrainer_StartsAtItsDeclaredDefaults(string name, int keys)
    {
        SearchSpace space = TunableTrainers.Find(name).CreateSearchSpace();

        Parameter start = space.SampleFromFeatureSpace(space.Default);

        Assert.Equal(keys, space.Count);
        object expected = name switch
        {
            "fasttree" => new FastTreeHyperparameters(),
            "fastforest" => new FastForestHyperparameters(),
            "sdca" => new SdcaHyperparameters(),
            _ => new LbfgsHyperparameters(),
        };
        object actual = name switch
        {
            "fasttree" => start.AsType<FastTreeHyperparameters>(),
            "fastforest" => start.AsType<FastForestHyperparameters>(),
            "sdca" => start.AsType<SdcaHyperparameters>(),
            _ => start.AsType<LbfgsHyperparameters>(),
        };
        foreach (System.Reflection.PropertyInfo property in expected.GetType().GetProperties().Where(p => p.GetCustomAttributes(typeof(Microsoft.ML.SearchSpace.RangeAttribute), false).Length > 0))
        {
            double want = Convert.ToDouble(property.GetValue(expected), System.Globalization.CultureInfo.InvariantCulture);
            double got = Convert.ToDouble(property.GetValue(actual), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(want - got) <= 1e-6 * Math.Abs(want), $"{property.Name}: expected {want}, got {got}.");
        }
    }

    [Fact]
    public void Find_UnknownName_ThrowsListingTheNames()
    {
        var error = Assert.Throws<ArgumentException>(() => TunableTrainers.Find("xgboost"));

        Assert.StartsWith("No trainer is named \"xgboost\"; the trainers are lightgbm, fasttree, fastforest, sdca, lbfgs, mlp.", error.Message);
        Assert.Same(TunableTrainers.Sdca, TunableTrainers.Find(" SDCA "));
    }

    [Fact]
    public void CreateEstimator_ParameterMissingAKey_ThrowsListingTheKeys()
    {
        Parameter partial = Parameter.CreateNestedParameter(("l1_regularization", Parameter.FromFloat(1)));

        var error = Assert.Throws<ArgumentException>(() => TunableTrainers.Lbfgs.CreateEstimator(new MLContext(1), PredictionTask.Regression, partial));

        Assert.Contains("The hyperparameters of \"lbfgs\" must be an object with the keys l1_regularization, l2_regularization; got", error.Message);
    }
}
