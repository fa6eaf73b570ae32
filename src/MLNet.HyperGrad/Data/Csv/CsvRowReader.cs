using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using nietras.SeparatedValues;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// Streams the records of a CSV file through Sep: the header, then one data record at a time, each
/// checked for its quotes and its number of fields, with its cells trimmed and unquoted on demand.
/// </summary>
/// <remarks>
/// Sep splits records and fields (any double quote opens or closes a quoted section). This class
/// adds what the reader promises beyond that: a quoted field (a double quote after optional spaces)
/// ends at its closing quote, followed only by spaces, a delimiter or the end of the line, and
/// doubles every quote inside it; an unterminated quote, text after a closing quote and a quote
/// inside an unquoted field are errors naming the line and column. Empty lines are skipped. Line
/// numbers are 1-based physical lines, the line a record starts on.
/// </remarks>
internal sealed class CsvRowReader : IDisposable
{
    private readonly SepReader reader;
    private readonly StreamReader text;
    private readonly string path;
    private char[] scratch = new char[256];
    private int[] cellStart = [];
    private int[] cellLength = [];
    private bool quoted;
    private bool pending;
    private CsvHeader? header;

    private CsvRowReader(SepReader reader, StreamReader text, string path, long recordsUpperBound)
    {
        this.reader = reader;
        this.text = text;
        this.path = path;
        RecordsUpperBound = recordsUpperBound;
    }

    /// <summary>Gets the columns.</summary>
    public CsvHeader Header => header!;

    /// <summary>Gets an upper bound on the data records, from the file's line breaks.</summary>
    public long RecordsUpperBound { get; }

    /// <summary>Gets the line the current record starts on.</summary>
    public int Line { get; private set; }

    /// <summary>Gets the number of data records read so far.</summary>
    public int DataRecords { get; private set; }

    /// <summary>Opens a file and reads its header (or, without one, its first record to count the columns).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">The file is empty or its first record is malformed.</exception>
    public static CsvRowReader Open(string path, CsvReadOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CSV file \"{path}\" does not exist.", path);
        }

        long records = CsvLineCounter.CountLineBreaks(path) + 1 - (options.HasHeader ? 1 : 0);
        var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
        CsvRowReader? rows = null;
        try
        {
            SepReader sep = Sep.New(options.Delimiter)
                .Reader(o => o with { HasHeader = false, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(text);
            rows = new CsvRowReader(sep, text, path, records);
            rows.ReadHeader(options.HasHeader);
            return rows;
        }
        catch
        {
            if (rows is null)
            {
                text.Dispose();
            }
            else
            {
                rows.Dispose();
            }

            throw;
        }
    }

    /// <summary>Advances to the next data record.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="DatasetFormatException">The record's quotes are malformed or it has the wrong number of fields.</exception>
    public bool MoveNext()
    {
        if (pending)
        {
            pending = false;
            DataRecords++;
            return true;
        }

        if (!NextRecord())
        {
            return false;
        }

        int fields = reader.Current.ColCount;
        if (fields != Header.ColumnNames.Length)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected {Header.ColumnNames.Length} fields as in {Header.Source}, found {fields}"),
                path, Line, null, null);
        }

        DataRecords++;
        return true;
    }

    /// <summary>Gets a cell of the current record, unquoted and trimmed of white space; valid until the next <see cref="MoveNext"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<char> Cell(int column) =>
        quoted && cellStart[column] >= 0
            ? scratch.AsSpan(cellStart[column], cellLength[column])
            : reader.Current[column].Span.Trim();

    /// <summary>The error for a file with a header and no data record.</summary>
    public DatasetFormatException NoDataRows() =>
        new("the file has a header but no data rows: expected at least one data row after the header", path, Header.Line, null, null);

    public void Dispose()
    {
        reader.Dispose();
        text.Dispose();
    }

    private void ReadHeader(bool hasHeader)
    {
        if (!NextRecord())
        {
            throw new DatasetFormatException(
                hasHeader ? "the file is empty: expected a header line and at least one data row" : "the file is empty: expected at least one data row",
                path, null, null, null);
        }

        int count = reader.Current.ColCount;
        if (hasHeader)
        {
            string[] fields = new string[count];
            for (int i = 0; i < count; i++)
            {
                fields[i] = Cell(i).ToString();
            }

            header = new CsvHeader(path, true, CsvHeader.NamesFromHeader(fields, path, Line), Line);
        }
        else
        {
            header = new CsvHeader(path, false, CsvHeader.DefaultNames(count), Line);
            pending = true;
        }
    }

    /// <summary>Advances Sep to the next non-empty record and checks its quotes.</summary>
    private bool NextRecord()
    {
        while (reader.MoveNext())
        {
            SepReader.Row row = reader.Current;
            ReadOnlySpan<char> span = row.Span;
            if (span.Length == 0)
            {
                continue;
            }

            // Sep 0.18 reports the first row's end line as its start; the first row starts on line 1.
            Line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            quoted = span.Contains('"');
            if (quoted)
            {
                Unquote(row);
            }

            return true;
        }

        return false;
    }

    private void Unquote(SepReader.Row row)
    {
        int count = row.ColCount;
        if (cellStart.Length < count)
        {
            cellStart = new int[count];
            cellLength = new int[count];
        }

        int used = 0;
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<char> raw = row[i].Span;
            ReadOnlySpan<char> field = raw.Trim();
            cellStart[i] = -1;
            if (field.Length > 0 && field[0] == '"')
            {
                int quoteAt = offset + (raw.Length - raw.TrimStart().Length);
                used = UnquoteField(row, i, field, quoteAt, used);
            }
            else if (field.Contains('"'))
            {
                // Sep took the quote as opening a quoted section, so the field may run on over later lines: show its first.
                int lineEnd = field.IndexOfAny('\r', '\n');
                ReadOnlySpan<char> shown = lineEnd < 0 ? field : field[..lineEnd];
                throw new DatasetFormatException(
                    $"expected a double quote only at the start of a quoted field, found one inside the unquoted field \"{CsvCells.Excerpt(shown)}\"; quote the whole field and double the quotes inside it",
                    path, Line, ColumnName(i), shown.ToString());
            }

            offset += raw.Length + 1;
        }
    }

    /// <summary>Unquotes one field into the scratch buffer from <paramref name="used"/> on.</summary>
    /// <returns>The end of the used part of the scratch buffer.</returns>
    private int UnquoteField(SepReader.Row row, int column, ReadOnlySpan<char> field, int quoteAt, int used)
    {
        if (scratch.Length < used + field.Length)
        {
            Array.Resize(ref scratch, Math.Max(scratch.Length * 2, used + field.Length));
        }

        int write = used;
        int k = 1;
        while (true)
        {
            if (k >= field.Length)
            {
                int openLine = Line + LineBreaks(row.Span[..quoteAt]);
                string excerpt = CsvCells.Excerpt(row.Span[quoteAt..]);
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"unterminated quoted field: the quote opened on line {openLine} is never closed, found {excerpt}"),
                    path, Line, ColumnName(column), excerpt);
            }

            char c = field[k];
            if (c == '"')
            {
                if (k + 1 < field.Length && field[k + 1] == '"')
                {
                    scratch[write++] = '"';
                    k += 2;
                    continue;
                }

                k++;
                break;
            }

            scratch[write++] = c;
            k++;
        }

        if (k < field.Length)
        {
            string value = new(scratch, used, write - used);
            throw new DatasetFormatException(
                $"expected a delimiter or the end of the line after the closing quote of \"{CsvCells.Excerpt(value)}\", found '{field[k]}' (write a quote inside a quoted field as \"\")",
                path, Line, ColumnName(column), value);
        }

        ReadOnlySpan<char> unquoted = scratch.AsSpan(used, write - used);
        ReadOnlySpan<char> trimmed = unquoted.Trim();
        cellStart[column] = used + (unquoted.Length - unquoted.TrimStart().Length);
        cellLength[column] = trimmed.Length;
        return write;
    }

    private string ColumnName(int index) =>
        header is { } h && index < h.ColumnNames.Length ? h.ColumnNames[index] : "col" + index.ToString(CultureInfo.InvariantCulture);

    private static int LineBreaks(ReadOnlySpan<char> span)
    {
        int breaks = 0;
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] == '\n' || (span[i] == '\r' && (i + 1 >= span.Length || span[i + 1] != '\n')))
            {
                breaks++;
            }
        }

        return breaks;
    }
}
