using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class HyperparameterAdamTests
{
    private static readonly Hyperparameter LearningRate = new("learning_rate", HyperparameterTransform.Log, 2);
    private static readonly Hyperparameter Momentum = new("momentum", HyperparameterTransform.Logit);

    [Fact]
    public void Step_FirstStep_MovesEachUnconstrainedValueByTheLearningRateAgainstTheGradientSign()
    {
        HyperparameterSet set = new HyperparameterSet().Add(LearningRate, [0.1, 0.2]).Add(Momentum, 0.5);
        var adam = new HyperparameterAdam(learningRate: 0.1);

        HyperparameterSet next = adam.Step(set, [3.0, -0.01, 5.0]);

        double[] before = set.FlattenUnconstrained();
        double[] after = next.FlattenUnconstrained();
        Assert.Equal(before[0] - 0.1, after[0], 6);
        Assert.Equal(before[1] + 0.1, after[1], 6);
        Assert.Equal(before[2] - 0.1, after[2], 6);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void Step_QuadraticInUnconstrainedSpace_ConvergesToItsMinimum()
    {
        HyperparameterSet set = new HyperparameterSet().Add(LearningRate, [1.0, 1e-3]);
        double[] target = [Math.Log(0.01), Math.Log(0.3)];
        var adam = new HyperparameterAdam(learningRate: 0.1);
        for (int step = 0; step < 500; step++)
        {
            double[] u = set.FlattenUnconstrained();
            set = adam.Step(set, [2 * (u[0] - target[0]), 2 * (u[1] - target[1])]);
        }

        Assert.Equal(0.01, set.Values("learning_rate")[0], 3);
        Assert.Equal(0.3, set.Values("learning_rate")[1], 2);
    }

    [Fact]
    public void Step_BoundedHyperparameter_StaysWithinItsBounds()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Momentum, 0.9);
        var adam = new HyperparameterAdam(learningRate: 1.0).Bound("momentum", 0.5, 0.95);
        for (int step = 0; step < 20; step++)
        {
            set = adam.Step(set, [-10.0]);
        }

        Assert.Equal(0.95, set.Values("momentum")[0], 12);
    }

    [Fact]
    public void Step_DifferentLayoutWithoutReset_ThrowsNamingBothLayouts()
    {
        var adam = new HyperparameterAdam();
        adam.Step(new HyperparameterSet().Add(Momentum, 0.5), [1.0]);

        var error = Assert.Throws<ArgumentException>(() => adam.Step(new HyperparameterSet().Add(LearningRate, 0.1), [1.0, 1.0]));
        Assert.Contains("learning_rate:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("momentum:1", error.Message, StringComparison.Ordinal);

        adam.Reset();
        Assert.Equal(0, adam.StepCount);
        adam.Step(new HyperparameterSet().Add(LearningRate, 0.1), [1.0, 1.0]);
    }

    [Fact]
    public void Step_NonFiniteGradient_ThrowsNamingTheIndex()
    {
        var adam = new HyperparameterAdam();
        var error = Assert.Throws<ArgumentException>(() => adam.Step(new HyperparameterSet().Add(LearningRate, 0.1), [1.0, double.NaN]));
        Assert.Contains("value 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonPositiveLearningRate_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperparameterAdam(learningRate: 0));
}
