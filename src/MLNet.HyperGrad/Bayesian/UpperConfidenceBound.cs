using System.Globalization;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The confidence bound for minimization, negated so that larger is better: <c>-(μ - √β·σ)</c> (GP-UCB).</summary>
/// <remarks>
/// Srinivas, Krause, Kakade, Seeger (2010). <see cref="ScheduledBeta"/> gives the schedule the tuner uses:
/// <c>β_t = 0.2 · 2 log(d t² π² / (6 δ))</c> with <c>δ = 0.1</c>, the theoretical rate scaled by 0.2 as Kandasamy
/// et al. (2017) do, because the unscaled value explores far too much in practice.
/// </remarks>
public sealed class UpperConfidenceBound : IAcquisitionFunction
{
    /// <summary>Creates the acquisition.</summary>
    /// <param name="beta">The exploration weight β ≥ 0.</param>
    /// <exception cref="ArgumentException"><paramref name="beta"/> is negative or not finite.</exception>
    public UpperConfidenceBound(double beta)
    {
        if (!(beta >= 0) || !double.IsFinite(beta))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Beta must be finite and at least 0, got {beta}."), nameof(beta));
        }

        Beta = beta;
    }

    /// <summary>Gets the exploration weight β.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public string Name => "ucb";

    /// <summary>The scheduled β after <paramref name="observations"/> observations in <paramref name="dimension"/> dimensions.</summary>
    /// <param name="dimension">The input dimension d ≥ 1.</param>
    /// <param name="observations">The number of observations t ≥ 1.</param>
    /// <returns><c>0.2 · 2 log(d t² π² / 0.6)</c>.</returns>
    public static double ScheduledBeta(int dimension, int observations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(observations, 1);
        return 0.2 * 2 * Math.Log(dimension * (double)observations * observations * Math.PI * Math.PI / (6 * 0.1));
    }

    /// <inheritdoc />
    public torch.Tensor Evaluate(torch.Tensor mean, torch.Tensor variance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        using var scope = torch.NewDisposeScope();
        return (variance.ClampMinimum(1e-24).sqrt().Times(Math.Sqrt(Beta)) - mean).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (double Value, double MeanDerivative, double VarianceDerivative) EvaluateWithGradient(double mean, double variance)
    {
        double sigma = Math.Sqrt(Math.Max(variance, 1e-24));
        return ((Math.Sqrt(Beta) * sigma) - mean, -1.0, variance > 1e-24 ? Math.Sqrt(Beta) / (2.0 * sigma) : 0.0);
    }
}
