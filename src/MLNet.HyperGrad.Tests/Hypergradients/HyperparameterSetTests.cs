using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class HyperparameterSetTests
{
    private static HyperparameterSet Sample() => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 3), [0.1, 0.2, 0.05])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, 3), 0.9)
        .Add(new Hyperparameter("shift", HyperparameterTransform.Identity), -1.5);

    [Fact]
    public void ToParameterFromParameter_RoundTrip_KeepsValues()
    {
        HyperparameterSet set = Sample();
        Parameter p = set.ToParameter();
        HyperparameterSet back = HyperparameterSet.FromParameter(Parameter.FromJson(p.ToString()), set.Definitions);

        FiniteDifferences.AssertClose([0.1, 0.2, 0.05], p["learning_rate"].AsDoubleArray(), 1e-12);
        foreach (Hyperparameter d in set.Definitions)
        {
            FiniteDifferences.AssertClose(set.Values(d.Name), back.Values(d.Name), 1e-12);
        }
    }

    [Fact]
    public void FlattenUnconstrained_Transforms_AreLogLogitAndIdentity()
    {
        double[] u = Sample().FlattenUnconstrained();

        Assert.Equal(Math.Log(0.2), u[1], 12);
        Assert.Equal(Math.Log(0.9 / 0.1), u[4], 12);
        Assert.Equal(-1.5, u[6]);
    }

    [Fact]
    public void CreateTensors_Constrained_MatchesValuesAndDifferentiates()
    {
        using var scope = torch.NewDisposeScope();
        HyperparameterSet set = Sample();
        HyperparameterTensors h = set.CreateTensors();
        Tensor mu = h.Constrained("momentum");
        double[] gradient = TensorData.ToArray<double>(TorchAutograd.Grad(mu.sum(), h.Unconstrained("momentum")));

        FiniteDifferences.AssertClose(set.Values("momentum"), TensorData.ToArray<double>(mu), 1e-12);
        Assert.All(gradient, g => Assert.Equal(0.9 * 0.1, g, 12));
    }

    [Fact]
    public void Add_MomentumOutsideUnitInterval_ThrowsNamingTheHyperparameter()
    {
        var set = new HyperparameterSet();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => set.Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 1.0));
        Assert.Contains("\"momentum\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("between 0 and 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromParameter_WrongCount_ThrowsWithShape()
    {
        HyperparameterSet set = Sample();
        Parameter p = set.ToParameter();
        p["learning_rate"] = Parameter.FromDoubleArray([0.1, 0.2]);

        var error = Assert.Throws<ArgumentException>(() => HyperparameterSet.FromParameter(p, set.Definitions));
        Assert.Contains("needs 3 values; got 2", error.Message, StringComparison.Ordinal);
    }
}
