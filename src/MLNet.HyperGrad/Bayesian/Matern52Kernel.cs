using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The Matérn kernel with smoothness 5/2: <c>k(r) = (1 + √5 r + 5r²/3) exp(-√5 r)</c>.</summary>
/// <remarks>
/// The default kernel of BoTorch's <c>SingleTaskGP</c> and of Optuna's <c>GPSampler</c> (Rasmussen and Williams 2006,
/// eq. 4.17): twice differentiable sample paths, less smooth than the squared exponential. The square root is
/// taken of <c>r² + 1e-30</c> so that autograd gives the exact derivative <c>dk/d(r²) = -5/6 (1 + √5 r) exp(-√5 r)</c>
/// at <c>r = 0</c> instead of 0·∞; the correlation changes by less than 1e-29 there.
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
        torch.Tensor r = (squaredDistance + 1e-30).sqrt();
        torch.Tensor result = (1.0 + (Sqrt5 * r) + ((5.0 / 3.0) * squaredDistance)) * (-Sqrt5 * r).exp();
        return result.MoveToOuterDisposeScope();
    }
}
