using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class MlpHyperparametersTests
{
    /// <summary>The MLP's space as it was written by hand before it was derived from <see cref="MlpHyperparameters"/>'s attributes.</summary>
    private static SearchSpace HandWritten(int maxEpochs, int maxHiddenWidth) => new()
    {
        ["learning_rate"] = new UniformDoubleOption(1e-4, 0.5, logBase: true, defaultValue: 0.05),
        ["momentum"] = new UniformDoubleOption(0, 0.99, defaultValue: 0.9),
        ["l2"] = new UniformDoubleOption(1e-7, 1e-2, logBase: true, defaultValue: 1e-5),
        ["hidden_width"] = new UniformIntOption(16, maxHiddenWidth, logBase: true, defaultValue: Math.Min(128, maxHiddenWidth)),
        ["depth"] = new UniformIntOption(1, 3, defaultValue: 2),
        ["batch_size"] = new ChoiceOption([32, 64, 128, 256], 256),
        ["epochs"] = maxEpochs == 1 ? new ChoiceOption([1], 1) : new UniformIntOption(1, maxEpochs, defaultValue: 1),
    };

    [Theory]
    [InlineData(20, 512)]
    [InlineData(5, 512)]
    [InlineData(1, 64)]
    [InlineData(40, 1024)]
    public void CreateSearchSpace_FromAttributes_SameSpaceAsTheHandWrittenOne(int maxEpochs, int maxHiddenWidth)
    {
        SearchSpace derived = MlpTrialRunner.CreateSearchSpace(maxEpochs, maxHiddenWidth);
        SearchSpace before = HandWritten(maxEpochs, maxHiddenWidth);

        // Studies store this description: the same text means studies started before still resume.
        Assert.Equal(SearchSpaceDescription.ToJson(before), SearchSpaceDescription.ToJson(derived));
        Assert.Equal(before.Default, derived.Default);
        double[] u = [.. Enumerable.Range(0, derived.FeatureSpaceDim).Select(i => (i * 0.37 + 0.11) % 1.0)];
        Assert.Equal(before.SampleFromFeatureSpace(u), derived.SampleFromFeatureSpace(u));
    }

    [Fact]
    public void From_SampledParameter_IsAsTypeOfIt()
    {
        SearchSpace<MlpHyperparameters> space = MlpTrialRunner.CreateSearchSpace();
        Parameter sampled = space.SampleFromFeatureSpace([0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8]);

        MlpHyperparameters h = MlpHyperparameters.From(sampled);

        Assert.Equal(sampled.AsType<MlpHyperparameters>(), h);
        Assert.Equal(sampled["learning_rate"].AsType<double>(), h.LearningRate);
        Assert.Equal(sampled["hidden_width"].AsType<int>(), h.HiddenWidth);
        Assert.Equal(sampled["batch_size"].AsType<int>(), h.BatchSize);
        Assert.Equal(sampled, Parameter.FromObject(h));
    }

    [Fact]
    public void Default_IsWhatTheAttributesDeclare()
    {
        MlpHyperparameters h = MlpHyperparameters.Default;

        Assert.Equal(0.05, h.LearningRate, 1e-12);
        Assert.Equal(0.9, h.Momentum, 1e-12);
        Assert.Equal(1e-5, h.L2, 1e-15);
        Assert.Equal((128, 2, 256, 1), (h.HiddenWidth, h.Depth, h.BatchSize, h.Epochs));
    }

    [Fact]
    public void From_MissingKey_NamesIt()
    {
        Parameter p = Parameter.FromObject(MlpHyperparameters.Default);
        p = Parameter.CreateNestedParameter([.. p.Children.Where(kv => kv.Key != "epochs").Select(kv => (kv.Key, kv.Value))]);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => MlpHyperparameters.From(p));
        Assert.Contains("has no \"epochs\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ValueOfTheWrongKind_NamesTheKey()
    {
        Parameter p = Parameter.FromObject(MlpHyperparameters.Default);
        p["depth"] = Parameter.FromString("two");

        ArgumentException ex = Assert.Throws<ArgumentException>(() => MlpHyperparameters.From(p));
        Assert.Contains("depth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_OutOfRange_Throws()
    {
        Parameter p = Parameter.FromObject(MlpHyperparameters.Default with { Momentum = 1.5 });

        ArgumentException ex = Assert.Throws<ArgumentException>(() => MlpHyperparameters.From(p));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSearchSpace_MaxBelowTheOptionsMinimum_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MlpTrialRunner.CreateSearchSpace(maxEpochs: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MlpTrialRunner.CreateSearchSpace(maxHiddenWidth: 15));
    }
}
