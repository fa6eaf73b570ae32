using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary>
/// The optimizers check counts, shapes and dtypes in C# and throw an <see cref="ArgumentException"/>
/// that names the argument, the expected and the actual value, before any tensor is touched.
/// </summary>
public sealed class OptimizerArgumentTests
{
    [Fact]
    public void SgdStep_GradientShapeMismatch_NamesGradientsAndBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        g[1] = torch.zeros([3], ScalarType.Float64);
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), Mu()), "gradients", "Entry 1", "[2]", "[3]");
    }

    [Fact]
    public void SgdStep_GradientDtypeMismatch_NamesGradientsAndBothDtypes()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        g[0] = torch.zeros([3, 2], ScalarType.Float32);
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), Mu()), "gradients", "Entry 0", "Float64", "Float32");
    }

    [Fact]
    public void SgdStep_VelocityShapeMismatch_NamesVelocities()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        v[0] = torch.zeros([2, 3], ScalarType.Float64);
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), Mu()), "velocities", "[3, 2]", "[2, 3]");
    }

    [Fact]
    public void SgdStep_NonScalarLearningRate_NamesLearningRateAndItsShape()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, torch.zeros([2], ScalarType.Float64), Mu()), "learningRate", "one-element", "[2]");
    }

    [Fact]
    public void SgdStep_MomentumOfAnotherDtype_NamesMomentum()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), torch.tensor(0.9f)), "momentum", "Float64", "Float32");
    }

    [Fact]
    public void SgdStep_GradientCountMismatch_NamesGradientsAndBothCounts()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g[..1], Lr(), Mu()), "gradients", "2 weights", "1 gradients");
    }

    [Fact]
    public void SgdStep_VelocityCountMismatch_NamesVelocities()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v[..1], g, Lr(), Mu()), "velocities", "2 weights", "1 velocities");
    }

    [Fact]
    public void SgdStep_WeightDecayCountOrShapeMismatch_NamesWeightDecay()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] v, Tensor[] g) = Lists();
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), Mu(), [Lr()]), "weightDecay", "2 weights", "got 1");
        Tensor wrongShape = torch.zeros([2, 3], ScalarType.Float64);
        ArgumentAssert.Throws(() => SgdMomentum.Step(w, v, g, Lr(), Mu(), [wrongShape, Lr()]), "weightDecay", "[3, 2]", "[2, 3]");
    }

    [Fact]
    public void AdamStep_GradientShapeMismatch_NamesGradients()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] m, Tensor[] g) = Lists();
        Tensor[] v = [.. m];
        g[0] = torch.zeros([6], ScalarType.Float64);
        ArgumentAssert.Throws(() => Adam.Step(w, m, v, g, 1, Lr(), Mu(), Mu()), "gradients", "[3, 2]", "[6]");
    }

    [Fact]
    public void AdamStep_MomentDtypeOrCountMismatch_NamesTheMoments()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] m, Tensor[] g) = Lists();
        Tensor[] v = [.. m];
        Tensor[] singleM = [torch.zeros([3, 2], ScalarType.Float32), m[1]];
        ArgumentAssert.Throws(() => Adam.Step(w, singleM, v, g, 1, Lr(), Mu(), Mu()), "firstMoments", "Float64", "Float32");
        ArgumentAssert.Throws(() => Adam.Step(w, m, v[..1], g, 1, Lr(), Mu(), Mu()), "secondMoments", "2 weights", "1 secondMoments");
    }

    [Fact]
    public void AdamStep_NonScalarHyperparameters_NameTheHyperparameter()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] m, Tensor[] g) = Lists();
        Tensor vector = torch.zeros([3], ScalarType.Float64);
        ArgumentAssert.Throws(() => Adam.Step(w, m, m, g, 1, vector, Mu(), Mu()), "learningRate", "[3]");
        ArgumentAssert.Throws(() => Adam.Step(w, m, m, g, 1, Lr(), vector, Mu()), "beta1", "[3]");
        ArgumentAssert.Throws(() => Adam.Step(w, m, m, g, 1, Lr(), Mu(), vector), "beta2", "[3]");
    }

    [Fact]
    public void AdamStep_StepBelowOne_ThrowsArgumentOutOfRange()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor[] w, Tensor[] m, Tensor[] g) = Lists();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Adam.Step(w, m, m, g, 0, Lr(), Mu(), Mu()));
        Assert.Equal("step", ex.ParamName);
    }

    [Fact]
    public void StepInPlace_ShapeMismatchInALaterTensor_ChangesNothing()
    {
        using var scope = torch.NewDisposeScope();
        using var weights = new ParameterSet();
        using var velocities = new ParameterSet();
        weights.Add("a", torch.ones(3));
        weights.Add("b", torch.ones(2));
        velocities.Add("a", torch.zeros(3));
        velocities.Add("b", torch.zeros(2));
        Tensor[] gradients = [torch.ones(3), torch.ones(5)];
        ArgumentAssert.Throws(() => SgdMomentum.StepInPlace(weights, velocities, gradients, 0.1, 0.9, 0), "gradients", "Entry 1", "[2]", "[5]");
        Assert.Equal([1f, 1, 1], MLNet.HyperGrad.Torch.TensorData.ToArray<float>(weights[0]));
        Assert.Equal([0f, 0, 0], MLNet.HyperGrad.Torch.TensorData.ToArray<float>(velocities[0]));
    }

    private static (Tensor[] Weights, Tensor[] State, Tensor[] Gradients) Lists() =>
        ([torch.ones([3, 2], ScalarType.Float64), torch.ones([2], ScalarType.Float64)],
         [torch.zeros([3, 2], ScalarType.Float64), torch.zeros([2], ScalarType.Float64)],
         [torch.ones([3, 2], ScalarType.Float64), torch.ones([2], ScalarType.Float64)]);

    private static Tensor Lr() => Float64.Scalar(0.1);

    private static Tensor Mu() => Float64.Scalar(0.9);
}
