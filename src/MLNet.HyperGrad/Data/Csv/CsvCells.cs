using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How CSV cells are read: missing markers and invariant-culture numbers.</summary>
internal static class CsvCells
{
    private static readonly string[] MissingMarkers = ["NA", "N/A", "NaN", "?", "null"];

    /// <summary>Whether a cell is missing: empty or a missing marker after trimming, case-insensitive.</summary>
    public static bool IsMissing(string cell)
    {
        string t = cell.Trim();
        return t.Length == 0 || MissingMarkers.Any(m => string.Equals(t, m, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses a finite number within float32 range, with the invariant culture.</summary>
    public static bool TryParseNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) &&
        double.IsFinite(value) && Math.Abs(value) <= float.MaxValue;

    /// <summary>Shortens a cell for an error message.</summary>
    public static string Excerpt(string cell) => cell.Length <= 60 ? cell : string.Concat(cell.AsSpan(0, 57), "...");
}
