using System.Globalization;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Invariant-culture formatting of numbers, durations and times for people, and of coordinates for SVG.</summary>
internal static class Formatting
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Formats an SVG coordinate with at most two decimals (<c>12.5</c>, <c>-3</c>).</summary>
    public static string Coordinate(double value)
    {
        double rounded = Math.Round(value, 2);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", Invariant);
    }

    /// <summary>Formats a value for tables and tooltips with six significant digits (<c>0.934211</c>, <c>1.5E-05</c>, <c>NaN</c>).</summary>
    public static string Value(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+\u221E" : "\u2212\u221E";
        }

        double magnitude = Math.Abs(value);
        if (value == 0)
        {
            return "0";
        }

        // Scientific notation in the style of the tick labels (2.5e+6, 1.2e-11) outside [1e-4, 1e6).
        return magnitude >= 1e6 || magnitude < 1e-4
            ? value.ToString("0.#####e+0", Invariant)
            : value.ToString("G6", Invariant);
    }

    /// <summary>Formats an optional value; null is an en dash.</summary>
    public static string Value(double? value) => value is double v ? Value(v) : "\u2013";

    /// <summary>Formats a parameter value for tables and tooltips.</summary>
    public static string Value(ReportValue value) => value.Number is double number ? Value(number) : value.Text!;

    /// <summary>Formats a tick label so that neighbouring ticks <paramref name="step"/> apart read differently.</summary>
    /// <param name="value">The tick value.</param>
    /// <param name="step">The distance between ticks (positive).</param>
    /// <param name="magnitude">The largest absolute value on the axis, which decides between fixed and scientific notation.</param>
    public static string Tick(double value, double step, double magnitude)
    {
        if (Math.Abs(value) < step * 1e-9 || value == 0)
        {
            return "0";
        }

        if (magnitude >= 1e6 || magnitude < 1e-3)
        {
            int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
            int stepExponent = (int)Math.Floor(Math.Log10(step));
            int digits = Math.Clamp(exponent - stepExponent, 0, 6);
            string mantissa = digits == 0 ? "0" : "0." + new string('#', digits);
            return value.ToString(mantissa + "e+0", Invariant);
        }

        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        return value.ToString("F" + decimals.ToString(Invariant), Invariant);
    }

    /// <summary>Formats a power-of-ten tick (<c>0.001</c>, <c>1</c>, <c>1000</c>, <c>1e-6</c>, <c>1e+9</c>).</summary>
    public static string PowerOfTen(int exponent) => exponent switch
    {
        >= -3 and < 0 => "0." + new string('0', -exponent - 1) + "1",
        >= 0 and <= 5 => "1" + new string('0', exponent),
        < 0 => "1e" + exponent.ToString(Invariant),
        _ => "1e+" + exponent.ToString(Invariant),
    };

    /// <summary>Formats a duration for people: <c>850 ms</c>, <c>12.3 s</c>, <c>4 min 03 s</c>, <c>2 h 05 min</c>.</summary>
    public static string Duration(double milliseconds)
    {
        if (!double.IsFinite(milliseconds) || milliseconds < 0)
        {
            return Value(milliseconds);
        }

        if (milliseconds < 1000)
        {
            return Math.Round(milliseconds).ToString("0", Invariant) + " ms";
        }

        double seconds = milliseconds / 1000;
        if (seconds < 60)
        {
            return seconds.ToString("0.0", Invariant) + " s";
        }

        if (seconds < 3600)
        {
            long whole = (long)Math.Round(seconds);
            return (whole / 60).ToString(Invariant) + " min " + (whole % 60).ToString("00", Invariant) + " s";
        }

        double minutes = Math.Round(seconds / 60);
        if (minutes < 60 * 48)
        {
            long whole = (long)minutes;
            return (whole / 60).ToString(Invariant) + " h " + (whole % 60).ToString("00", Invariant) + " min";
        }

        return (seconds / 86400).ToString("0.0", Invariant) + " days";
    }

    /// <summary>Formats an optional duration; null is an en dash.</summary>
    public static string Duration(double? milliseconds) => milliseconds is double ms ? Duration(ms) : "\u2013";

    /// <summary>Formats a UTC time for people: <c>2025-01-31 12:00:05 UTC</c>.</summary>
    public static string Time(DateTime value)
        => AsUtc(value).ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>Treats an unspecified time as UTC and converts a local one.</summary>
    public static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };
}
