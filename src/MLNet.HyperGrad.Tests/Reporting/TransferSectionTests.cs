using System.Xml.Linq;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Transfer;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class TransferSectionTests
{
    private static ReportData WithTransfer(TransferSummary? transfer) => TypicalStudy() with { Transfer = transfer };

    [Fact]
    public void Render_StudyWithTransferPrior_ListsEachSourceWithItsTrialsFitAndTrust()
    {
        var transfer = new TransferSummary
        {
            Filter = "studies named earlier-*",
            Sources = [new TransferSource("earlier-iris", 12, 0.5), new TransferSource("earlier-wine", 9, 1.2), new TransferSource("earlier-<digits>", 7, 2.5)],
            Rejected = [new RejectedStudy("earlier-few", "2 usable complete trial(s) of 2, at least 5 needed")],
            PriorJson = "{}",
        };

        string html = HtmlReport.Render(WithTransfer(transfer));
        XDocument document = Parse(html);

        XElement section = ById(document, "transfer");
        XElement[] rows = [.. Elements(ById(document, "transfer-sources"), "tr").Skip(1)];
        Assert.Equal(3, rows.Length);
        Assert.Equal(["earlier-iris", "12", "0.500", "high"], rows[0].Elements().Take(4).Select(e => e.Value));
        Assert.Equal(["earlier-wine", "9", "1.200", "some"], rows[1].Elements().Take(4).Select(e => e.Value));
        Assert.Equal(["earlier-<digits>", "7", "2.500", "none: the prior contradicts it"], rows[2].Elements().Take(4).Select(e => e.Value));
        Assert.Contains("3 earlier studies with 28 trials, selected by studies named earlier-*", section.Value, StringComparison.Ordinal);
        Assert.Contains("earlier-few", ById(document, "transfer-rejected").Value, StringComparison.Ordinal);
        Assert.Contains("href=\"#transfer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StoredStudyAttributes_ReachTheReportWithEachSourceAndItsTrust()
    {
        // The path the CLI's report takes: the attributes a meta-tuned study stored, read back by StudyReport.
        var stored = new TransferSummary
        {
            Filter = "studies named src-*",
            Sources = [new TransferSource("src-wine", 20, 1.2), new TransferSource("src-digits", 20, -0.24), new TransferSource("src-iris", 20, 1.9)],
        };
        var study = new StudyRecord
        {
            Id = 1,
            Name = "meta-breast_cancer",
            TaskDescription = "test",
            SearchSpaceJson = "[]",
            Direction = StudyDirection.Minimize,
            CreatedAtUtc = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc),
            Attributes = stored.ToAttributes(),
        };

        ReportData data = StudyReport.Build(study, [], new SearchSpace(), new StudyOutputOptions { Task = TaskKind.Classification });
        XDocument document = Parse(HtmlReport.Render(data));

        XElement[] rows = [.. Elements(ById(document, "transfer-sources"), "tr").Skip(1)];
        Assert.Equal(["src-wine", "20", "1.200", "some"], rows[0].Elements().Take(4).Select(e => e.Value));
        Assert.Equal(["src-digits", "20", "-0.240", "high"], rows[1].Elements().Take(4).Select(e => e.Value));
        Assert.Equal(["src-iris", "20", "1.900", "none: the prior contradicts it"], rows[2].Elements().Take(4).Select(e => e.Value));
        Assert.Contains("3 earlier studies with 60 trials, selected by studies named src-*", ById(document, "transfer").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HedgedTransferStudy_SaysHowManyTrialsAndNewBestsEachTunerProposed()
    {
        // TypicalStudy's accuracies give new bests at trials 2, 4, 7 and 10 (trial 0 is the first, not an improvement). Trial 0 is
        // the start point (no member); then the meta tuner (0) proposes the even trials, the single-task GP (1) the odd ones.
        ReportData typical = TypicalStudy();
        ReportTrial[] trials = [.. typical.Trials.Select(t => t.Number == 0 ? t : t with
        {
            Attributes = new Dictionary<string, double> { [MLNet.HyperGrad.Tuners.PortfolioTuner.MemberAttribute] = t.Number % 2 == 0 ? 0 : 1 },
        })];
        var transfer = new TransferSummary { Filter = "studies named src-*", Sources = [new TransferSource("src-wine", 20, 0.5)] };

        XDocument document = Parse(HtmlReport.Render(typical with { Trials = trials, Transfer = transfer }));

        Assert.Equal(
            "Hedged with the single-task GP tuner (HedgeTransfer): the meta tuner proposed 5 trials (3 new bests), the single-task GP 6 trials (1 new best); "
            + "each trial's proposer was drawn with odds that grow with that tuner's new bests (Exp3), so the more trials the meta tuner got, the more the prior paid off on this task.",
            ById(document, "transfer-hedge").Value);
        Assert.DoesNotContain("transfer-hedge", HtmlReport.Render(WithTransfer(transfer)), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StudyWithoutTransferPrior_HasNoTransferSection()
    {
        string html = HtmlReport.Render(WithTransfer(null));

        Assert.DoesNotContain("id=\"transfer\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#transfer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoSourceRecorded_SaysSoInsteadOfAnEmptyTable()
    {
        var transfer = new TransferSummary { Filter = "every study", Sources = [] };

        XDocument document = Parse(HtmlReport.Render(WithTransfer(transfer)));

        XElement section = ById(document, "transfer");
        Assert.Contains("records no earlier study that formed it (filter: every study)", section.Value, StringComparison.Ordinal);
        Assert.Empty(Elements(section, "table"));
    }

    [Fact]
    public void Render_UnreadableRecordAndUnknownFit_GiveMessages()
    {
        TransferSummary transfer = TransferSummary.FromAttributes(new Dictionary<string, string>
        {
            [TransferSummary.SourcesAttribute] = "[{\"study\":\"only\",\"trials\":5},{\"trials\":3}]",
        })!;

        XDocument document = Parse(HtmlReport.Render(WithTransfer(transfer)));

        string text = ById(document, "transfer").Value;
        Assert.Contains("could not be read in full", text, StringComparison.Ordinal);
        Assert.Contains("1 entry without a study name", text, StringComparison.Ordinal);
        Assert.Contains("One study formed the prior", text, StringComparison.Ordinal);
        Assert.Contains("No study's fit was recorded", text, StringComparison.Ordinal);
        Assert.Equal(["only", "5", "\u2013", "unknown"], Elements(ById(document, "transfer-sources"), "tr").Skip(1).Single().Elements().Take(4).Select(e => e.Value));
    }
}
