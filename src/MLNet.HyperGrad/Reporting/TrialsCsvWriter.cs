using System.Globalization;
using System.Text;
using MLNet.HyperGrad.IO;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Writes trials as CSV, one row per trial, for spreadsheets and pandas.</summary>
/// <remarks>
/// <para>
/// The header is <c>number,state,loss,metric,duration_ms,started_at_utc</c>, then one column per
/// parameter key (the union over all trials: first the selectors of conditional search spaces,
/// <see cref="ReportTrial.Selectors"/> such as <c>pipeline.trainer</c>, then every other key, each group
/// in ordinal order), then one column per attribute key (<see cref="ReportTrial.Attributes"/>, the union over all
/// trials in ordinal order, named <c>attr:</c> and the key, such as <c>attr:test_loss</c>, so that it never
/// collides with a parameter), then <c>error</c>. A trial of a conditional space has blank cells in the columns
/// of the branches it did not choose. The state is the
/// <see cref="Storage.TrialState"/> in lower case (<c>complete</c>, <c>failed</c>, <c>interrupted</c>,
/// <c>pruned</c>, <c>running</c>); <c>error</c> says why a trial failed or what interrupted it. Fields follow
/// RFC 4180: a field holding a comma, a double quote, a carriage return or a line feed is quoted, and
/// quotes inside it are doubled; records end with CRLF.
/// </para>
/// <para>
/// Numbers use the invariant culture and round-trip formatting (<c>0.1</c>, <c>1E-05</c>, <c>NaN</c>);
/// timestamps are ISO 8601 in UTC (<c>2025-01-31T12:00:00.0000000Z</c>); a missing value (a null score,
/// a parameter the trial does not have, no error) is an empty field.
/// </para>
/// </remarks>
public static class TrialsCsvWriter
{
    private const string NewLine = "\r\n";
    private const string AttributePrefix = "attr:";
    private static readonly string[] FixedColumns = ["number", "state", "loss", "metric", "duration_ms", "started_at_utc"];

    /// <summary>Writes the trials to a writer, in the order given.</summary>
    /// <param name="writer">The destination; it is not closed.</param>
    /// <param name="trials">The trials.</param>
    /// <exception cref="ArgumentNullException">An argument is null, or a trial is null.</exception>
    public static void Write(TextWriter writer, IEnumerable<ReportTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trials);
        ReportTrial[] rows = [.. trials];
        if (Array.IndexOf(rows, null) is int index and >= 0)
        {
            throw new ArgumentNullException(nameof(trials), $"trials[{index}] is null.");
        }

        string[] keys = ParameterColumns.Order(rows);
        string[] attributes = AttributeColumns(rows);
        var line = new StringBuilder();
        WriteRecord(writer, line, [.. FixedColumns, .. keys, .. attributes.Select(a => AttributePrefix + a), "error"]);
        foreach (ReportTrial trial in rows)
        {
            var fields = new List<string>(FixedColumns.Length + keys.Length + attributes.Length + 1)
            {
                trial.Number.ToString(CultureInfo.InvariantCulture),
                TrialStateNames.Name(trial.State),
                Number(trial.Loss),
                Number(trial.Metric),
                Number(trial.DurationMilliseconds),
                Timestamp(trial.StartedAtUtc),
            };
            foreach (string key in keys)
            {
                fields.Add(trial.Parameters.TryGetValue(key, out ReportValue? value) ? value.ToString() : string.Empty);
            }

            foreach (string key in attributes)
            {
                fields.Add(trial.Attributes.TryGetValue(key, out double value) ? Number(value) : string.Empty);
            }

            fields.Add(trial.Error ?? string.Empty);
            WriteRecord(writer, line, fields);
        }
    }

    /// <summary>Writes the trials to a UTF-8 file (without a byte-order mark), replacing it if it exists.</summary>
    /// <remarks>The file is written under a temporary name and renamed into place, so a failure or a kill while writing leaves the previous file intact.</remarks>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="trials">The trials.</param>
    /// <exception cref="ArgumentNullException">An argument is null, or a trial is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IEnumerable<ReportTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trials);
        ReportTrial[] rows = [.. trials];
        AtomicFile.WriteText(path, writer => Write(writer, rows));
    }

    /// <summary>Every attribute key of the trials, in ordinal order.</summary>
    internal static string[] AttributeColumns(IEnumerable<ReportTrial> trials)
        => [.. trials.SelectMany(t => t.Attributes.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Quotes a field when RFC 4180 requires it.</summary>
    internal static string Escape(string field)
        => field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Formats a timestamp as ISO 8601 UTC; a local time is converted, an unspecified one is taken as UTC.</summary>
    internal static string Timestamp(DateTime value) => Formatting.AsUtc(value).ToString("O", CultureInfo.InvariantCulture);

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    private static void WriteRecord(TextWriter writer, StringBuilder line, List<string> fields)
    {
        line.Clear();
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Escape(fields[i]));
        }

        line.Append(NewLine);
        writer.Write(line);
    }
}
