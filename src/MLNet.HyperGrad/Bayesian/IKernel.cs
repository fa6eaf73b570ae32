using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>A stationary correlation function of a Gaussian process: it maps scaled squared distances to correlations.</summary>
/// <remarks>
/// The model (<see cref="GaussianProcess"/>) scales each input dimension by its own length scale (ARD), sums the
/// squared differences into <c>r²</c>, calls <see cref="Correlation"/> and multiplies by the output scale; a kernel
/// therefore holds no parameters of its own and is stateless and thread-safe. The correlation must be 1 at
/// <c>r² = 0</c>, positive definite in every dimension, and differentiable in <c>r²</c> (also at 0) under autograd.
/// </remarks>
public interface IKernel
{
    /// <summary>Gets the kernel's name, for logs and reports (<c>matern52</c>).</summary>
    string Name { get; }

    /// <summary>Correlations of points whose scaled squared distance is <paramref name="squaredDistance"/>.</summary>
    /// <param name="squaredDistance">Scaled squared distances <c>r²</c> ≥ 0, any shape, float64.</param>
    /// <returns>The correlations, of the same shape, in (0, 1], 1 where <c>r² = 0</c>.</returns>
    torch.Tensor Correlation(torch.Tensor squaredDistance);

    /// <summary>The correlation at one scaled squared distance and its derivative in <c>r²</c>, in plain doubles.</summary>
    /// <remarks>
    /// Gradient refinement of an acquisition calls this per point and training observation; the built-in kernels
    /// give closed forms. The default goes through <see cref="Correlation(torch.Tensor)"/> and autograd on a
    /// one-element tensor: correct for any kernel, but a hundred times slower.
    /// </remarks>
    /// <param name="squaredDistance">A scaled squared distance <c>r²</c> ≥ 0.</param>
    /// <returns>The correlation and <c>d correlation / d r²</c>.</returns>
    (double Value, double Slope) CorrelationAndSlope(double squaredDistance)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor r2 = torch.tensor(squaredDistance, torch.float64).requires_grad_(true);
        torch.Tensor value = Correlation(r2);
        return (value.item<double>(), TorchAutograd.Grad(value, r2).item<double>());
    }
}
