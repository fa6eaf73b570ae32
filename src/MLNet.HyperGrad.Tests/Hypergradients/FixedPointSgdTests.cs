using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class FixedPointSgdTests
{
    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void UndoSteps_AfterManyForwardSteps_RecoverInitialStateBitForBit(double momentum)
    {
        double[] initial = MLNet.HyperGrad.Tests.Torch.Float64.Randn(500, seed: 3);
        var sgd = new FixedPointSgd(initial, fractionBits: 32);
        long[] start = (long[])sgd.Weights.Clone();
        const long denominator = 1L << 24;
        long numerator = (long)Math.Round(momentum * denominator);
        const int steps = 200;
        for (int t = 0; t < steps; t++)
        {
            sgd.VelocityStep(Gradient(sgd.WeightValues(), t), numerator, denominator);
            sgd.WeightStep(0.05);
        }

        Assert.False(sgd.Weights.AsSpan().SequenceEqual(start));
        long bits = sgd.Buffer.TotalBits;
        for (int t = steps - 1; t >= 0; t--)
        {
            sgd.UndoWeightStep(0.05);
            sgd.UndoVelocityStep(Gradient(sgd.WeightValues(), t), numerator, denominator);
        }

        Assert.Equal(start, sgd.Weights);
        Assert.All(sgd.Velocities, v => Assert.Equal(0, v));
        Assert.True(sgd.Buffer.IsEmpty);

        // About log2(1/μ) bits per element and step are kept, not the 64 of storing the weight and velocity.
        double expected = initial.Length * steps * Math.Log2(1 / momentum);
        Assert.InRange(bits, expected / 2, (expected * 2) + initial.Length);
    }

    // A nonlinear gradient of the weights, different at every step: the reverse pass must recompute it exactly.
    private static double[] Gradient(double[] w, int step) =>
        [.. w.Select((x, i) => Math.Tanh(x + (0.01 * step)) + (0.1 * Math.Sin(i + x)))];
}
