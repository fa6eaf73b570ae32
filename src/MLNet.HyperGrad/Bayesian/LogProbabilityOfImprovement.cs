using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The logarithm of the probability of improving on the best observed value by a margin (log PI).</summary>
/// <remarks>
/// <c>PI(x) = Φ((best - ξ - μ)/σ)</c> (Kushner 1964), in log space through <c>erfcx</c> below zero so that it stays
/// finite far in the tail. The margin <c>ξ</c> (standardized units) keeps PI from only polishing the incumbent.
/// </remarks>
public sealed class LogProbabilityOfImprovement : IAcquisitionFunction
{
    /// <summary>Creates the acquisition.</summary>
    /// <param name="best">The best (smallest) observed loss, in the posterior's units.</param>
    /// <param name="margin">The improvement required, ξ ≥ 0, in the posterior's units; 0.01 by default.</param>
    /// <exception cref="ArgumentException"><paramref name="best"/> is not finite, or <paramref name="margin"/> is negative or not finite.</exception>
    public LogProbabilityOfImprovement(double best, double margin = 0.01)
    {
        if (!double.IsFinite(best))
        {
            throw new ArgumentException($"The best observed value must be finite, got {best}.", nameof(best));
        }

        if (!(margin >= 0) || !double.IsFinite(margin))
        {
            throw new ArgumentException($"The margin must be finite and at least 0, got {margin}.", nameof(margin));
        }

        Best = best;
        Margin = margin;
    }

    /// <summary>Gets the best observed loss.</summary>
    public double Best { get; }

    /// <summary>Gets the required improvement ξ.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public string Name => "log-pi";

    /// <inheritdoc />
    public torch.Tensor Evaluate(torch.Tensor mean, torch.Tensor variance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        using var scope = torch.NewDisposeScope();
        torch.Tensor z = HeldScalars.Subtract(Best - Margin, mean) / variance.ClampMinimum(1e-24).sqrt();
        return GaussianTails.LogNormalCdf(z).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (double Value, double MeanDerivative, double VarianceDerivative) EvaluateWithGradient(double mean, double variance)
    {
        double sigma = Math.Sqrt(Math.Max(variance, 1e-24));
        double z = (Best - Margin - mean) / sigma;
        (double value, double slope) = ScalarGaussianTails.LogNormalCdf(z);
        return (value, -slope / sigma, variance > 1e-24 ? -slope * z / (2.0 * sigma * sigma) : 0.0);
    }
}
