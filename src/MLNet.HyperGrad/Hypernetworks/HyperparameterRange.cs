using System.Globalization;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>A hyperparameter a hypernetwork takes as input, with the interval of its unconstrained values that training samples from.</summary>
/// <remarks>
/// The bounds are in the unconstrained space of the hyperparameter's <see cref="Hypergradients.HyperparameterTransform"/>: log λ for a
/// log-transformed value (an L2 coefficient of e^-7 is -7), logit for a value in (0, 1). Every element of a tensor-shaped hyperparameter
/// shares the interval. Gradient steps on the hyperparameters are clipped to it.
/// </remarks>
public sealed record HyperparameterRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="name">The hyperparameter's name in the <see cref="Hypergradients.HyperparameterSet"/>.</param>
    /// <param name="min">The smallest unconstrained value, finite.</param>
    /// <param name="max">The largest unconstrained value, finite and above <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException">The name is empty, or the bounds are not finite and increasing.</exception>
    public HyperparameterRange(string name, double min, double max)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!(double.IsFinite(min) && double.IsFinite(max) && min < max))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The range of \"{name}\" must be finite with min < max; got [{min}, {max}]."), nameof(max));
        }

        Name = name;
        Min = min;
        Max = max;
    }

    /// <summary>Gets the hyperparameter's name.</summary>
    public string Name { get; }

    /// <summary>Gets the smallest unconstrained value.</summary>
    public double Min { get; }

    /// <summary>Gets the largest unconstrained value.</summary>
    public double Max { get; }

    /// <summary>Gets the midpoint, (min + max) / 2.</summary>
    public double Center => 0.5 * (Min + Max);

    /// <summary>Gets the half width, (max − min) / 2.</summary>
    public double HalfWidth => 0.5 * (Max - Min);

    /// <summary>Clamps a value into the range.</summary>
    /// <param name="value">An unconstrained value.</param>
    /// <returns>The value, clamped to [min, max].</returns>
    public double Clamp(double value) => Math.Clamp(value, Min, Max);
}
