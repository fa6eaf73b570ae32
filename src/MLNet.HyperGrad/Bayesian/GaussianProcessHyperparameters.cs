using System.Globalization;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The hyperparameters of a <see cref="GaussianProcess"/>: ARD length scales, output scale, noise and constant mean.</summary>
/// <remarks>All in the model's units: inputs in the unit cube, targets standardized (after any warping).</remarks>
public sealed record GaussianProcessHyperparameters
{
    /// <summary>Creates hyperparameters, checking each value.</summary>
    /// <param name="lengthScales">One length scale per input dimension, each positive and finite.</param>
    /// <param name="outputScale">The prior variance of the latent function, positive.</param>
    /// <param name="noiseVariance">The Gaussian observation noise variance, positive.</param>
    /// <param name="mean">The constant prior mean, finite.</param>
    /// <exception cref="ArgumentException">A value is not positive (or not finite), naming it and its value.</exception>
    public GaussianProcessHyperparameters(IReadOnlyList<double> lengthScales, double outputScale, double noiseVariance, double mean)
    {
        ArgumentNullException.ThrowIfNull(lengthScales);
        for (int i = 0; i < lengthScales.Count; i++)
        {
            if (!(lengthScales[i] > 0) || double.IsPositiveInfinity(lengthScales[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Length scale {i} must be positive and finite, got {lengthScales[i]}."), nameof(lengthScales));
            }
        }

        CheckPositive(outputScale, nameof(outputScale));
        CheckPositive(noiseVariance, nameof(noiseVariance));
        if (!double.IsFinite(mean))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The mean must be finite, got {mean}."), nameof(mean));
        }

        LengthScales = [.. lengthScales];
        OutputScale = outputScale;
        NoiseVariance = noiseVariance;
        Mean = mean;
    }

    /// <summary>Gets one length scale per input dimension (unit-cube units).</summary>
    public IReadOnlyList<double> LengthScales { get; }

    /// <summary>Gets the prior variance of the latent function (standardized units).</summary>
    public double OutputScale { get; }

    /// <summary>Gets the observation noise variance (standardized units).</summary>
    public double NoiseVariance { get; }

    /// <summary>Gets the constant prior mean (standardized units).</summary>
    public double Mean { get; }

    /// <summary>The starting point of a fit with nothing to warm-start from: every length scale 1, output scale 1, noise 0.01, mean 0.</summary>
    /// <param name="dimension">The number of input dimensions.</param>
    /// <returns>The hyperparameters.</returns>
    public static GaussianProcessHyperparameters Default(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        return new GaussianProcessHyperparameters(Enumerable.Repeat(1.0, dimension).ToArray(), 1.0, 1e-2, 0.0);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"length scales [{string.Join(", ", LengthScales.Select(l => l.ToString("G4", CultureInfo.InvariantCulture)))}], output scale {OutputScale:G4}, noise {NoiseVariance:G4}, mean {Mean:G4}");

    private static void CheckPositive(double value, string name)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} must be positive and finite, got {value}."), name);
        }
    }
}
