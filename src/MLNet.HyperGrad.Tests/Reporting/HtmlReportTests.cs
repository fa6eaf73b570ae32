using System.Globalization;
using System.Xml.Linq;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class HtmlReportTests
{
    [Fact]
    public void Render_TypicalStudy_WholePageAndEverySvgParseAsXml()
    {
        string html = HtmlReport.Render(TypicalStudy());

        XDocument document = Parse(html);
        string[] fragments = [.. SvgFragments(html)];

        Assert.Equal("html", document.Root!.Name.LocalName);
        Assert.True(fragments.Length >= 5, $"expected history, slices and parallel coordinates, found {fragments.Length} SVGs");
        foreach (string fragment in fragments)
        {
            Assert.Equal("svg", XDocument.Parse(fragment).Root!.Name.LocalName);
        }

        AssertFiniteGeometry(document);
    }

    [Fact]
    public void Render_TypicalStudy_IsSelfContained()
    {
        string html = HtmlReport.Render(TypicalStudy());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_History_HasOnePointPerCompleteTrialWithFiniteMetric()
    {
        ReportTrial[] trials =
        [
            Complete(0, 0.5), Complete(1, 0.7), Failed(2, "boom"), Complete(3, double.NaN), Complete(4, 0.6),
            Complete(5, 0.4) with { State = TrialState.Pruned }, Complete(6, 0.9),
        ];

        XElement history = ById(Parse(HtmlReport.Render(Study(trials))), "optimization-history");

        Assert.Equal([0, 1, 4, 6], Elements(history, "circle", "trial-point").Select(e => int.Parse((string)e.Attribute("data-trial")!, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Render_History_BestSoFarLineIsMonotoneAndEndsAtTheBest(bool higherIsBetter)
    {
        XElement history = ById(Parse(HtmlReport.Render(TypicalStudy(higherIsBetter))), "optimization-history");

        (double X, double Y)[] line = Points(Elements(history, "polyline", "best-so-far").Single());
        XElement[] points = [.. Elements(history, "circle", "trial-point")];
        double bestY = higherIsBetter ? points.Min(p => (double)p.Attribute("cy")!) : points.Max(p => (double)p.Attribute("cy")!);

        for (int i = 1; i < line.Length; i++)
        {
            Assert.True(line[i].X >= line[i - 1].X, $"x goes back at vertex {i}");

            // SVG y grows downwards: a rising metric moves the line up.
            Assert.True(higherIsBetter ? line[i].Y <= line[i - 1].Y : line[i].Y >= line[i - 1].Y, $"the line gets worse at vertex {i}");
        }

        Assert.Equal(bestY, line[^1].Y, 1);
        Assert.Equal(points.Max(p => (double)p.Attribute("cx")!), line[^1].X, 1);
        Assert.True(line[0].Y != line[^1].Y, "the line never improved although the metrics do");
    }

    [Fact]
    public void Render_NaNInfiniteAndFailedTrials_AreLeftOutOfChartsButListedInTable()
    {
        ReportTrial[] trials =
        [
            Complete(0, 0.5), Complete(1, 0.7), Complete(2, 0.6),
            Complete(3, double.NaN), Complete(4, double.PositiveInfinity), Failed(5, "CUDA out of memory"),
            Complete(6, 0.8) with { State = TrialState.Running, Metric = null },
        ];

        XDocument document = Parse(HtmlReport.Render(Study(trials)));

        int[] charted = [.. Elements(document, "svg").SelectMany(TrialNumbers).Distinct().Order()];
        Assert.Equal([0, 1, 2], charted);
        XElement table = ById(document, "all-trials");
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Elements(table, "tr").Select(r => (string?)r.Attribute("data-trial")).OfType<string>().Select(int.Parse));
        Assert.Contains("CUDA out of memory", table.Value, StringComparison.Ordinal);
        Assert.Contains("NaN", table.Value, StringComparison.Ordinal);
        AssertFiniteGeometry(document);
    }

    [Fact]
    public void Render_InterruptedAndFailedTrials_AreCountedApartAndLabelledByTheirState()
    {
        ReportTrial[] trials =
        [
            Complete(0, 0.5), Failed(1, "CUDA out of memory"),
            Failed(2, "the time budget ran out") with { State = TrialState.Interrupted },
            Failed(3, "interrupted: a failure whose message only looks like an interruption"),
        ];

        XDocument document = Parse(HtmlReport.Render(Study(trials)));

        Assert.Contains("1 complete, 1 interrupted, 2 failed", document.Root!.Value, StringComparison.Ordinal);
        XElement table = ById(document, "all-trials");
        string[] labels = [.. Elements(table, "span").Select(e => (string?)e.Attribute("class") ?? string.Empty).Where(c => c.StartsWith("state ", StringComparison.Ordinal))];
        Assert.Equal(["state state-complete", "state state-failed", "state state-interrupted", "state state-failed"], labels);
    }

    [Fact]
    public void Render_MarkupInUserStrings_IsEscapedEverywhere()
    {
        ReportTrial trial = Complete(0, 0.9) with
        {
            Parameters = new Dictionary<string, ReportValue> { ["a<b>&\"c'"] = "<script>&", ["x"] = 1.0 },
            ValidationCurve = [0.5, 0.9],
        };
        ReportData data = Study([trial, Complete(1, 0.5) with { Parameters = new Dictionary<string, ReportValue> { ["a<b>&\"c'"] = "ok", ["x"] = 2.0 } }]) with
        {
            Title = "<script>alert(1)</script>",
            MetricName = "R² <&>",
            Notes = ["note <b>bold</b> & more"],
        };

        string html = HtmlReport.Render(data);
        XDocument document = Parse(html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;&amp;", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&gt;&amp;&quot;c&#39;", html, StringComparison.Ordinal);
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "td" && e.Value == "<script>&");
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "title" && e.Value.Contains("a<b>&\"c' = <script>&", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_LogScaleParameter_SliceTicksArePowersOfTen()
    {
        XDocument document = Parse(HtmlReport.Render(TypicalStudy()));

        XElement slice = Elements(document, "svg").Single(s => (string?)s.Attribute("aria-label") == "Slice plot of accuracy against mlp.learning_rate");
        double[] xTicks = [.. Elements(slice, "text", "tick-label")
            .Where(t => (string?)t.Attribute("text-anchor") == "middle")
            .Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture))];

        Assert.True(xTicks.Length >= 2, "a log axis over four decades needs several ticks");
        Assert.All(xTicks, v => Assert.Equal(Math.Round(Math.Log10(v)), Math.Log10(v), 9));
        Assert.Contains("log scale", slice.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ParallelCoordinates_OneLinePerPlottedTrialAndBestHighlighted()
    {
        XElement chart = ById(Parse(HtmlReport.Render(TypicalStudy())), "parallel-coordinates");

        XElement[] lines = [.. Elements(chart, "path", "pc-line")];
        XElement best = Elements(chart, "path", "pc-best").Single();

        Assert.Equal(12, lines.Length);
        Assert.Equal("10", (string?)best.Attribute("data-trial"));
        Assert.Same(lines[^1], best);
    }

    [Fact]
    public void Render_CurvesOnManyTrials_DrawsTheTopFive()
    {
        double[] metrics = [0.5, 0.9, 0.6, 0.8, 0.95, 0.7, 0.85, 0.4];
        ReportTrial[] trials = [.. metrics.Select((m, i) => Complete(i, m, curve: [m / 2, m * 0.9, m]))];

        XElement chart = ById(Parse(HtmlReport.Render(Study(trials))), "learning-curves");

        int[] drawn = [.. Elements(chart, "polyline", "curve").Select(e => int.Parse((string)e.Attribute("data-trial")!, CultureInfo.InvariantCulture))];
        Assert.Equal([4, 1, 6, 3, 5], drawn);
    }

    [Fact]
    public void Render_NoCurves_OmitsLearningCurveSection()
    {
        string html = HtmlReport.Render(TypicalStudy());

        Assert.DoesNotContain("id=\"learning-curves\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#curves\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, new[] { 10, 7, 4, 8, 6 })]
    [InlineData(false, new[] { 5, 1, 11, 0, 3 })]
    public void Render_TopTable_ListsTheFiveBestInOrder(bool higherIsBetter, int[] expected)
    {
        XElement table = ById(Parse(HtmlReport.Render(TypicalStudy(higherIsBetter))), "top-trials");

        Assert.Equal(expected, Elements(table, "tr").Select(r => (string?)r.Attribute("data-trial")).OfType<string>().Select(int.Parse));
    }

    [Fact]
    public void Render_BestTrialNumberGiven_IsUsedInSummary()
    {
        XDocument document = Parse(HtmlReport.Render(TypicalStudy() with { BestTrialNumber = 4 }));

        Assert.Equal("4", (string?)Elements(ById(document, "all-trials"), "tr", "best-row").Single().Attribute("data-trial"));
        Assert.Contains("trial 4", ById(document, "summary").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Path_WritesTheRenderedPage()
    {
        string path = Path.Combine(Path.GetTempPath(), "hg-report-" + Guid.NewGuid().ToString("N") + ".html");
        try
        {
            HtmlReport.Write(path, TypicalStudy());

            Assert.Equal(HtmlReport.Render(TypicalStudy()), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
