using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>The columns of a CSV file: named by its header, or <c>col0</c>, <c>col1</c>, … without one.</summary>
internal sealed class CsvHeader
{
    private const int MaxListedColumns = 40;

    public CsvHeader(string path, bool hasHeader, string[] columnNames, int line)
    {
        Path = path;
        HasHeader = hasHeader;
        ColumnNames = columnNames;
        Line = line;
    }

    public string Path { get; }

    public bool HasHeader { get; }

    public string[] ColumnNames { get; }

    /// <summary>Gets the line of the header, or of the first record without one.</summary>
    public int Line { get; }

    /// <summary>Where the expected number of fields comes from, for an error message.</summary>
    public string Source => HasHeader ? "the header" : string.Create(CultureInfo.InvariantCulture, $"the first row (line {Line})");

    /// <summary>Names the columns from the header's trimmed fields; an empty name becomes <c>colN</c>.</summary>
    /// <exception cref="DatasetFormatException">Two columns have the same name.</exception>
    public static string[] NamesFromHeader(IReadOnlyList<string> fields, string path, int line)
    {
        string[] names = new string[fields.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = fields[i].Trim();
            names[i] = name.Length == 0 ? DefaultName(i) : name;
            if (!seen.TryAdd(names[i], i))
            {
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"column names must be distinct, found \"{names[i]}\" at 0-based positions {seen[names[i]]} and {i}"),
                    path, line, names[i], names[i]);
            }
        }

        return names;
    }

    /// <summary>The names of a file without a header: <c>col0</c>, <c>col1</c>, ….</summary>
    public static string[] DefaultNames(int count) => [.. Enumerable.Range(0, count).Select(DefaultName)];

    /// <summary>Finds a column by name, or by 0-based index when the text is an integer that names no column.</summary>
    /// <returns>The index, or -1.</returns>
    public int Find(string nameOrIndex)
    {
        int byName = Array.IndexOf(ColumnNames, nameOrIndex.Trim());
        if (byName >= 0)
        {
            return byName;
        }

        return int.TryParse(nameOrIndex, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0 && index < ColumnNames.Length
            ? index
            : -1;
    }

    /// <summary>Finds a column or throws, listing the columns there are.</summary>
    public int Resolve(string nameOrIndex, string role)
    {
        int index = Find(nameOrIndex);
        if (index < 0)
        {
            throw new DatasetFormatException(
                $"{role} \"{nameOrIndex}\" not found: expected one of the columns {ListColumns()} or a 0-based index below {ColumnNames.Length.ToString(CultureInfo.InvariantCulture)}",
                Path, null, nameOrIndex, nameOrIndex);
        }

        return index;
    }

    /// <summary>Finds a column of a fitted schema: by name with a header, by position without one.</summary>
    /// <exception cref="DatasetFormatException">The column is not there.</exception>
    public int Locate(string name, int sourceIndex, string role)
    {
        int index = HasHeader ? Array.IndexOf(ColumnNames, name) : (sourceIndex < ColumnNames.Length ? sourceIndex : -1);
        if (index < 0)
        {
            string wanted = HasHeader ? $"\"{name}\"" : string.Create(CultureInfo.InvariantCulture, $"\"{name}\" at 0-based position {sourceIndex}");
            throw new DatasetFormatException(
                $"the schema's {role} {wanted} is missing: expected it among the columns {ListColumns()}",
                Path, null, name, null);
        }

        return index;
    }

    /// <summary>The error for a missing cell under <see cref="MissingValuePolicy.Error"/>.</summary>
    public DatasetFormatException MissingValue(int line, int column, ReadOnlySpan<char> cell) =>
        new(
            $"expected a value, found the missing value \"{cell}\"; choose MissingValuePolicy.DropRow or MissingValuePolicy.Impute to accept missing values",
            Path, line, ColumnNames[column], cell.ToString());

    /// <summary>The error for a cell that must be a number and is not.</summary>
    public DatasetFormatException NotANumber(int line, int column, ReadOnlySpan<char> cell) =>
        new(CsvCells.NotANumber(cell), Path, line, ColumnNames[column], cell.ToString());

    /// <summary>The column names, quoted, for an error message.</summary>
    public string ListColumns()
    {
        IEnumerable<string> quoted = ColumnNames.Take(MaxListedColumns).Select(n => "\"" + n + "\"");
        string more = ColumnNames.Length > MaxListedColumns
            ? string.Create(CultureInfo.InvariantCulture, $", … ({ColumnNames.Length} in all)")
            : string.Empty;
        return string.Join(", ", quoted) + more;
    }

    private static string DefaultName(int index) => "col" + index.ToString(CultureInfo.InvariantCulture);
}
