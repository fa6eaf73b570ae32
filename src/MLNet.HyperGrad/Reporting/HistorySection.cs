using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>The optimization history: each complete trial's metric against its number, and the best-so-far step line.</summary>
internal static class HistorySection
{
    /// <summary>The SVG id of the chart.</summary>
    public const string ChartId = "optimization-history";

    /// <summary>Writes the section.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        html.Append("<section id=\"history\"><h2>Optimization history</h2>");
        if (model.Plotted.Count == 0)
        {
            html.Append("<p class=\"empty\">No complete trial with a finite ").Append(Markup.Escape(model.MetricName)).Append(" yet.</p></section>");
            return;
        }

        html.Append("<p class=\"caption\">")
            .Append(Markup.Escape(model.MetricName)).Append(" of each complete trial (")
            .Append(model.HigherIsBetter ? "higher" : "lower")
            .Append(" is better) and the best value found so far. Failed, pruned and running trials and non-finite values are not drawn.</p>");
        html.Append(Chart(model)).Append("</section>");
    }

    private static string Chart(ReportModel model)
    {
        var chart = new Chart(new ChartSpec
        {
            Width = 1100,
            Height = 360,
            Id = ChartId,
            Description = "Optimization history of " + model.MetricName,
            X = new LinearScale(model.Plotted.Select(t => (double)t.Number), 0.03, integerTicks: true),
            Y = new LinearScale(model.Plotted.Select(t => t.Metric!.Value)),
            XLabel = "trial number",
            YLabel = model.MetricName,
            Legend =
            [
                new LegendItem("trial", Palette.Primary, LegendMarker.Point),
                new LegendItem("best so far", Palette.BestSoFar, LegendMarker.Line),
                new LegendItem("best trial", Palette.Best, LegendMarker.Ring),
            ],
        });

        var steps = new List<(double X, double Y)>();
        double best = double.NaN;
        foreach (ReportTrial trial in model.Plotted)
        {
            double metric = trial.Metric!.Value;
            double px = chart.X(trial.Number);
            if (steps.Count > 0)
            {
                steps.Add((px, chart.Y(best)));
            }

            if (steps.Count == 0 || model.IsBetter(metric, best))
            {
                best = metric;
                steps.Add((px, chart.Y(best)));
            }
        }

        chart.Svg.Polyline(steps, "best-so-far", Palette.BestSoFar);
        foreach (ReportTrial trial in model.Plotted)
        {
            chart.Svg.Circle(chart.X(trial.Number), chart.Y(trial.Metric!.Value), 4, "trial-point", Palette.Primary, model.Tooltip(trial), trial.Number);
        }

        if (model.Best is { } top && ReportModel.IsPlottable(top))
        {
            chart.Svg.Circle(chart.X(top.Number), chart.Y(top.Metric!.Value), 8, "best-marker", null, model.Tooltip(top));
        }

        return chart.ToString();
    }
}
