using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// The distinct values of one CSV column and the code of every row's value, kept while the column
/// could still be categorical: up to a cap of distinct values, after which the column is marked
/// overflowed and its codes are released (a categorical column may not have more).
/// </summary>
/// <remarks>
/// Codes are bytes when the cap is at most 255 (the default <see cref="CsvReadOptions.MaxCategories"/>
/// is 100), else ints; a missing cell has code -1. Numeric columns with many distinct values
/// overflow after a few hundred rows, so a numeric file costs almost nothing here.
/// </remarks>
internal sealed class CategoryTracker
{
    private const int MissingByte = byte.MaxValue;

    private readonly Dictionary<string, int> codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly List<string> values = [];
    private readonly int cap;
    private byte[]? smallCodes;
    private int[]? largeCodes;

    /// <summary>Creates a tracker that overflows past <paramref name="cap"/> distinct values.</summary>
    public CategoryTracker(int cap)
    {
        this.cap = cap;
        lookup = codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (cap <= MissingByte)
        {
            smallCodes = new byte[1024];
        }
        else
        {
            largeCodes = new int[1024];
        }
    }

    /// <summary>Gets the distinct values in order of first appearance, indexed by code.</summary>
    public IReadOnlyList<string> Values => values;

    /// <summary>Gets a value indicating whether the column had more distinct values than the cap.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Gets the first value past the cap and its line; null unless <see cref="Overflowed"/>.</summary>
    public (int Line, string Value)? FirstExtra { get; private set; }

    /// <summary>Records row <paramref name="row"/>'s value (rows are added in order, from 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int row, ReadOnlySpan<char> cell, int line)
    {
        if (Overflowed)
        {
            return;
        }

        if (!lookup.TryGetValue(cell, out int code))
        {
            if (values.Count == cap)
            {
                Overflowed = true;
                FirstExtra = (line, cell.ToString());
                smallCodes = null;
                largeCodes = null;
                return;
            }

            code = values.Count;
            string value = cell.ToString();
            codes.Add(value, code);
            values.Add(value);
        }

        Set(row, code);
    }

    /// <summary>Records that row <paramref name="row"/>'s cell is missing.</summary>
    public void AddMissing(int row)
    {
        if (!Overflowed)
        {
            Set(row, -1);
        }
    }

    /// <summary>Gets the code of a row's value, or -1 when it is missing.</summary>
    public int Code(int row)
    {
        if (smallCodes is not null)
        {
            byte b = smallCodes[row];
            return b == MissingByte ? -1 : b;
        }

        return largeCodes![row];
    }

    private void Set(int row, int code)
    {
        if (smallCodes is not null)
        {
            if (row >= smallCodes.Length)
            {
                Array.Resize(ref smallCodes, smallCodes.Length * 2);
            }

            smallCodes[row] = code < 0 ? (byte)MissingByte : (byte)code;
        }
        else
        {
            if (row >= largeCodes!.Length)
            {
                Array.Resize(ref largeCodes, largeCodes.Length * 2);
            }

            largeCodes[row] = code;
        }
    }
}
