using System.Xml.Linq;
using MLNet.HyperGrad.Reporting;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>Odd studies render without throwing, as well-formed pages with finite geometry.</summary>
public sealed class HtmlReportEdgeCaseTests
{
    [Fact]
    public void Render_NoTrials_SaysSoWithoutCharts()
    {
        XDocument document = RenderChecked(new ReportData());

        Assert.Empty(Elements(document, "svg"));
        Assert.Contains("The study has no trials.", document.Root!.Value, StringComparison.Ordinal);
        Assert.Contains("no complete trial", ById(document, "summary").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OneTrial_DrawsOnePointAndNoStepLine()
    {
        XDocument document = RenderChecked(Study([Complete(0, 0.8, curve: [0.8])]));

        XElement history = ById(document, "optimization-history");
        Assert.Single(Elements(history, "circle", "trial-point"));
        Assert.Empty(Elements(history, "polyline", "best-so-far"));
        Assert.Single(Elements(ById(document, "learning-curves"), "circle", "curve-point"));
    }

    [Fact]
    public void Render_AllFailed_ListsThemWithoutCharts()
    {
        XDocument document = RenderChecked(Study([Failed(0, "first"), Failed(1, "second")]));

        Assert.Empty(Elements(document, "svg"));
        Assert.Equal(2, Elements(ById(document, "all-trials"), "tr").Count(r => r.Attribute("data-trial") is not null));
        Assert.Contains("second", ById(document, "all-trials").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ParameterConstantAcrossTrials_DrawsItInRange()
    {
        ReportTrial[] trials = [.. Enumerable.Range(0, 5).Select(i => Complete(i, 0.5 + (i * 0.1), learningRate: 0.01, width: 0, activation: "relu"))];

        XDocument document = RenderChecked(Study(trials));

        XElement slice = Elements(document, "svg").Single(s => (string?)s.Attribute("aria-label") == "Slice plot of accuracy against mlp.width");
        XElement background = Elements(slice, "rect", "plot-bg").Single();
        double left = (double)background.Attribute("x")!;
        double right = left + (double)background.Attribute("width")!;
        Assert.All(Elements(slice, "circle", "slice-point"), c => Assert.InRange((double)c.Attribute("cx")!, left + 1, right - 1));
    }

    [Fact]
    public void Render_AllMetricsEqual_DrawsFiniteCharts()
        => RenderChecked(Study([.. Enumerable.Range(0, 4).Select(i => Complete(i, 0.75, learningRate: 1e-3 * (i + 1)))]));

    [Fact]
    public void Render_HugeAndTinyValues_DrawsFiniteCharts()
    {
        ReportTrial[] trials =
        [
            Complete(0, 1e300, learningRate: 5e-324, width: double.MaxValue),
            Complete(1, -1e300, learningRate: 1e300, width: -double.MaxValue),
            Complete(2, 1e-300, learningRate: 1e-300, width: 1e-300, curve: [1e300, -1e300, double.NaN, 1]),
            Complete(3, double.MaxValue, learningRate: 1, width: 0, curve: [double.MaxValue, double.MinValue]),
        ];

        RenderChecked(Study(trials));
    }

    [Fact]
    public void Render_LogParameterWithNonPositiveValues_FallsBackToLinearAndSaysSo()
    {
        XDocument document = RenderChecked(Study([Complete(0, 0.5, learningRate: 0), Complete(1, 0.6, learningRate: -1), Complete(2, 0.7, learningRate: 0.1)]));

        XElement slice = Elements(document, "svg").Single(s => (string?)s.Attribute("aria-label") == "Slice plot of accuracy against mlp.learning_rate");
        Assert.Contains("linear scale", slice.Value, StringComparison.Ordinal);
        Assert.Equal(3, Elements(slice, "circle", "slice-point").Count());
    }

    [Fact]
    public void Render_ManyLongCategoriesAndMissingParameters_DrawsThem()
    {
        ReportTrial[] trials = [.. Enumerable.Range(0, 40).Select(i => Complete(i, i / 40.0, activation: "a-very-long-activation-name-number-" + i)
            with { Parameters = i % 2 == 0
                ? new Dictionary<string, ReportValue> { ["mlp.activation"] = "a-very-long-activation-name-number-" + i, ["only.even"] = i }
                : new Dictionary<string, ReportValue> { ["mlp.activation"] = "a-very-long-activation-name-number-" + i } })];

        XDocument document = RenderChecked(Study(trials));

        XElement parallel = ById(document, "parallel-coordinates");
        Assert.Equal(40, Elements(parallel, "path", "pc-line").Count());
        Assert.Equal(20, Elements(Elements(document, "svg").Single(s => (string?)s.Attribute("aria-label") == "Slice plot of accuracy against only.even"), "circle", "slice-point").Count());
    }

    [Fact]
    public void Render_MixedNumberAndTextValues_TreatsParameterAsCategorical()
    {
        ReportTrial[] trials =
        [
            Complete(0, 0.5) with { Parameters = new Dictionary<string, ReportValue> { ["depth"] = 3 } },
            Complete(1, 0.6) with { Parameters = new Dictionary<string, ReportValue> { ["depth"] = "auto" } },
        ];

        XDocument document = RenderChecked(Study(trials));

        string[] labels = [.. Elements(Elements(document, "svg").Single(s => (string?)s.Attribute("aria-label") == "Slice plot of accuracy against depth"), "text", "tick-label")
            .Where(t => (string?)t.Attribute("text-anchor") == "middle").Select(t => t.Value)];
        Assert.Equal(["3", "auto"], labels);
    }

    [Fact]
    public void Render_ControlCharactersAndLoneSurrogates_StayWellFormed()
    {
        ReportTrial trial = Failed(0, "ansi \u001b[31mred\u001b[0m, nul \0, lone \uD800 end");

        XDocument document = RenderChecked(Study([trial, Complete(1, 0.5)]));

        Assert.Contains("ansi \uFFFD[31mred", ById(document, "all-trials").Value, StringComparison.Ordinal);
    }

    private static XDocument RenderChecked(ReportData data)
    {
        XDocument document = Parse(HtmlReport.Render(data));
        AssertFiniteGeometry(document);
        return document;
    }
}
