namespace MLNet.HyperGrad.Reporting;

/// <summary>Tick values that people read easily: multiples of 1, 2 or 5 times a power of ten, and powers of ten on log axes.</summary>
/// <remarks>The step rule is Heckbert's "nice numbers" (Graphics Gems, 1990), rounding the raw step to the nearest nice one.</remarks>
internal static class NiceTicks
{
    /// <summary>The most ticks an axis gets, whatever it asks for.</summary>
    public const int MaxCount = 24;

    /// <summary>Gets the step of the form {1, 2, 5} × 10^k nearest to <paramref name="span"/> / <paramref name="intervals"/> (Heckbert's thresholds 1.5, 3, 7).</summary>
    /// <param name="span">The width of the range to cover; positive and finite.</param>
    /// <param name="intervals">How many intervals are wanted, at least 1.</param>
    /// <param name="mantissa">The leading digit of the step: 1, 2 or 5.</param>
    /// <param name="exponent">The power of ten of the step.</param>
    /// <returns>The step, <paramref name="mantissa"/> × 10^<paramref name="exponent"/>.</returns>
    public static double Step(double span, int intervals, out int mantissa, out int exponent)
    {
        double raw = span / Math.Max(1, intervals);
        exponent = (int)Math.Floor(Math.Log10(raw));
        double fraction = raw / Pow10(exponent);
        (mantissa, exponent) = fraction switch
        {
            < 1.5 => (1, exponent),
            < 3 => (2, exponent),
            < 7 => (5, exponent),
            _ => (1, exponent + 1),
        };
        return Scaled(mantissa, exponent);
    }

    /// <summary>Gets the multiples of a nice step that lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">The lower end; finite.</param>
    /// <param name="max">The upper end; finite and above <paramref name="min"/>.</param>
    /// <param name="targetCount">About how many ticks are wanted (at least 2).</param>
    /// <param name="minimumStep">The smallest step allowed (1 for an axis of counts), or 0.</param>
    /// <param name="step">The step chosen.</param>
    /// <returns>The ticks in increasing order, each computed as an integer times a power of ten so that <c>0.3</c> prints as <c>0.3</c>.</returns>
    public static IReadOnlyList<double> Linear(double min, double max, int targetCount, double minimumStep, out double step)
    {
        int intervals = Math.Clamp(targetCount - 1, 1, MaxCount - 1);
        step = Step(max - min, intervals, out int mantissa, out int exponent);
        while (step < minimumStep)
        {
            step = Step(step * 2.0001, 1, out mantissa, out exponent);
        }

        double first = Math.Ceiling((min / step) - 1e-9);
        double last = Math.Floor((max / step) + 1e-9);
        if (!(last >= first) || last - first > 4 * MaxCount || Math.Abs(first) > 1e15 || Math.Abs(last) > 1e15)
        {
            // The range is too narrow to resolve at this magnitude: label its ends.
            return [min, max];
        }

        var ticks = new List<double>((int)(last - first) + 1);
        for (double k = first; k <= last; k++)
        {
            ticks.Add(Scaled(k * mantissa, exponent));
        }

        return ticks;
    }

    /// <summary>Gets the decades to label on a log10 axis from 10^<paramref name="low"/> to 10^<paramref name="high"/>.</summary>
    /// <param name="low">The lowest exponent on the axis.</param>
    /// <param name="high">The highest exponent on the axis, at least <paramref name="low"/>.</param>
    /// <param name="targetCount">About how many labels fit.</param>
    /// <returns>Exponents in increasing order, every decade or every n-th decade when the axis spans many.</returns>
    public static IReadOnlyList<int> Decades(int low, int high, int targetCount)
    {
        int span = high - low;
        int every = Math.Max(1, (int)Math.Ceiling(span / (double)Math.Max(1, targetCount - 1)));
        int first = (int)Math.Ceiling(low / (double)every) * every;
        var exponents = new List<int>();
        for (int e = first; e <= high; e += every)
        {
            exponents.Add(e);
        }

        return exponents;
    }

    /// <summary>Gets 10^<paramref name="exponent"/> as the nearest double (exact for the decimal literal <c>1e{exponent}</c>).</summary>
    public static double Pow10(int exponent)
        => double.Parse("1e" + exponent.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets <paramref name="integer"/> × 10^<paramref name="exponent"/>, dividing for negative exponents so that the result is the nearest double to the decimal.</summary>
    private static double Scaled(double integer, int exponent)
        => exponent >= 0 || exponent < -300 ? integer * Pow10(exponent) : integer / Pow10(-exponent);
}
