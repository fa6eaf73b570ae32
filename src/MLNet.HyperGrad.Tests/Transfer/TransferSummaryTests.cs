using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class TransferSummaryTests
{
    private static TransferSummary Summary(string? prior = "{\"prior\":1}") => new()
    {
        Filter = "studies named earlier-*",
        Sources = [new TransferSource("earlier-iris", 12, 0.75), new TransferSource("earlier, \"wine\"", 9, double.NaN)],
        Rejected = [new RejectedStudy("earlier-few", "2 usable complete trial(s) of 2, at least 5 needed")],
        PriorJson = prior,
    };

    [Fact]
    public void ToAttributes_ThenFromAttributes_RoundTripsSourcesRejectionsAndPrior()
    {
        TransferSummary summary = Summary();

        TransferSummary read = TransferSummary.FromAttributes(summary.ToAttributes())!;

        Assert.Equal(summary.Filter, read.Filter);
        Assert.Equal(summary.Sources, read.Sources);
        Assert.Equal(summary.Rejected, read.Rejected);
        Assert.Equal(summary.PriorJson, read.PriorJson);
        Assert.Null(read.Problem);
    }

    [Fact]
    public void ToAttributes_PriorTooLarge_LeavesThePriorOut()
    {
        IReadOnlyDictionary<string, string> attributes = Summary(new string('x', TransferSummary.MaxPriorJsonLength + 1)).ToAttributes();

        Assert.False(attributes.ContainsKey(TransferSummary.PriorAttribute));
        Assert.Null(TransferSummary.FromAttributes(attributes)!.PriorJson);
    }

    [Fact]
    public void FromAttributes_StudyWithoutTransfer_IsNull()
    {
        Assert.Null(TransferSummary.FromAttributes(new Dictionary<string, string> { ["seed"] = "0" }));
    }

    [Fact]
    public void FromAttributes_MalformedSources_ReportsTheProblemInsteadOfThrowing()
    {
        TransferSummary read = TransferSummary.FromAttributes(new Dictionary<string, string> { [TransferSummary.SourcesAttribute] = "{not json" })!;

        Assert.Empty(read.Sources);
        Assert.Contains("transfer.sources is not the JSON array expected", read.Problem, StringComparison.Ordinal);
        Assert.Equal("an unrecorded filter", read.Filter);
    }
}
