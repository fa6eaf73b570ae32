using System.Globalization;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The definition of one named hyperparameter tensor: its shape and the transform to its unconstrained space.</summary>
/// <remarks>
/// Gradient-based tuning differentiates with respect to the unconstrained values u, so an outer
/// optimizer can step freely: a positive value is e^u, a value in (0, 1) is 1 / (1 + e^−u).
/// </remarks>
public sealed class Hyperparameter
{
    /// <summary>Creates a definition.</summary>
    /// <param name="name">The name, unique in its <see cref="HyperparameterSet"/>; not empty.</param>
    /// <param name="transform">The map to the unconstrained space.</param>
    /// <param name="shape">The shape; empty for a scalar; every dimension at least 1.</param>
    /// <exception cref="ArgumentException">The name is empty or a dimension is below 1.</exception>
    public Hyperparameter(string name, HyperparameterTransform transform, params long[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 1)
            {
                throw new ArgumentException($"Hyperparameter \"{name}\": dimension {i} of the shape is {shape[i]}; every dimension must be at least 1.", nameof(shape));
            }
        }

        if (!Enum.IsDefined(transform))
        {
            throw new ArgumentOutOfRangeException(nameof(transform), transform, $"Hyperparameter \"{name}\": unknown transform.");
        }

        Name = name;
        Transform = transform;
        Shape = [.. shape];
        ElementCount = checked((int)shape.Aggregate(1L, (a, b) => a * b));
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the map to the unconstrained space.</summary>
    public HyperparameterTransform Transform { get; }

    /// <summary>Gets the shape (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Gets the number of elements.</summary>
    public int ElementCount { get; }

    /// <summary>Maps a value to the unconstrained space.</summary>
    /// <param name="value">A value in the transform's domain.</param>
    /// <returns>The unconstrained value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the domain (not finite, not positive for <see cref="HyperparameterTransform.Log"/>, not in (0, 1) for <see cref="HyperparameterTransform.Logit"/>).</exception>
    public double ToUnconstrained(double value) => Transform switch
    {
        HyperparameterTransform.Identity when double.IsFinite(value) => value,
        HyperparameterTransform.Log when double.IsFinite(value) && value > 0 => Math.Log(value),
        HyperparameterTransform.Logit when value is > 0 and < 1 => Math.Log(value / (1 - value)),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, string.Create(CultureInfo.InvariantCulture, $"Hyperparameter \"{Name}\" ({Transform}) expects {Domain()}; got {value}.")),
    };

    /// <summary>Maps an unconstrained value back to the value.</summary>
    /// <param name="unconstrained">The unconstrained value.</param>
    /// <returns>The value.</returns>
    public double FromUnconstrained(double unconstrained) => Transform switch
    {
        HyperparameterTransform.Log => Math.Exp(unconstrained),
        HyperparameterTransform.Logit => 1 / (1 + Math.Exp(-unconstrained)),
        _ => unconstrained,
    };

    /// <summary>d value / d unconstrained at a value: the value for <see cref="HyperparameterTransform.Log"/>, value·(1 − value) for <see cref="HyperparameterTransform.Logit"/>, 1 for <see cref="HyperparameterTransform.Identity"/>.</summary>
    /// <param name="value">The value (not unconstrained).</param>
    /// <returns>The derivative of <see cref="FromUnconstrained"/> there.</returns>
    internal double ValueDerivative(double value) => Transform switch
    {
        HyperparameterTransform.Log => value,
        HyperparameterTransform.Logit => value * (1 - value),
        _ => 1,
    };

    private string Domain() => Transform switch
    {
        HyperparameterTransform.Log => "a finite positive value",
        HyperparameterTransform.Logit => "a value strictly between 0 and 1",
        _ => "a finite value",
    };
}
