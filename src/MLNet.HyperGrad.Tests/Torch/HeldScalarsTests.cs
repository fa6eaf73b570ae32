using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// <see cref="HeldScalars"/>: each helper computes what the TorchSharp operator it replaces computes (the numbers reach libtorch
/// intact), every scalar it creates is disposed when the op returns, and gradients flow through it. The crash these helpers
/// avoid (a finalized Scalar read by libtorch) is reproduced by <c>bench scalar-stress</c>, not here: a test that reproduced it
/// would crash the test host.
/// </summary>
public sealed class HeldScalarsTests
{
    private static readonly double[] X = [-1.5, 0.25, 2.0, 3.75, -0.125];

    public static TheoryData<string> Ops => ["plus-tensor", "plus", "minus", "times", "over", "subtract", "divide", "clamp-min", "clamp-max", "clamp", "power", "gt", "ge", "lt", "with", "square", "softplus"];

    [Theory]
    [MemberData(nameof(Ops))]
    public void Helper_SmallTensor_GivesTheOperatorsValuesAndDisposesEveryScalar(string op)
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.tensor(X, torch.float64);
        Tensor y = torch.tensor(X.Select(v => (v * v) + 1).ToArray(), torch.float64);
        long created = HeldScalars.Created;
        long disposed = HeldScalars.Disposed;
        (Tensor actual, double[] expected, int scalars) = op switch
        {
            "plus-tensor" => (x.Plus(y), X.Select(v => v + ((v * v) + 1)).ToArray(), 0),
            "plus" => (x.Plus(0.75), X.Select(v => v + 0.75).ToArray(), 1),
            "minus" => (x.Minus(0.75), X.Select(v => v - 0.75).ToArray(), 1),
            "times" => (x.Times(-2.5), X.Select(v => v * -2.5).ToArray(), 1),
            "over" => (x.Over(3.0), X.Select(v => v / 3.0).ToArray(), 1),
            "subtract" => (HeldScalars.Subtract(1.25, x), X.Select(v => 1.25 - v).ToArray(), 1),
            "divide" => (HeldScalars.Divide(2.0, y), X.Select(v => 2.0 / ((v * v) + 1)).ToArray(), 1),
            "clamp-min" => (x.ClampMinimum(0.1), X.Select(v => Math.Max(v, 0.1)).ToArray(), 1),
            "clamp-max" => (x.ClampMaximum(0.1), X.Select(v => Math.Min(v, 0.1)).ToArray(), 1),
            "clamp" => (x.ClampBetween(-1.0, 2.5), X.Select(v => Math.Clamp(v, -1.0, 2.5)).ToArray(), 2),
            "power" => (y.Power(1.5), X.Select(v => Math.Pow((v * v) + 1, 1.5)).ToArray(), 1),
            "gt" => (x.IsGreaterThan(0.25).to(torch.float64), X.Select(v => v > 0.25 ? 1.0 : 0.0).ToArray(), 1),
            "ge" => (x.IsAtLeast(0.25).to(torch.float64), X.Select(v => v >= 0.25 ? 1.0 : 0.0).ToArray(), 1),
            "lt" => (x.IsLessThan(0.25).to(torch.float64), X.Select(v => v < 0.25 ? 1.0 : 0.0).ToArray(), 1),
            "square" => (x.Square(), X.Select(v => v * v).ToArray(), 1),
            "softplus" => (HeldScalars.Softplus(x.Times(10.0)), X.Select(v => v * 10 > 20 ? v * 10 : SoftplusReference(v * 10)).ToArray(), 3),
            _ => (HeldScalars.With(4.5, s => x.masked_fill(x.IsLessThan(0.0), s)), X.Select(v => v < 0 ? 4.5 : v).ToArray(), 2),
        };

        double[] values = actual.data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-15 * (1 + Math.Abs(expected[i])), $"{op}: element {i} is {values[i]:R}, expected {expected[i]:R}");
        }

        Assert.Equal(scalars, HeldScalars.Created - created);
        Assert.Equal(HeldScalars.Created - created, HeldScalars.Disposed - disposed);
    }

    /// <summary><c>log(1 + eʷ)</c> in double precision: <c>max(w, 0) + log1p(e^−|w|)</c>, with <c>log1p(e) = 2·atanh(e / (2 + e))</c> (accurate for 0 ≤ e ≤ 1).</summary>
    private static double SoftplusReference(double w)
    {
        double e = Math.Exp(-Math.Abs(w));
        return Math.Max(w, 0) + (2 * Math.Atanh(e / (2 + e)));
    }

    [Fact]
    public void Helpers_Composite_GradientMatchesFloat64CentralDifferences()
    {
        // f(x) = Σ 3 / (1 + x²)^1.5 · (0.5 − x) + clamp_min(x, −0.2)·2 + softplus(12x), with every scalar through the helpers
        // (12x puts one point above softplus's threshold 20 and the others below).
        static Tensor F(Tensor x) => HeldScalars.Divide(3.0, x.Square().Plus(1.0).Power(1.5)).mul(HeldScalars.Subtract(0.5, x))
            .Plus(x.ClampMinimum(-0.2).Times(2.0)).Plus(HeldScalars.Softplus(x.Times(12.0))).sum();
        double[] at = [0.3, -0.7, 1.9, 0.05];
        double[] analytic;
        using (var scope = torch.NewDisposeScope())
        {
            Tensor x = torch.tensor(at, torch.float64).requires_grad_(true);
            analytic = TorchAutograd.Grad(F(x), x).data<double>().ToArray();
        }

        double[] numeric = FiniteDifferences.Gradient(v =>
        {
            using var scope = torch.NewDisposeScope();
            return F(torch.tensor(v, torch.float64)).item<double>();
        }, at);
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }
}
