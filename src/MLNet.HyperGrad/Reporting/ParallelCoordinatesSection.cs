using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Parallel coordinates: one vertical axis per parameter and one for the metric, one line per complete trial colored by its metric.</summary>
internal static class ParallelCoordinatesSection
{
    /// <summary>The SVG id of the chart.</summary>
    public const string ChartId = "parallel-coordinates";

    private const double AxisSpacingMin = 90;
    private const double Top = 62;
    private const double Bottom = 24;
    private const double MaxTickLabelWidth = 96;
    private const double Height = 420;
    private const string GradientId = "hg-metric-gradient";

    /// <summary>Writes the section.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        html.Append("<section id=\"parallel\"><h2>Parallel coordinates</h2>");
        if (model.Plotted.Count == 0 || model.Axes.Count == 0)
        {
            html.Append("<p class=\"empty\">")
                .Append(model.Plotted.Count == 0 ? "No complete trial to plot." : "The trials have no hyperparameters.")
                .Append("</p></section>");
            return;
        }

        html.Append("<p class=\"caption\">One line per complete trial, colored by the rank of its ").Append(Markup.Escape(model.MetricName))
            .Append(" (dark purple is best, green the worst); the best trial is drawn in red. A trial without a parameter (such as another trainer\u2019s) passes that axis by, straight to its next one. Hover a line for its values.</p>")
            .Append("<div class=\"scroll\">").Append(Chart(model)).Append("</div></section>");
    }

    private static string Chart(ReportModel model)
    {
        int axisCount = model.Axes.Count + 1;
        double plotHeight = Height - Top - Bottom;
        Scale[] scales = [.. model.Axes.Select(a => a.CreateScale(model.Plotted.Where(t => t.Parameters.ContainsKey(a.Key)))), new LinearScale(model.Plotted.Select(t => t.Metric!.Value))];

        // The first axis's labels sit left of it and the best metric's label right of the last: make room for both.
        double leftMargin = Math.Max(60, 16 + AxisLabels(scales[0], plotHeight).Max(l => TextMetrics.Width(l.Label)));
        string? bestLabel = model.Best is { } top && ReportModel.IsPlottable(top) ? "best " + Formatting.Value(top.Metric!.Value) : null;
        double rightMargin = Math.Max(40, 20 + (bestLabel is null ? 0 : 1.1 * TextMetrics.Width(bestLabel)));
        double width = Math.Max(1100, leftMargin + rightMargin + (AxisSpacingMin * (axisCount - 1)));
        double spacing = (width - leftMargin - rightMargin) / (axisCount - 1);
        var svg = new SvgBuilder(width, Height, ChartId, "Parallel coordinates of hyperparameters and " + model.MetricName);
        double AxisX(int i) => leftMargin + (i * spacing);
        double AxisY(Scale scale, double value) => Top + ((1 - scale.Fraction(value)) * plotHeight);

        // Lines first, worst to best, so that good trials lie on top; the best one last of all.
        foreach (ReportTrial trial in model.Ranked.Reverse().Where(t => !ReferenceEquals(t, model.Best)).Append(model.Best).OfType<ReportTrial>())
        {
            if (!ReportModel.IsPlottable(trial))
            {
                continue;
            }

            var path = new StringBuilder();
            bool pen = false;
            for (int i = 0; i < axisCount; i++)
            {
                double? value = i < model.Axes.Count ? model.Axes[i].Position(trial, scales[i]) : trial.Metric;
                if (value is not double v)
                {
                    // The trial lacks this parameter (an inactive branch of a conditional space): the line passes it by.
                    continue;
                }

                path.Append(pen ? " L" : "M")
                    .Append(Formatting.Coordinate(AxisX(i))).Append(',').Append(Formatting.Coordinate(AxisY(scales[i], v)));
                pen = true;
            }

            bool best = ReferenceEquals(trial, model.Best);
            string color = best ? Palette.Best : Palette.Metric(model.Goodness(trial));
            svg.Path(path.ToString(), best ? "pc-line pc-best" : "pc-line", color, model.Tooltip(trial), trial.Number);
        }

        for (int i = 0; i < axisCount; i++)
        {
            bool metricAxis = i == model.Axes.Count;
            DrawAxis(svg, model, scales[i], AxisX(i), plotHeight, metricAxis, metricAxis ? bestLabel : null);
            string title = metricAxis ? model.MetricName : model.Axes[i].Key + (model.Axes[i].IsLog ? " (log)" : string.Empty);

            // Titles alternate between two rows, so each may be as wide as two gaps, but not past the edges.
            double room = Math.Min((2 * spacing) - 16, 2 * Math.Min(AxisX(i), width - AxisX(i)) - 8);
            string shown = TextMetrics.FitMiddle(title, room);
            double titleY = (i % 2 == 0) ? 22 : 40;
            svg.Text(AxisX(i), titleY, shown, metricAxis ? "pc-title pc-metric" : "pc-title", "middle", 0, shown == title ? null : title);
        }

        return svg.ToString();
    }

    /// <summary>Gets the ticks an axis labels: about one per 45 pixels for numbers, every category that fits for categories, labels shortened in the middle.</summary>
    private static List<(double Value, string Label, string Full)> AxisLabels(Scale scale, double plotHeight)
    {
        IReadOnlyList<AxisTick> ticks = scale.Ticks(Math.Clamp((int)(plotHeight / 45), 2, 8));
        int every = scale.IsCategorical ? Math.Max(1, (int)Math.Ceiling(ticks.Count * 14 / plotHeight)) : 1;
        var labels = new List<(double, string, string)>();
        for (int k = 0; k < ticks.Count; k += every)
        {
            labels.Add((ticks[k].Value, TextMetrics.FitMiddle(ticks[k].Label, MaxTickLabelWidth), ticks[k].Label));
        }

        return labels;
    }

    private static void DrawAxis(SvgBuilder svg, ReportModel model, Scale scale, double x, double plotHeight, bool metricAxis, string? bestLabel)
    {
        double AxisY(double value) => Top + ((1 - scale.Fraction(value)) * plotHeight);
        if (metricAxis)
        {
            // The bar shows the lines' colors at their metrics: stops at a sample of the ranked trials, bottom to top.
            int samples = Math.Min(model.Ranked.Count, 25);
            var stops = new List<(double Offset, string Color)>();
            for (int k = 0; k < samples; k++)
            {
                ReportTrial trial = model.Ranked[samples == 1 ? 0 : (int)Math.Round(k * (model.Ranked.Count - 1) / (double)(samples - 1))];
                stops.Add((Math.Clamp(scale.Fraction(trial.Metric!.Value), 0, 1), Palette.Metric(model.Goodness(trial))));
            }

            stops.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            svg.VerticalGradient(GradientId, stops);
            svg.Rect(x - 4, Top, 8, plotHeight, "pc-colorbar", "url(#" + GradientId + ")");
        }
        else
        {
            svg.Line(x, Top, x, Top + plotHeight, "pc-axis");
        }

        foreach ((double value, string label, string full) in AxisLabels(scale, plotHeight))
        {
            double y = AxisY(value);
            svg.Line(x - 4, y, x, y, "tick");
            svg.Text(x - 7, y + 3.5, label, "pc-tick-label", "end", 0, label == full ? null : full);
        }

        if (bestLabel is not null && model.Best is { } best)
        {
            svg.Text(x + 8, AxisY(best.Metric!.Value) + 3.5, bestLabel, "pc-best-label");
        }
    }
}
