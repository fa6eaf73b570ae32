using System.Text;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class TrialsCsvWriterTests
{
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Write_ParameterKeysDifferAcrossTrials_HeaderIsOrdinalUnionAndMissingCellsAreEmpty()
    {
        ReportTrial[] trials =
        [
            new() { Number = 0, StartedAtUtc = Noon, Parameters = new Dictionary<string, ReportValue> { ["b"] = 2.0, ["a"] = "x" } },
            new() { Number = 1, StartedAtUtc = Noon, Parameters = new Dictionary<string, ReportValue> { ["c"] = 3.0, ["B"] = "y" } },
        ];

        string[][] rows = ParseCsv(WriteToString(trials));

        Assert.Equal(["number", "state", "loss", "metric", "duration_ms", "started_at_utc", "B", "a", "b", "c", "error"], rows[0]);
        Assert.Equal(["0", "complete", "", "", "", "2025-01-31T12:00:00.0000000Z", "", "x", "2", "", ""], rows[1]);
        Assert.Equal(["1", "complete", "", "", "", "2025-01-31T12:00:00.0000000Z", "y", "", "", "3", ""], rows[2]);
        Assert.Equal(3, rows.Length);
    }

    [Fact]
    public void Write_AttributesDifferAcrossTrials_OneSortedColumnPerKeyBeforeError()
    {
        ReportTrial[] trials =
        [
            new()
            {
                Number = 0,
                StartedAtUtc = Noon,
                Parameters = new Dictionary<string, ReportValue> { ["test_loss"] = 9.0 },
                Attributes = new Dictionary<string, double> { ["test_loss"] = 0.4375, ["a_gap"] = double.NaN },
            },
            new() { Number = 1, StartedAtUtc = Noon, Attributes = new Dictionary<string, double> { ["train_loss"] = 0.1 }, Error = "e" },
            new() { Number = 2, StartedAtUtc = Noon },
        ];

        string[][] rows = ParseCsv(WriteToString(trials));

        Assert.Equal(["number", "state", "loss", "metric", "duration_ms", "started_at_utc", "test_loss", "attr:a_gap", "attr:test_loss", "attr:train_loss", "error"], rows[0]);
        Assert.Equal(["9", "NaN", "0.4375", "", ""], rows[1][6..]);
        Assert.Equal(["", "", "", "0.1", "e"], rows[2][6..]);
        Assert.Equal(["", "", "", "", ""], rows[3][6..]);
    }

    [Fact]
    public void Write_FieldsWithCommasQuotesAndNewlines_AreQuotedAndRoundTrip()
    {
        const string Value = "x,\"y\"\nz";
        const string Error = "boom, \"bad\"\r\nsecond line";
        ReportTrial trial = new()
        {
            Number = 7,
            State = TrialState.Failed,
            StartedAtUtc = Noon,
            Parameters = new Dictionary<string, ReportValue> { ["name,with \"quote\""] = Value },
            Error = Error,
        };

        string text = WriteToString([trial]);
        string[][] rows = ParseCsv(text);

        Assert.Contains("\"x,\"\"y\"\"\nz\"", text, StringComparison.Ordinal);
        Assert.Contains("\"name,with \"\"quote\"\"\"", text, StringComparison.Ordinal);
        Assert.Equal("name,with \"quote\"", rows[0][6]);
        Assert.Equal(Value, rows[1][6]);
        Assert.Equal(Error, rows[1][7]);
    }

    [Theory]
    [InlineData(TrialState.Complete, "complete")]
    [InlineData(TrialState.Failed, "failed")]
    [InlineData(TrialState.Interrupted, "interrupted")]
    [InlineData(TrialState.Pruned, "pruned")]
    [InlineData(TrialState.Running, "running")]
    public void Write_EachState_StateColumnIsItsNameWhateverTheError(TrialState state, string expected)
    {
        ReportTrial trial = new() { Number = 3, State = state, StartedAtUtc = Noon, Error = "interrupted: not a state" };

        string[][] rows = ParseCsv(WriteToString([trial]));

        Assert.Equal(expected, rows[1][1]);
        Assert.Equal("interrupted: not a state", rows[1][^1]);
    }

    [Fact]
    public void Write_PlainFields_AreNotQuotedAndRecordsEndWithCrLf()
    {
        string text = WriteToString([new ReportTrial { Number = 1, StartedAtUtc = Noon, Parameters = new Dictionary<string, ReportValue> { ["k"] = "plain value" } }]);

        Assert.DoesNotContain("\"", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Write_Doubles_UseInvariantRoundTripFormat()
    {
        double loss = 0.1 + 0.2;
        ReportTrial trial = new()
        {
            Number = 3,
            Loss = loss,
            Metric = 1e-5,
            DurationMilliseconds = double.NaN,
            StartedAtUtc = Noon,
            Parameters = new Dictionary<string, ReportValue> { ["lr"] = 1.0 / 3 },
        };

        string[] row = ParseCsv(WriteToString([trial]))[1];

        Assert.Equal("0.30000000000000004", row[2]);
        Assert.Equal(loss, double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1e-5, double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("NaN", row[4]);
        Assert.Equal(1.0 / 3, double.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Write_Timestamps_AreIso8601Utc()
    {
        var unspecified = new DateTime(2025, 1, 31, 12, 0, 0, DateTimeKind.Unspecified);
        var withTicks = new DateTime(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567);

        string[][] rows = ParseCsv(WriteToString([new ReportTrial { Number = 0, StartedAtUtc = unspecified }, new ReportTrial { Number = 1, StartedAtUtc = withTicks }]));

        Assert.Equal("2025-01-31T12:00:00.0000000Z", rows[1][5]);
        Assert.Equal("2025-01-31T12:00:00.1234567Z", rows[2][5]);
    }

    [Fact]
    public void Write_Path_WritesUtf8WithoutByteOrderMark()
    {
        string path = Path.Combine(Path.GetTempPath(), "hg-report-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            TrialsCsvWriter.Write(path, [new ReportTrial { Number = 0, StartedAtUtc = Noon, Parameters = new Dictionary<string, ReportValue> { ["metric"] = "R²" } }]);

            byte[] bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]);
            Assert.Contains("R²", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_NullTrial_ThrowsNamingItsPosition()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => TrialsCsvWriter.Write(new StringWriter(), [new ReportTrial { Number = 0 }, null!]));

        Assert.Contains("trials[1]", ex.Message, StringComparison.Ordinal);
    }

    private static string WriteToString(IEnumerable<ReportTrial> trials)
    {
        using var writer = new StringWriter();
        TrialsCsvWriter.Write(writer, trials);
        return writer.ToString();
    }

    /// <summary>A strict RFC 4180 reader: CRLF between records, quoted fields may hold anything.</summary>
    private static string[][] ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }
            }

            if (i < text.Length && text[i] == ',')
            {
                row.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i += 2;
            }
            else if (i < text.Length)
            {
                Assert.NotEqual('\n', text[i]);
                field.Append(text[i++]);
            }
        }

        Assert.Empty(row);
        return [.. rows];
    }
}
