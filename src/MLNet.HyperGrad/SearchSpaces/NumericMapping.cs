namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>Reads and checks the values that numeric options encode, turning conversion failures into <see cref="ArgumentException"/>s that name the option.</summary>
internal static class NumericMapping
{
    public static double ReadDouble(Parameter value, OptionBase option, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        try
        {
            return value.AsType<double>();
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"{option} expects a number: {ex.Message}", paramName, ex);
        }
    }

    public static double ReadSingle(Parameter value, OptionBase option, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        try
        {
            return value.AsType<float>();
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"{option} expects a number: {ex.Message}", paramName, ex);
        }
    }

    public static long ReadInteger(Parameter value, OptionBase option, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        try
        {
            return value.AsType<long>();
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"{option} expects an integer: {ex.Message}", paramName, ex);
        }
    }

    public static void CheckInRange(double x, ContinuousScale scale, OptionBase option, string paramName)
    {
        if (!scale.Contains(x))
        {
            throw new ArgumentException(
                $"{option}: value {Parameter.Format(x)} lies outside [{Parameter.Format(scale.Min)}, {Parameter.Format(scale.Max)}].", paramName);
        }
    }

    public static void CheckInRange(long k, long min, long max, OptionBase option, string paramName)
    {
        if (k < min || k > max)
        {
            throw new ArgumentException(FormattableString.Invariant($"{option}: value {k} lies outside [{min}, {max}]."), paramName);
        }
    }
}
