using System.Globalization;

namespace MLNet.HyperGrad.Reporting;

/// <summary>The report's fixed colors: a categorical palette for series and sequential ramps for metric and trial order.</summary>
internal static class Palette
{
    /// <summary>The color of plain points and lines.</summary>
    public const string Primary = "#4e79a7";

    /// <summary>The color that marks the best trial.</summary>
    public const string Best = "#d62728";

    /// <summary>The color of the best-so-far line.</summary>
    public const string BestSoFar = "#f28e2b";

    /// <summary>Tableau 10: distinct colors for up to ten series.</summary>
    private static readonly string[] Series =
        ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#e15759"];

    /// <summary>Viridis, cut before its palest yellows so that every color shows on white.</summary>
    private static readonly int[] Viridis =
        [0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b];

    /// <summary>Light to dark blue, for trial order (later trials darker).</summary>
    private static readonly int[] Blues = [0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b];

    /// <summary>Gets the color of series <paramref name="index"/>, cycling after ten.</summary>
    public static string SeriesColor(int index) => Series[((index % Series.Length) + Series.Length) % Series.Length];

    /// <summary>Gets the color of a metric whose goodness is <paramref name="goodness"/>: 1 (the best) is dark purple, 0 (the worst) is green-yellow.</summary>
    public static string Metric(double goodness) => Interpolate(Viridis, 1 - goodness);

    /// <summary>Gets the color of the trial at <paramref name="position"/> in time order: 0 (the first) is light blue, 1 (the last) dark blue.</summary>
    public static string TrialOrder(double position) => Interpolate(Blues, position);

    private static string Interpolate(int[] stops, double t)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        double scaled = t * (stops.Length - 1);
        int i = Math.Min((int)Math.Floor(scaled), stops.Length - 2);
        double f = scaled - i;
        int Channel(int shift) => (int)Math.Round(((stops[i] >> shift) & 0xff) * (1 - f) + (((stops[i + 1] >> shift) & 0xff) * f));
        return "#" + Channel(16).ToString("x2", CultureInfo.InvariantCulture)
            + Channel(8).ToString("x2", CultureInfo.InvariantCulture)
            + Channel(0).ToString("x2", CultureInfo.InvariantCulture);
    }
}
