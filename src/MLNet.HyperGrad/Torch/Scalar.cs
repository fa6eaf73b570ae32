namespace MLNet.HyperGrad.Torch;

/// <summary>A number passed to libtorch by value: integral (exact 64-bit) or floating.</summary>
/// <remarks>
/// Scalars never become tensors on the managed side, so arithmetic with constants leaks nothing.
/// An integral scalar keeps an int64 tensor int64 (exact arithmetic); a floating one promotes it.
/// </remarks>
public readonly record struct Scalar
{
    private Scalar(double floating, long integral, bool isIntegral)
    {
        FloatingValue = floating;
        IntegralValue = integral;
        IsIntegral = isIntegral;
    }

    /// <summary>Gets the value when floating.</summary>
    public double FloatingValue { get; }

    /// <summary>Gets the value when integral.</summary>
    public long IntegralValue { get; }

    /// <summary>Gets a value indicating whether the scalar is integral.</summary>
    public bool IsIntegral { get; }

    /// <summary>A floating scalar.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(double value) => new(value, 0, false);

    /// <summary>An integral scalar.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(long value) => new(value, value, true);

    /// <summary>An integral scalar.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator Scalar(int value) => new(value, value, true);

    /// <summary>A floating scalar.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromDouble(double value) => value;

    /// <summary>An integral scalar.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scalar.</returns>
    public static Scalar FromInt64(long value) => value;

    internal int Kind => IsIntegral ? 1 : 0;
}
