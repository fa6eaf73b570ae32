namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>The floor map between [0, 1] and the integers min..max, each integer owning one equal-width bin (in log space on a log scale).</summary>
/// <remarks>
/// Linear: k = min + floor(u * n) with n = max - min + 1, and u = 1 gives max. Log: k = floor(exp(ln min +
/// u * (ln(max + 1) - ln min))), so integer k owns [ln k, ln(k + 1)). Encoding returns the centre of
/// the bin, which decodes back to the same integer. Arithmetic is in <see cref="double"/>, so in a range
/// wider than 2^53 not every integer can be reached.
/// </remarks>
internal static class IntegerBins
{
    /// <summary>Validates a definition; messages name the option and the offending values.</summary>
    public static void Validate(string owner, long min, long max, bool logBase, long? defaultValue)
    {
        if (min >= max)
        {
            throw new ArgumentException(FormattableString.Invariant($"{owner}: min ({min}) must be less than max ({max})."), nameof(max));
        }

        if (logBase && min <= 0)
        {
            throw new ArgumentException(FormattableString.Invariant($"{owner}: a log scale needs min > 0, got min = {min} (max = {max})."), nameof(min));
        }

        if (defaultValue is long d && (d < min || d > max))
        {
            throw new ArgumentException(FormattableString.Invariant($"{owner}: defaultValue ({d}) must lie in [min, max] = [{min}, {max}]."), nameof(defaultValue));
        }
    }

    /// <summary>The number of integers in [min, max], or null when it exceeds <see cref="int.MaxValue"/>.</summary>
    public static int? Levels(long min, long max)
    {
        Int128 n = (Int128)max - min + 1;
        return n <= int.MaxValue ? (int)n : null;
    }

    /// <summary>Decodes u in [0, 1] to an integer in [min, max].</summary>
    public static long Sample(long min, long max, bool logBase, double u)
    {
        if (logBase)
        {
            double lo = Math.Log(min);
            double hi = Math.Log((double)max + 1);
            double v = Math.Floor(Math.Exp(lo + (u * (hi - lo))));
            return v <= min ? min : v >= max ? max : (long)v;
        }

        Int128 span = (Int128)max - min;
        double offset = Math.Floor(u * ((double)span + 1));
        Int128 k = offset <= 0 ? 0 : offset >= (double)span ? span : (Int128)offset;
        return (long)((Int128)min + k);
    }

    /// <summary>Encodes an integer in [min, max] as the centre of its bin.</summary>
    public static double ToUnit(long min, long max, bool logBase, long k)
    {
        if (logBase)
        {
            double lo = Math.Log(min);
            double hi = Math.Log((double)max + 1);
            double centre = (Math.Log(k) + Math.Log((double)k + 1)) / 2;
            return Math.Clamp((centre - lo) / (hi - lo), 0.0, 1.0);
        }

        double n = (double)((Int128)max - min) + 1;
        return Math.Clamp(((double)((Int128)k - min) + 0.5) / n, 0.0, 1.0);
    }
}
