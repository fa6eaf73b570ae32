using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Logarithms of Gaussian tail quantities that stay finite and accurate far in the tails (tensor ops, autograd-safe).</summary>
/// <remarks>
/// Every branch is evaluated on inputs clamped into its own domain and the branches are joined by
/// <c>torch.where</c>, so the unused branch never produces an infinity or a NaN whose zero-weighted gradient would
/// still poison the result.
/// </remarks>
internal static class GaussianTails
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double HalfLogHalfPi = 0.5 * Math.Log(Math.PI / 2);
    private static readonly double InverseSqrt2 = 1 / Math.Sqrt(2);
    private static readonly double InverseSqrtEpsilon = 1 / Math.Sqrt(2.220446049250313e-16);

    /// <summary><c>log h(z)</c> with <c>h(z) = φ(z) + z·Φ(z)</c>, the expected improvement of a unit Gaussian over <c>-z</c>.</summary>
    /// <remarks>
    /// Ament, Daulton, Eriksson, Balandat, Bakshy (2023), "Unexpected improvements to expected improvement for
    /// Bayesian optimization", eq. (9): directly for <c>z &gt; -1</c>; for <c>-1/√ε &lt; z ≤ -1</c>,
    /// <c>-z²/2 - log√(2π) + log1mexp(log(erfcx(-z/√2)·|z|) + log√(π/2))</c>; below, the asymptote
    /// <c>-z²/2 - log√(2π) - 2 log|z|</c>.
    /// </remarks>
    public static torch.Tensor LogH(torch.Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor zHigh = z.ClampMinimum(-1.0);
        torch.Tensor high = zHigh.Square().Times(-0.5).exp().Times(Math.Exp(-HalfLogTwoPi)).Plus(zHigh * torch.special.ndtr(zHigh)).log();

        torch.Tensor zMid = z.ClampBetween(-InverseSqrtEpsilon, -1.0);
        torch.Tensor a = (Erfcx((-zMid).Times(InverseSqrt2)) * zMid.abs()).log().Plus(HalfLogHalfPi);
        torch.Tensor mid = zMid.Square().Times(-0.5).Minus(HalfLogTwoPi).Plus(Log1mExp(a));

        torch.Tensor zLow = z.ClampMaximum(-InverseSqrtEpsilon);
        torch.Tensor low = zLow.Square().Times(-0.5).Minus(HalfLogTwoPi) - zLow.abs().log().Times(2.0);

        torch.Tensor result = torch.where(z.IsGreaterThan(-1.0), high, torch.where(z.IsGreaterThan(-InverseSqrtEpsilon), mid, low));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary><c>log Φ(z)</c>: <c>log1p(-erfc(z/√2)/2)</c> for <c>z ≥ 0</c>, <c>log(erfcx(-z/√2)/2) - z²/2</c> below.</summary>
    public static torch.Tensor LogNormalCdf(torch.Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor zHigh = z.ClampMinimum(0.0);
        torch.Tensor high = torch.special.erfc(zHigh.Times(InverseSqrt2)).Times(-0.5).log1p();
        torch.Tensor zLow = z.ClampMaximum(0.0);
        torch.Tensor low = Erfcx((-zLow).Times(InverseSqrt2)).Times(0.5).log() - zLow.Square().Times(0.5);
        return torch.where(z.IsAtLeast(0.0), high, low).MoveToOuterDisposeScope();
    }

    /// <summary>The scaled complementary error function <c>erfcx(x) = exp(x²)·erfc(x)</c>, for <c>x ≥ 0</c>.</summary>
    /// <remarks>
    /// TorchSharp 0.107's <c>torch.special.erfcx</c> returns <c>erfc</c> (measured: erfcx(3) came back as 2.2e-5, not
    /// 0.179), so it is computed here: <c>exp(x²)·erfc(x)</c> below 25, where both factors are representable and
    /// libtorch's erfc is accurate in relative terms; above, the asymptotic series
    /// <c>1/(x√π) · (1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶) + 105/(16x⁸) - 945/(32x¹⁰))</c>, whose next term is below 3e-15
    /// relative at 25. Differentiable in both branches.
    /// </remarks>
    public static torch.Tensor Erfcx(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor xSmall = x.ClampMaximum(25.0);
        torch.Tensor small = xSmall.Square().exp() * torch.special.erfc(xSmall);
        torch.Tensor xLarge = x.ClampMinimum(25.0);
        torch.Tensor u = HeldScalars.Divide(1.0, xLarge.Square().Times(2.0));
        torch.Tensor series = HeldScalars.Subtract(1.0, u.Times(9.0));
        series = HeldScalars.Subtract(1.0, u.Times(7.0) * series);
        series = HeldScalars.Subtract(1.0, u.Times(5.0) * series);
        series = HeldScalars.Subtract(1.0, u.Times(3.0) * series);
        series = HeldScalars.Subtract(1.0, u * series);
        torch.Tensor large = series / xLarge.Times(Math.Sqrt(Math.PI));
        return torch.where(x.IsLessThan(25.0), small, large).MoveToOuterDisposeScope();
    }

    /// <summary><c>log(1 - exp(a))</c> for <c>a &lt; 0</c> (Mächler 2012): <c>log(-expm1(a))</c> above <c>-ln 2</c>, <c>log1p(-exp(a))</c> below.</summary>
    public static torch.Tensor Log1mExp(torch.Tensor a)
    {
        using var scope = torch.NewDisposeScope();
        double ln2 = Math.Log(2);
        torch.Tensor aNear = a.ClampBetween(-ln2, -1e-300);
        torch.Tensor aFar = a.ClampMaximum(-ln2);
        torch.Tensor near = (-aNear.expm1()).log();
        torch.Tensor far = (-aFar.exp()).log1p();
        return torch.where(a.IsGreaterThan(-ln2), near, far).MoveToOuterDisposeScope();
    }
}
