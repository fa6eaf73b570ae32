using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class AtomicReportWriteTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void TrialsCsvWriter_WriteToPath_FailsWhileWriting_PreviousFileIntact()
    {
        string path = directory.Write("trials.csv", "number,state\r\n0,complete\r\n");

        Assert.Throws<InvalidOperationException>(() => TrialsCsvWriter.Write(path, TrialsThenFailure()));

        // Writing in place truncated the file first, so a failure (or a kill) left it empty.
        Assert.Equal("number,state\r\n0,complete\r\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void HtmlReport_WriteToPath_ReplacesTheFileAndLeavesNoTemporary()
    {
        string path = directory.Write("report.html", "old");

        HtmlReport.Write(path, new ReportData { Title = "t" });

        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }

    private static IEnumerable<ReportTrial> TrialsThenFailure()
    {
        yield return new ReportTrial { Number = 0 };
        throw new InvalidOperationException("the trials could not be read");
    }
}
