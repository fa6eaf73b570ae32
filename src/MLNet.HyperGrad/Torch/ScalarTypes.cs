namespace MLNet.HyperGrad.Torch;

/// <summary>Maps .NET element types to <see cref="ScalarType"/> and back.</summary>
public static class ScalarTypes
{
    /// <summary>The scalar type of a .NET element type.</summary>
    /// <typeparam name="T">float, double, long, int, byte or bool.</typeparam>
    /// <returns>The scalar type.</returns>
    /// <exception cref="NotSupportedException">No tensor type holds <typeparamref name="T"/>.</exception>
    public static ScalarType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return ScalarType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return ScalarType.Float64;
        }

        if (typeof(T) == typeof(long))
        {
            return ScalarType.Int64;
        }

        if (typeof(T) == typeof(int))
        {
            return ScalarType.Int32;
        }

        if (typeof(T) == typeof(byte))
        {
            return ScalarType.Byte;
        }

        if (typeof(T) == typeof(bool))
        {
            return ScalarType.Bool;
        }

        throw new NotSupportedException($"No tensor element type corresponds to {typeof(T).Name}; use float, double, long, int, byte or bool.");
    }

    /// <summary>The size in bytes of one element.</summary>
    /// <param name="type">The scalar type.</param>
    /// <returns>The size.</returns>
    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unsupported scalar type."),
    };

    /// <summary>Whether the type holds floating-point numbers.</summary>
    /// <param name="type">The scalar type.</param>
    /// <returns>True for float32 and float64.</returns>
    public static bool IsFloatingPoint(ScalarType type) => type is ScalarType.Float32 or ScalarType.Float64;
}
