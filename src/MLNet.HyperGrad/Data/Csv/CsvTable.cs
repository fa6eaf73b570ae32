using System.Globalization;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>A CSV file split into named columns and records, each with the same number of fields.</summary>
internal sealed class CsvTable
{
    private const int MaxListedColumns = 40;

    private CsvTable(string path, bool hasHeader, string[] columnNames, List<CsvRecord> records)
    {
        Path = path;
        HasHeader = hasHeader;
        ColumnNames = columnNames;
        Records = records;
    }

    public string Path { get; }

    public bool HasHeader { get; }

    public string[] ColumnNames { get; }

    public List<CsvRecord> Records { get; }

    /// <summary>Reads and tokenizes a file, checking the header and the number of fields in every record.</summary>
    public static CsvTable Load(string path, CsvReadOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CSV file \"{path}\" does not exist.", path);
        }

        var tokenizer = new CsvTokenizer(File.ReadAllText(path), options.Delimiter, path);
        CsvRecord first = tokenizer.Next() ?? throw new DatasetFormatException(
            options.HasHeader ? "the file is empty: expected a header line and at least one data row" : "the file is empty: expected at least one data row",
            path, null, null, null);

        string[] names = options.HasHeader ? HeaderNames(first, path) : DefaultNames(first.Fields.Length);
        tokenizer.ColumnNames = names;
        string source = options.HasHeader ? "the header" : string.Create(CultureInfo.InvariantCulture, $"the first row (line {first.Line})");
        var records = new List<CsvRecord>();
        if (!options.HasHeader)
        {
            records.Add(first);
        }

        while (tokenizer.Next() is { } record)
        {
            if (record.Fields.Length != names.Length)
            {
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"expected {names.Length} fields as in {source}, found {record.Fields.Length}"),
                    path, record.Line, null, null);
            }

            records.Add(record);
        }

        if (records.Count == 0)
        {
            throw new DatasetFormatException("the file has a header but no data rows: expected at least one data row after the header", path, first.Line, null, null);
        }

        return new CsvTable(path, options.HasHeader, names, records);
    }

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

    /// <summary>The column names, quoted, for an error message.</summary>
    public string ListColumns()
    {
        IEnumerable<string> quoted = ColumnNames.Take(MaxListedColumns).Select(n => "\"" + n + "\"");
        string more = ColumnNames.Length > MaxListedColumns
            ? string.Create(CultureInfo.InvariantCulture, $", … ({ColumnNames.Length} in all)")
            : string.Empty;
        return string.Join(", ", quoted) + more;
    }

    private static string[] DefaultNames(int count) =>
        [.. Enumerable.Range(0, count).Select(i => "col" + i.ToString(CultureInfo.InvariantCulture))];

    private static string[] HeaderNames(CsvRecord header, string path)
    {
        string[] names = new string[header.Fields.Length];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = header.Fields[i].Trim();
            names[i] = name.Length == 0 ? "col" + i.ToString(CultureInfo.InvariantCulture) : name;
            if (!seen.TryAdd(names[i], i))
            {
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"column names must be distinct, found \"{names[i]}\" at 0-based positions {seen[names[i]]} and {i}"),
                    path, header.Line, names[i], names[i]);
            }
        }

        return names;
    }
}
