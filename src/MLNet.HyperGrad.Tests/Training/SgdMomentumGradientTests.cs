using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Training;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary><see cref="SgdMomentum.Step"/> is differentiable in the learning rate, momentum, weight decay, weights and velocities.</summary>
public sealed class SgdMomentumGradientTests
{
    private static readonly long[] Scalar = [];
    private static readonly long[][] WeightShapes = [[3, 2], [2]];

    public enum Decay
    {
        None,
        PerTensor,
        PerWeight,
    }

    [Theory]
    [InlineData(Decay.None)]
    [InlineData(Decay.PerTensor)]
    [InlineData(Decay.PerWeight)]
    public void Step_GradientWithRespectToEveryInput_MatchesCentralDifferences(Decay decay)
    {
        // Inputs: learning rate, momentum, weights (2), velocities (2), then the decay tensors (2).
        var shapes = new List<long[]>(Enumerable.Repeat(Scalar, 2));
        shapes.AddRange(WeightShapes);
        shapes.AddRange(WeightShapes);
        if (decay == Decay.PerTensor)
        {
            shapes.AddRange([Scalar, Scalar]);
        }
        else if (decay == Decay.PerWeight)
        {
            shapes.AddRange(WeightShapes);
        }

        int count = shapes.Sum(s => (int)s.Aggregate(1L, (a, b) => a * b));
        double[] point = Float64.Randn(count, seed: 21);
        point[0] = 0.3;
        point[1] = 0.8;
        for (int i = count - (decay == Decay.None ? 0 : decay == Decay.PerTensor ? 2 : 8); i < count; i++)
        {
            point[i] = 0.05 + (0.01 * i);
        }

        double[] gradientValues = Float64.Randn(8, seed: 22);
        double[] velocityWeights = Float64.Randn(8, seed: 23);

        Tensor Objective(Tensor[] x)
        {
            Tensor[] w = x[2..4];
            Tensor[] v = x[4..6];
            Tensor[]? lambda = decay == Decay.None ? null : x[6..8];
            Tensor[] g = Float64.Unflatten(WeightShapes, gradientValues);
            (Tensor[] newW, Tensor[] newV) = SgdMomentum.Step(w, v, g, x[0], x[1], lambda);
            Tensor[] c = Float64.Unflatten(WeightShapes, velocityWeights);
            return newW.Select(t => t.square().sum()).Aggregate((a, b) => a + b) + newV.Zip(c, (t, k) => (t * k).sum()).Aggregate((a, b) => a + b);
        }

        double[] analytic = Differentiable.AssertGradientMatches(Objective, shapes, point);
        Assert.NotEqual(0.0, analytic[0]);
        Assert.NotEqual(0.0, analytic[1]);
        if (decay != Decay.None)
        {
            Assert.NotEqual(0.0, analytic[^1]);
        }
    }
}
