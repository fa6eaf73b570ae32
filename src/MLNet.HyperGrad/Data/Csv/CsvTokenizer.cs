using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Splits CSV text into records following RFC 4180, with a configurable delimiter.</summary>
/// <remarks>
/// A field that starts with a double quote is quoted: it may hold delimiters, line breaks and
/// doubled quotes (<c>""</c> for one quote), and must be followed by a delimiter or the end of the
/// line. A quote inside an unquoted field is kept as text. Lines may end in CRLF, LF or CR. Empty
/// lines between records are skipped.
/// </remarks>
internal sealed class CsvTokenizer
{
    private readonly string text;
    private readonly char delimiter;
    private readonly string path;
    private readonly StringBuilder field = new();
    private int position;
    private int line = 1;

    public CsvTokenizer(string text, char delimiter, string path)
    {
        this.text = text;
        this.delimiter = delimiter;
        this.path = path;
    }

    /// <summary>Gets or sets the column names used in error messages, once the header is known.</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>Reads the next record.</summary>
    /// <returns>The record, or null at the end of the text.</returns>
    public CsvRecord? Next()
    {
        while (position < text.Length && text[position] is '\r' or '\n')
        {
            SkipLineEnd();
        }

        if (position >= text.Length)
        {
            return null;
        }

        int start = line;
        var fields = new List<string>();
        while (true)
        {
            fields.Add(position < text.Length && text[position] == '"' ? Quoted(start, fields.Count) : Unquoted());
            if (position < text.Length && text[position] == delimiter)
            {
                position++;
                continue;
            }

            SkipLineEnd();
            return new CsvRecord(start, [.. fields]);
        }
    }

    private string Unquoted()
    {
        int begin = position;
        while (position < text.Length && text[position] != delimiter && text[position] is not ('\r' or '\n'))
        {
            position++;
        }

        return text[begin..position];
    }

    private string Quoted(int recordLine, int fieldIndex)
    {
        int openLine = line;
        int open = position;
        position++;
        field.Clear();
        while (true)
        {
            if (position >= text.Length)
            {
                string excerpt = CsvCells.Excerpt(text[open..]);
                throw new DatasetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"unterminated quoted field: the quote opened on line {openLine} is never closed, found {excerpt}"),
                    path, recordLine, ColumnName(fieldIndex), excerpt);
            }

            char c = text[position];
            if (c == '"')
            {
                if (position + 1 < text.Length && text[position + 1] == '"')
                {
                    field.Append('"');
                    position += 2;
                    continue;
                }

                position++;
                break;
            }

            if (c == '\n' || (c == '\r' && (position + 1 >= text.Length || text[position + 1] != '\n')))
            {
                line++;
            }

            field.Append(c);
            position++;
        }

        if (position < text.Length && text[position] != delimiter && text[position] is not ('\r' or '\n'))
        {
            string value = field.ToString();
            throw new DatasetFormatException(
                $"expected a delimiter or the end of the line after the closing quote of \"{CsvCells.Excerpt(value)}\", found '{text[position]}' (write a quote inside a quoted field as \"\")",
                path, recordLine, ColumnName(fieldIndex), value);
        }

        return field.ToString();
    }

    private void SkipLineEnd()
    {
        if (position < text.Length && text[position] == '\r')
        {
            position++;
            if (position < text.Length && text[position] == '\n')
            {
                position++;
            }

            line++;
        }
        else if (position < text.Length && text[position] == '\n')
        {
            position++;
            line++;
        }
    }

    private string ColumnName(int index) =>
        ColumnNames is { } names && index < names.Count ? names[index] : "col" + index.ToString(CultureInfo.InvariantCulture);
}
