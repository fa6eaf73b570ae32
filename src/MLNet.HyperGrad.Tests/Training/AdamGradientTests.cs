using MLNet.HyperGrad.Tests.Torch;
using MLNet.HyperGrad.Training;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Training;

/// <summary><see cref="Adam.Step"/> is differentiable in the learning rate, β₁, β₂, weight decay and its state.</summary>
public sealed class AdamGradientTests
{
    private static readonly long[] Scalar = [];
    private static readonly long[][] WeightShapes = [[3, 2], [2]];

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    public void Step_GradientWithRespectToHyperparametersAndState_MatchesCentralDifferences(int step, bool weightDecay)
    {
        // Inputs: learning rate, β₁, β₂, weights (2), first moments (2), then the decay scalars (2).
        var shapes = new List<long[]>(Enumerable.Repeat(Scalar, 3));
        shapes.AddRange(WeightShapes);
        shapes.AddRange(WeightShapes);
        if (weightDecay)
        {
            shapes.AddRange([Scalar, Scalar]);
        }

        int count = shapes.Sum(s => (int)s.Aggregate(1L, (a, b) => a * b));
        double[] point = Float64.Randn(count, seed: 31);
        point[0] = 0.1;
        point[1] = 0.8;
        point[2] = 0.95;
        if (weightDecay)
        {
            point[^2] = 0.03;
            point[^1] = 0.2;
        }

        double[] gradientValues = Float64.Randn(8, seed: 32);

        // Second moments must be positive (they are running means of squares).
        double[] secondValues = Float64.Randn(8, seed: 33).Select(x => 0.1 + (x * x)).ToArray();
        double[] momentWeights = Float64.Randn(8, seed: 34);

        Tensor Objective(Tensor[] x)
        {
            Tensor[] w = x[3..5];
            Tensor[] m = x[5..7];
            Tensor[]? lambda = weightDecay ? x[7..9] : null;
            Tensor[] g = Float64.Unflatten(WeightShapes, gradientValues);
            Tensor[] v = Float64.Unflatten(WeightShapes, secondValues);
            (Tensor[] newW, Tensor[] newM, Tensor[] newV) = Adam.Step(w, m, v, g, step, x[0], x[1], x[2], 1e-8, lambda);
            Tensor[] c = Float64.Unflatten(WeightShapes, momentWeights);
            return newW.Select(t => t.square().sum()).Aggregate((a, b) => a + b)
                + newM.Zip(c, (t, k) => (t * k).sum()).Aggregate((a, b) => a + b)
                + newV.Zip(c, (t, k) => (t * k).sum()).Aggregate((a, b) => a + b);
        }

        double[] analytic = Differentiable.AssertGradientMatches(Objective, shapes, point);
        Assert.NotEqual(0.0, analytic[0]);
        Assert.NotEqual(0.0, analytic[1]);
        Assert.NotEqual(0.0, analytic[2]);
    }
}
