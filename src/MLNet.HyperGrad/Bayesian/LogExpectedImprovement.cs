using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The logarithm of expected improvement below the best observed value, computed in log space (LogEI).</summary>
/// <remarks>
/// <c>EI(x) = σ·h(z)</c> with <c>z = (best - μ)/σ</c> and <c>h(z) = φ(z) + z·Φ(z)</c> (Jones, Schonlau, Welch 1998);
/// <c>log EI = log σ + log h(z)</c> with <c>log h</c> from Ament et al. (2023, "Unexpected improvements to expected
/// improvement for Bayesian optimization"), whose erfcx formulation keeps the value and its gradient finite and
/// accurate where naive EI underflows to 0 (z below about -38), so gradient refinement still moves there.
/// </remarks>
public sealed class LogExpectedImprovement : IAcquisitionFunction
{
    /// <summary>Creates the acquisition.</summary>
    /// <param name="best">The best (smallest) observed loss, in the posterior's units.</param>
    /// <exception cref="ArgumentException"><paramref name="best"/> is not finite.</exception>
    public LogExpectedImprovement(double best)
    {
        if (!double.IsFinite(best))
        {
            throw new ArgumentException($"The best observed value must be finite, got {best}.", nameof(best));
        }

        Best = best;
    }

    /// <summary>Gets the best observed loss the improvement is measured from.</summary>
    public double Best { get; }

    /// <inheritdoc />
    public string Name => "log-ei";

    /// <inheritdoc />
    public torch.Tensor Evaluate(torch.Tensor mean, torch.Tensor variance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        using var scope = torch.NewDisposeScope();
        torch.Tensor sigma = variance.ClampMinimum(1e-24).sqrt();
        torch.Tensor z = HeldScalars.Subtract(Best, mean) / sigma;
        return GaussianTails.LogH(z).Plus(sigma.log()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (double Value, double MeanDerivative, double VarianceDerivative) EvaluateWithGradient(double mean, double variance)
    {
        double clamped = Math.Max(variance, 1e-24);
        double sigma = Math.Sqrt(clamped);
        double z = (Best - mean) / sigma;
        (double logH, double slope) = ScalarGaussianTails.LogH(z);
        double sigmaDerivative = (1.0 - (slope * z)) / sigma;
        return (logH + Math.Log(sigma), -slope / sigma, variance > 1e-24 ? sigmaDerivative / (2.0 * sigma) : 0.0);
    }
}
