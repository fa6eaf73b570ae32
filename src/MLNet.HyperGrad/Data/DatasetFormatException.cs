using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// A data file (IDX, CSV, a saved schema) does not have the expected format; the message says what
/// must hold, what was found, and where.
/// </summary>
/// <remarks>
/// The message begins with the location, for example
/// <c>data.csv line 214, column "petal_width": expected a number, found "n/a".</c> Lines are 1-based
/// physical lines; for a CSV record that spans several lines it is the line the record starts on.
/// </remarks>
public sealed class DatasetFormatException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public DatasetFormatException()
    {
    }

    /// <summary>Creates an exception with a message and no location.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public DatasetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause, and no location.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public DatasetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message is the location followed by the problem.</summary>
    /// <param name="problem">What must hold and what was found, e.g. <c>expected a number, found "n/a"</c>.</param>
    /// <param name="filePath">The file, or null when the data did not come from a file.</param>
    /// <param name="line">The 1-based line, or null.</param>
    /// <param name="column">The column's name (or index, as text), or null.</param>
    /// <param name="value">The offending value, or null.</param>
    public DatasetFormatException(string problem, string? filePath, int? line, string? column, string? value)
        : this(problem, filePath, line, column, value, null)
    {
    }

    /// <summary>Creates an exception whose message is the location followed by the problem, with its cause.</summary>
    /// <param name="problem">What must hold and what was found.</param>
    /// <param name="filePath">The file, or null when the data did not come from a file.</param>
    /// <param name="line">The 1-based line, or null.</param>
    /// <param name="column">The column's name (or index, as text), or null.</param>
    /// <param name="value">The offending value, or null.</param>
    /// <param name="innerException">The failure that caused this one, or null.</param>
    public DatasetFormatException(string problem, string? filePath, int? line, string? column, string? value, Exception? innerException)
        : base(Compose(problem, filePath, line, column), innerException!)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Value = value;
    }

    /// <summary>Gets the file the problem is in, or null.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line the problem is on, or null.</summary>
    public int? Line { get; }

    /// <summary>Gets the column's name (or 0-based index, as text), or null.</summary>
    public string? Column { get; }

    /// <summary>Gets the offending value as it appears in the file, or null.</summary>
    public string? Value { get; }

    private static string Compose(string problem, string? filePath, int? line, string? column)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var where = new StringBuilder();
        if (filePath is not null)
        {
            where.Append(filePath);
        }

        if (line is int l)
        {
            where.Append(where.Length > 0 ? " " : string.Empty).Append(CultureInfo.InvariantCulture, $"line {l}");
        }

        if (column is not null)
        {
            where.Append(where.Length > 0 ? ", " : string.Empty).Append(CultureInfo.InvariantCulture, $"column \"{column}\"");
        }

        return where.Length == 0 ? problem : $"{where}: {problem}";
    }
}
