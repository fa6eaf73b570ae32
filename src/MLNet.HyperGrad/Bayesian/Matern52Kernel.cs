using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The Matérn kernel with smoothness 5/2: <c>k(r) = (1 + √5 r + 5r²/3) exp(-√5 r)</c>.</summary>
/// <remarks>
/// The default kernel of BoTorch's <c>SingleTaskGP</c> and of Optuna's <c>GPSampler</c> (Rasmussen and Williams 2006,
/// eq. 4.17): twice differentiable sample paths, less smooth than the squared exponential. Autograd through
/// <c>r = √(r²)</c> would give 0·∞ at <c>r = 0</c> and cancels badly near it, so, as Optuna does with a custom
/// autograd function, the value is computed without a graph and the graph carries the closed-form derivative
/// <c>dk/d(r²) = -5/6 (1 + √5 r) exp(-√5 r)</c>: the result is <c>k + g·(r² - stop(r²))</c> with <c>k</c> and
/// <c>g</c> constants. Values and first derivatives are exact everywhere, 0 included; second derivatives through
/// the kernel are not available (nothing here needs them).
/// </remarks>
public sealed class Matern52Kernel : IKernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5.0);

    /// <summary>Gets the one instance (the kernel holds no state).</summary>
    public static Matern52Kernel Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "matern52";

    /// <inheritdoc />
    public torch.Tensor Correlation(torch.Tensor squaredDistance)
    {
        ArgumentNullException.ThrowIfNull(squaredDistance);
        using var scope = torch.NewDisposeScope();
        torch.Tensor value;
        torch.Tensor slope;
        using (torch.no_grad())
        {
            torch.Tensor r2 = squaredDistance.detach();
            torch.Tensor r = r2.sqrt();
            torch.Tensor e = r.Times(-Sqrt5).exp();
            value = r.Times(Sqrt5).Plus(1.0).Plus(r2.Times(5.0 / 3.0)) * e;
            slope = r.Times(Sqrt5).Plus(1.0).Times(-5.0 / 6.0) * e;
        }

        torch.Tensor result = squaredDistance.requires_grad
            ? value.Plus(slope * (squaredDistance - squaredDistance.detach()))
            : value;
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (double Value, double Slope) CorrelationAndSlope(double squaredDistance)
    {
        double r = Math.Sqrt(squaredDistance);
        double e = Math.Exp(-Sqrt5 * r);
        return ((1.0 + (Sqrt5 * r) + ((5.0 / 3.0) * squaredDistance)) * e, (-5.0 / 6.0) * (1.0 + (Sqrt5 * r)) * e);
    }
}
