using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class HyperparameterTextTests
{
    [Fact]
    public void Describe_MlpTrial_FormatsEachValueAsItsOptionDeclares()
    {
        var space = new SearchSpace { [MlpTrialRunner.SearchSpaceKey] = MlpTrialRunner.CreateSearchSpace() };
        Parameter p = Parameter.CreateNestedParameter((MlpTrialRunner.SearchSpaceKey, Parameter.FromObject(new MlpHyperparameters
        {
            LearningRate = 0.0039521935,
            Momentum = 0.26662392,
            L2 = 2.190770274e-06,
            HiddenWidth = 103,
            Depth = 2,
            BatchSize = 32,
            Epochs = 13,
        })));

        Assert.Equal(
            "batch_size 32, depth 2, epochs 13, hidden_width 103, l2 2.19E-06, learning_rate 0.00395, momentum 0.267",
            HyperparameterText.Describe(space, p));
    }

    [Fact]
    public void Describe_SeveralRootsAndUnknownKeys_KeepsPathsAndSixDigits()
    {
        var space = new SearchSpace { ["a"] = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) } };
        Parameter p = Parameter.CreateNestedParameter(
            ("a", Parameter.CreateNestedParameter(("x", Parameter.FromDouble(0.123456789)))),
            ("b", Parameter.FromString("relu")),
            ("c", Parameter.FromDouble(1.23456789)));

        Assert.Equal("a.x 0.123, b relu, c 1.23457", HyperparameterText.Describe(space, p));
    }
}
