using System.Globalization;
using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How CSV cells are read: missing-value tokens and invariant-culture numbers.</summary>
internal static class CsvCells
{
    /// <summary>
    /// Whether a trimmed cell is missing: empty, or one of <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>?</c>,
    /// <c>null</c>, case-insensitive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsMissing(ReadOnlySpan<char> cell) => cell.Length switch
    {
        0 => true,
        1 => cell[0] == '?',
        2 => cell.Equals("NA", StringComparison.OrdinalIgnoreCase),
        3 => cell.Equals("N/A", StringComparison.OrdinalIgnoreCase) || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase),
        4 => cell.Equals("null", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>Reads a trimmed, non-missing cell as a number.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="value">The number rounded to float32 when the result is <see cref="CellKind.Number"/>; otherwise 0.</param>
    /// <returns>What the cell holds.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CellKind Classify(ReadOnlySpan<char> cell, out float value)
    {
        if (TryParseDouble(cell, out double v))
        {
            if (double.IsFinite(v) && Math.Abs(v) <= float.MaxValue)
            {
                value = (float)v;
                return CellKind.Number;
            }

            value = 0;
            return CellKind.NonFinite;
        }

        value = 0;
        return IsInfinityWord(cell) ? CellKind.NonFinite : CellKind.Text;
    }

    /// <summary>Parses a finite number within float32 range, with the invariant culture.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> cell, out double value) =>
        TryParseDouble(cell, out value) && double.IsFinite(value) && Math.Abs(value) <= float.MaxValue;

    /// <summary>The problem with a cell that should be a number and is not, for an error message.</summary>
    public static string NotANumber(ReadOnlySpan<char> cell) =>
        Classify(cell, out _) == CellKind.NonFinite
            ? $"expected a finite number within float32 range (about ±3.4e38), found \"{Excerpt(cell)}\""
            : $"expected a number, found \"{Excerpt(cell)}\"";

    /// <summary>Shortens a cell for an error message.</summary>
    public static string Excerpt(ReadOnlySpan<char> cell) => cell.Length <= 60 ? cell.ToString() : string.Concat(cell[..57], "...");

    private static bool TryParseDouble(ReadOnlySpan<char> cell, out double value) =>
        FastDecimal.TryParse(cell, out value) || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Whether a cell spells an infinity as other tools write it (<c>inf</c>, <c>-inf</c>, <c>+Infinity</c>), case-insensitive.</summary>
    private static bool IsInfinityWord(ReadOnlySpan<char> cell)
    {
        ReadOnlySpan<char> word = cell.Length > 0 && cell[0] is '+' or '-' ? cell[1..] : cell;
        return word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("infinity", StringComparison.OrdinalIgnoreCase);
    }
}
