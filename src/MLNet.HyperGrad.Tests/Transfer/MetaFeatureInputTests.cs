using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Transfer;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// <see cref="GpPriorPretrainingOptions.MetaFeatureInput"/> (issue 11, H48): the MLP mean reads each task's standardized data-set
/// meta-features, so the prior of a new task depends on its meta-features (<see cref="PretrainedGpPrior.ForTask"/>).
/// </summary>
public sealed class MetaFeatureInputTests(ITestOutputHelper output)
{
    /// <summary>Each task's optimum, which its meta-feature "shift" states: loss (x − shift)².</summary>
    private static readonly double[] Shifts = [0.15, 0.38, 0.62, 0.85];

    /// <summary>A second meta-feature, unrelated to the losses (made up by hand).</summary>
    private static readonly double[] Sizes = [120, 45, 300, 80];

    private static readonly double[][] Grid = [.. Enumerable.Range(0, 21).Select(i => new[] { i / 20.0 })];

    private static Dictionary<string, double> Features(double shift, double size) => new(StringComparer.Ordinal) { ["shift"] = shift, ["size"] = size, ["constant"] = 1.0 };

    /// <summary>Four tasks on the same 21 points of [0, 1], task t minimized at <see cref="Shifts"/>[t], with its meta-features.</summary>
    private static List<TransferTask> History(bool withFeatures = true) =>
        [.. Shifts.Select((s, t) => new TransferTask("task" + t, Grid, [.. Grid.Select(x => (x[0] - s) * (x[0] - s))]) { MetaFeatures = withFeatures ? Features(s, Sizes[t]) : null })];

    private static GpPriorPretrainingOptions On(int steps = 300) => new() { MetaFeatureInput = true, HiddenWidth = 8, Steps = steps, MinibatchSize = 32 };

    private static readonly Lazy<PretrainedGpPrior> Trained = new(() => GpPriorPretraining.Pretrain(History(), On()));

    private static int ArgMin(double[] values) => Array.IndexOf(values, values.Min());

    [Fact]
    public void Pretrain_MetaFeatureInput_MeanMinimizerFollowsTheFeature()
    {
        PretrainedGpPrior prior = Trained.Value;
        Assert.True(prior.TakesMetaFeatures);
        double[] low = prior.ForTask(Features(0.15, 120)).Mean(Grid);
        double[] high = prior.ForTask(Features(0.85, 80)).Mean(Grid);
        output.WriteLine($"minimizer at shift 0.15: {Grid[ArgMin(low)][0]}, at shift 0.85: {Grid[ArgMin(high)][0]}");

        // If the mean ignored the features, both tasks would get one mean and one minimizer.
        Assert.InRange(Grid[ArgMin(low)][0], 0.0, 0.35);
        Assert.InRange(Grid[ArgMin(high)][0], 0.65, 1.0);
        for (int t = 0; t < Shifts.Length; t++)
        {
            // Each source task's own features give the mean closest to its own (standardized) losses.
            double[] losses = [.. Grid.Select(x => (x[0] - Shifts[t]) * (x[0] - Shifts[t]))];
            double Error(int u)
            {
                double[] mean = prior.ForTask(Features(Shifts[u], Sizes[u])).Mean(Grid);
                double lm = losses.Average();
                double ls = Math.Sqrt(losses.Average(l => (l - lm) * (l - lm)));
                return losses.Select((l, i) => ((l - lm) / ls) - mean[i]).Sum(e => e * e);
            }

            Assert.Equal(t, Enumerable.Range(0, Shifts.Length).MinBy(Error));
        }
    }

    [Fact]
    public void ForTask_MeanEqualsTheUnfoldedModelAtTheStandardizedFeatures()
    {
        PretrainedGpPrior prior = Trained.Value;
        double[] z = prior.MetaFeatureStandardization!.Standardize(Features(0.5, 200), "test");
        double[] unfolded;
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            TorchSharp.torch.Tensor theta = TorchSharp.torch.tensor(prior.Parameters.ToArray(), TorchSharp.torch.float64);
            TorchSharp.torch.Tensor x = TorchSharp.torch.tensor(Grid.SelectMany(r => r).ToArray(), [Grid.Length, 1], TorchSharp.torch.float64);
            unfolded = prior.Model.Mean(theta, x, TorchSharp.torch.tensor(z, [1, z.Length], TorchSharp.torch.float64)).data<double>().ToArray();
        }

        double[] folded = prior.ForTask(Features(0.5, 200)).Mean(Grid);
        for (int i = 0; i < Grid.Length; i++)
        {
            Assert.Equal(unfolded[i], folded[i], 12);
        }

        // The kernel does not read the features.
        Assert.Equal(prior.Covariance(Grid, Grid), prior.ForTask(Features(0.5, 200)).Covariance(Grid, Grid));
    }

    [Fact]
    public void Pretrain_MetaFeatureInput_StoresTheStandardizationAndJsonKeepsIt()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), On(steps: 5));
        Assert.Equal(["constant", "shift", "size"], prior.MetaFeatureNames);
        double sizeMean = Sizes.Average();
        double sizeScale = Math.Sqrt(Sizes.Average(v => (v - sizeMean) * (v - sizeMean)));
        double shiftMean = Shifts.Average();
        double shiftScale = Math.Sqrt(Shifts.Average(v => (v - shiftMean) * (v - shiftMean)));
        Assert.Equal([1.0, shiftMean, sizeMean], prior.MetaFeatureMeans.ToArray(), new ToleranceComparer(1e-12));
        Assert.Equal([0.0, shiftScale, sizeScale], prior.MetaFeatureScales.ToArray(), new ToleranceComparer(1e-12));

        // A constant feature enters as 0, whatever a new task's value; the others as z-scores.
        double[] z = prior.MetaFeatureStandardization!.Standardize(Features(0.5, 200), "test");
        Assert.Equal([0.0, (0.5 - shiftMean) / shiftScale, (200 - sizeMean) / sizeScale], z, new ToleranceComparer(1e-12));

        string json = prior.ToJson();
        Assert.Contains("\"format\":5", json, StringComparison.Ordinal);
        Assert.Contains("\"metaFeatures\":{\"names\":[\"constant\",\"shift\",\"size\"]", json, StringComparison.Ordinal);
        PretrainedGpPrior read = PretrainedGpPrior.FromJson(json);
        Assert.True(read.TakesMetaFeatures);
        Assert.Equal(prior.MetaFeatureNames, read.MetaFeatureNames);
        Assert.Equal(prior.MetaFeatureMeans, read.MetaFeatureMeans);
        Assert.Equal(prior.MetaFeatureScales, read.MetaFeatureScales);
        Assert.Equal(prior.Parameters, read.Parameters);
        Assert.Equal(prior.ForTask(Features(0.3, 60)).Mean(Grid), read.ForTask(Features(0.3, 60)).Mean(Grid));

        // A broken block is refused with its reason.
        string broken = json.Replace("\"scales\":[0,", "\"scales\":[-1,", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);
        Assert.Contains("meta-feature block is invalid", Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(broken)).Message, StringComparison.Ordinal);

        // So are a null name and a block that is not an object.
        string nullName = json.Replace("\"names\":[\"constant\",", "\"names\":[null,", StringComparison.Ordinal);
        Assert.NotEqual(json, nullName);
        Assert.Contains("a meta-feature name is null", Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(nullName)).Message, StringComparison.Ordinal);
        string notObject = System.Text.RegularExpressions.Regex.Replace(json, "\"metaFeatures\":\\{[^}]*\\}", "\"metaFeatures\":3");
        Assert.NotEqual(json, notObject);
        Assert.Contains("\"metaFeatures\" must be an object", Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(notObject)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_Format4_ReadsWithoutMetaFeatures()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), new GpPriorPretrainingOptions { HiddenWidth = 4, Steps = 5 });
        string format4 = prior.ToJson().Replace("\"format\":5", "\"format\":4", StringComparison.Ordinal).Replace("\"metaFeatures\":null,", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("metaFeatures", format4, StringComparison.Ordinal);
        PretrainedGpPrior read = PretrainedGpPrior.FromJson(format4);
        Assert.False(read.TakesMetaFeatures);
        Assert.Empty(read.MetaFeatureNames);
        Assert.Equal(prior.Mean(Grid), read.Mean(Grid));
        Assert.Same(read, read.ForTask(Features(0.5, 1)));
    }

    [Fact]
    public void Pretrain_DefaultOptions_IgnoreMetaFeaturesAndGiveTheSamePrior()
    {
        Assert.False(new GpPriorPretrainingOptions().MetaFeatureInput);
        var options = new GpPriorPretrainingOptions { HiddenWidth = 6, Steps = 20 };
        PretrainedGpPrior with = GpPriorPretraining.Pretrain(History(withFeatures: true), options);
        PretrainedGpPrior without = GpPriorPretraining.Pretrain(History(withFeatures: false), options);
        Assert.False(with.TakesMetaFeatures);
        Assert.Equal(without.Parameters, with.Parameters);
        Assert.Equal(without.ToJson(), with.ToJson());
    }

    [Fact]
    public void Pretrain_Automatic_OnOnlyWhenEveryTaskCarriesTheSameNames()
    {
        var automatic = new GpPriorPretrainingOptions { MetaFeatureInput = null, HiddenWidth = 4, Steps = 2 };
        Assert.True(GpPriorPretraining.Pretrain(History(), automatic).TakesMetaFeatures);
        Assert.False(GpPriorPretraining.Pretrain(History(withFeatures: false), automatic).TakesMetaFeatures);
        List<TransferTask> mixed = History();
        mixed[2] = mixed[2] with { MetaFeatures = new Dictionary<string, double>(StringComparer.Ordinal) { ["shift"] = 0.6 } };
        Assert.False(GpPriorPretraining.Pretrain(mixed, automatic).TakesMetaFeatures);
        Assert.False(GpPriorPretraining.Pretrain(History(), new GpPriorPretrainingOptions { MetaFeatureInput = null, MeanKind = PriorMeanKind.Linear, Steps = 2 }).TakesMetaFeatures);
    }

    [Fact]
    public void Pretrain_OnWithoutTheSameFeatures_ThrowsNamingTaskAndNames()
    {
        List<TransferTask> none = History();
        none[1] = none[1] with { MetaFeatures = null };
        Assert.Contains("'task1' has no meta-features", Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain(none, On(steps: 1))).Message, StringComparison.Ordinal);

        List<TransferTask> other = History();
        other[3] = other[3] with { MetaFeatures = new Dictionary<string, double>(StringComparer.Ordinal) { ["shift"] = 0.8, ["rows"] = 10 } };
        string message = Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain(other, On(steps: 1))).Message;
        Assert.Contains("'task3'", message, StringComparison.Ordinal);
        Assert.Contains("it lacks constant, size", message, StringComparison.Ordinal);
        Assert.Contains("it adds rows", message, StringComparison.Ordinal);

        List<TransferTask> infinite = History();
        infinite[0] = infinite[0] with { MetaFeatures = Features(double.NaN, 1) };
        Assert.Contains("meta-feature 'shift' is NaN", Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain(infinite, On(steps: 1))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MetaFeatureInputWithoutMlpMean_Throws()
    {
        string message = Assert.Throws<ArgumentException>(() => new GpPriorPretrainingOptions { MetaFeatureInput = true, MeanKind = PriorMeanKind.Linear }.Validate()).Message;
        Assert.Contains("MetaFeatureInput needs the MLP mean", message, StringComparison.Ordinal);
        new GpPriorPretrainingOptions { MetaFeatureInput = null, MeanKind = PriorMeanKind.Linear }.Validate();
    }

    [Fact]
    public void ForTaskAndTuner_MissingFeatures_ThrowNamingThem()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), On(steps: 2));
        var partial = new Dictionary<string, double>(StringComparer.Ordinal) { ["shift"] = 0.5 };
        string message = Assert.Throws<ArgumentException>(() => prior.ForTask(partial)).Message;
        Assert.Contains("lacks 2 of them: constant, size", message, StringComparison.Ordinal);
        Assert.Contains("call ForTask", Assert.Throws<InvalidOperationException>(() => prior.Mean(Grid)).Message, StringComparison.Ordinal);
        Assert.Contains("has none", Assert.Throws<ArgumentException>(() => prior.FitOf(History(withFeatures: false)[0])).Message, StringComparison.Ordinal);
        Assert.True(double.IsFinite(prior.FitOf(History()[0]).NegativeLogLikelihoodPerPoint));

        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        string noFeatures = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTuner(space, prior)).Message;
        Assert.Contains("TaskMetaFeatures", noFeatures, StringComparison.Ordinal);
        Assert.Contains("constant, shift, size", noFeatures, StringComparison.Ordinal);
        string missing = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { TaskMetaFeatures = partial })).Message;
        Assert.Contains("constant, size", missing, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.15, 80)]
    [InlineData(0.85, 300)]
    public void Propose_FirstTrial_IsTheMinimizerOfTheTasksOwnMean(double shift, double size)
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        Parameter[] candidates = [.. Grid.Select(space.SampleFromFeatureSpace)];
        var tuner = new MetaGaussianProcessTuner(space, Trained.Value, 0, new MetaGaussianProcessTunerOptions { Candidates = candidates, TaskMetaFeatures = Features(shift, size) });
        Assert.False(tuner.Prior.TakesMetaFeatures);

        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });

        int expected = ArgMin(Trained.Value.ForTask(Features(shift, size)).Mean(Grid));
        Assert.Equal(candidates[expected], first);
        Assert.InRange(Math.Abs(Grid[expected][0] - shift), 0.0, 0.2);
    }

    [Fact]
    public void FullObjective_MetaFeatureInput_GradientMatchesFiniteDifferences()
    {
        // Three tasks, two on the same points (the KL term with per-task means) and the NLL of each with its own features.
        List<TransferTask> tasks = [.. History().Take(3).Select(t => new TransferTask(t.Name, Grid[..6], t.Losses.Take(6).ToArray()) { MetaFeatures = t.MetaFeatures })];
        var options = new GpPriorPretrainingOptions { MetaFeatureInput = true, HiddenWidth = 3, KlWeight = 0.7 };
        (PriorModel model, double value, double[] gradient, double[] reference) = PretrainingObjectiveAtPerturbedStart.Evaluate(tasks, options, 0.1);
        Assert.Equal(3, model.MetaFeatureCount);
        output.WriteLine($"objective {value:G6}, |g| max {gradient.Max(Math.Abs):G4}, meta-feature weights' |g| max {gradient.Skip(model.MetaFeatureWeightOffset).Take(3 * 3).Max(Math.Abs):G4}");
        Assert.Contains(gradient.Skip(model.MetaFeatureWeightOffset).Take(3 * 3), g => Math.Abs(g) > 1e-6);
        FiniteDifferences.AssertClose(reference, gradient, 1e-5);
    }

    [Fact]
    public void AddEmpiricalCovariance_MetaFeatureInput_FitsAndTheTermSurvivesForTask()
    {
        List<TransferTask> tasks = History();
        var options = new GpPriorPretrainingOptions { MetaFeatureInput = true, HiddenWidth = 4, Steps = 20, EmpiricalCovarianceMinimumTasks = 3 };
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(tasks, options);
        Assert.True(prior.HasEmpiricalCovariance);
        Assert.True(prior.TakesMetaFeatures);
        PretrainedGpPrior task = prior.ForTask(Features(0.4, 100));
        Assert.True(task.HasEmpiricalCovariance);
        Assert.Equal(prior.EmpiricalCovarianceWeight, task.EmpiricalCovarianceWeight);
        Assert.Equal(prior.Covariance(Grid, Grid), task.Covariance(Grid, Grid));

        // Exact moments: at the shared points the mean is the empirical mean plus the task's deviation from the sources' average mean.
        PretrainedGpPrior exact = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { MetaFeatureInput = true, HiddenWidth = 4, Steps = 20, EmpiricalCovarianceMinimumTasks = 3, EmpiricalMoments = true });
        double[][] standardized = [.. tasks.Select(t => Standardized(t.Losses))];
        double[][] sourceMeans = [.. tasks.Select(t => exact.ForTask(t.MetaFeatures!).Mean(Grid))];
        double[] mean = exact.ForTask(Features(0.4, 100)).Mean(Grid);
        double[] plain = WithoutCorrection(exact, Features(0.4, 100));
        for (int i = 0; i < Grid.Length; i++)
        {
            double empirical = standardized.Average(v => v[i]);
            double sourceAverage = tasks.Average(t => WithoutCorrection(exact, t.MetaFeatures!)[i]);
            Assert.Equal(empirical + plain[i] - sourceAverage, mean[i], 9);

            // Averaged over the source tasks' own features, the mean is the empirical mean.
            Assert.Equal(empirical, sourceMeans.Average(m => m[i]), 9);
        }
    }

    /// <summary>The task's pre-trained MLP mean without the exact term's correction.</summary>
    private static double[] WithoutCorrection(PretrainedGpPrior prior, IReadOnlyDictionary<string, double> features)
    {
        PretrainedGpPrior task = prior.ForTask(features);
        using var scope = TorchSharp.torch.NewDisposeScope();
        return task.Model.Mean(TorchSharp.torch.tensor(task.Parameters.ToArray(), TorchSharp.torch.float64), TorchSharp.torch.tensor(Grid.SelectMany(r => r).ToArray(), [Grid.Length, 1], TorchSharp.torch.float64)).data<double>().ToArray();
    }

    private static double[] Standardized(IReadOnlyList<double> losses)
    {
        double mean = losses.Average();
        double std = Math.Sqrt(losses.Average(l => (l - mean) * (l - mean)));
        return [.. losses.Select(l => (l - mean) / std)];
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
