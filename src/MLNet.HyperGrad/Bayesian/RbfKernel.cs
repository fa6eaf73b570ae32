using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The squared-exponential (RBF) kernel: <c>k(r) = exp(-r²/2)</c>.</summary>
/// <remarks>Infinitely smooth sample paths (Rasmussen and Williams 2006, eq. 4.9); often too smooth for hyperparameter responses, where <see cref="Matern52Kernel"/> is the default.</remarks>
public sealed class RbfKernel : IKernel
{
    /// <summary>Gets the one instance (the kernel holds no state).</summary>
    public static RbfKernel Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "rbf";

    /// <inheritdoc />
    public torch.Tensor Correlation(torch.Tensor squaredDistance)
    {
        ArgumentNullException.ThrowIfNull(squaredDistance);
        return squaredDistance.Times(-0.5).exp();
    }

    /// <inheritdoc />
    public (double Value, double Slope) CorrelationAndSlope(double squaredDistance)
    {
        double value = Math.Exp(-0.5 * squaredDistance);
        return (value, -0.5 * value);
    }
}
