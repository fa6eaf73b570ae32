using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>A small float64 MLP problem (6 rows) whose loss is a function of a flat weight vector.</summary>
internal sealed class MlpProblem
{
    public MlpProblem(Activation activation, LossKind loss, int outputs = 3, ulong seed = 11)
    {
        Mlp = new Mlp([5, 4, outputs], activation);
        Loss = loss;
        using var generator = new torch.Generator(seed);
        using Tensor x = torch.randn([6, 5], ScalarType.Float64, generator: generator);
        Features = MLNet.HyperGrad.Torch.TensorData.ToArray<double>(x);
        using ParameterSet init = Mlp.CreateParameters(generator, ScalarType.Float64);
        Weights = init.ToArrays().SelectMany(a => a).ToArray();
        Shapes = init.Select(t => t.shape).ToArray();
        ClassTargets = [0, 1, 2, 2, 1, 0];
        RealTargets = Float64.Randn(outputs == 1 ? 6 : 6 * outputs, seed + 1);
    }

    public Mlp Mlp { get; }

    public LossKind Loss { get; }

    public double[] Features { get; }

    /// <summary>Gets the initial weights, flattened in parameter order.</summary>
    public double[] Weights { get; }

    public IReadOnlyList<long[]> Shapes { get; }

    public long[] ClassTargets { get; }

    /// <summary>Gets the regression targets: [6] for one output, else [6, outputs].</summary>
    public double[] RealTargets { get; }

    /// <summary>The inputs, [6, 5], as a tensor in the current scope.</summary>
    public Tensor Inputs() => Float64.Of(Features, 6, 5);

    /// <summary>The targets as a tensor in the current scope.</summary>
    public Tensor Targets() => Loss == LossKind.CrossEntropy
        ? MLNet.HyperGrad.Torch.TensorData.FromSpan<long>(ClassTargets, [6])
        : Float64.Of(RealTargets, Mlp.LayerSizes[^1] == 1 ? [6] : [6, Mlp.LayerSizes[^1]]);

    /// <summary>The loss of weights given as tensors (differentiable).</summary>
    public Tensor LossOf(IReadOnlyList<Tensor> weights) => Losses.Compute(Loss, Mlp.Forward(weights, Inputs()), Targets());

    /// <summary>The loss of a flat weight vector, for finite differences.</summary>
    public double LossAt(double[] flat)
    {
        using var scope = torch.NewDisposeScope();
        return Float64.Value(LossOf(Float64.Unflatten(Shapes, flat)));
    }
}
