using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Learning curves: the validation curve per epoch of the best trials that recorded one.</summary>
internal static class LearningCurveSection
{
    /// <summary>The SVG id of the chart.</summary>
    public const string ChartId = "learning-curves";

    /// <summary>How many trials are drawn.</summary>
    public const int TrialCount = 5;

    /// <summary>Writes the section, or nothing when no ranked trial has a curve.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        ReportTrial[] trials = [.. model.Ranked.Where(t => t.ValidationCurve.Any(double.IsFinite)).Take(TrialCount)];
        if (trials.Length == 0)
        {
            return;
        }

        string curveName = string.IsNullOrEmpty(model.Data.ValidationCurveName) ? "validation metric" : model.Data.ValidationCurveName;
        html.Append("<section id=\"curves\"><h2>Learning curves</h2><p class=\"caption\">")
            .Append(Markup.Escape(curveName)).Append(" after each epoch for ")
            .Append(trials.Length == 1
                ? "the best complete trial that recorded a curve."
                : "the " + trials.Length.ToString(CultureInfo.InvariantCulture) + " best complete trials that recorded a curve.")
            .Append("</p>")
            .Append(Chart(model, trials, curveName)).Append("</section>");
    }

    private static string Chart(ReportModel model, ReportTrial[] trials, string curveName)
    {
        int epochs = trials.Max(t => t.ValidationCurve.Count);
        var chart = new Chart(new ChartSpec
        {
            Width = 1100,
            Height = 340,
            Id = ChartId,
            Description = "Learning curves: " + curveName + " per epoch",
            X = new LinearScale([1, epochs], 0.02, integerTicks: true),
            Y = new LinearScale(trials.SelectMany(t => t.ValidationCurve)),
            XLabel = "epoch",
            YLabel = curveName,
            Legend = [.. trials.Select((t, i) => new LegendItem(
                "trial " + t.Number.ToString(CultureInfo.InvariantCulture) + " (" + model.MetricName + " " + Formatting.Value(t.Metric) + ")",
                Palette.SeriesColor(i),
                LegendMarker.Line))],
        });

        for (int i = 0; i < trials.Length; i++)
        {
            ReportTrial trial = trials[i];
            string color = Palette.SeriesColor(i);
            var segment = new List<(double X, double Y)>();
            for (int epoch = 0; epoch <= trial.ValidationCurve.Count; epoch++)
            {
                bool finite = epoch < trial.ValidationCurve.Count && double.IsFinite(trial.ValidationCurve[epoch]);
                if (finite)
                {
                    segment.Add((chart.X(epoch + 1), chart.Y(trial.ValidationCurve[epoch])));
                    continue;
                }

                chart.Svg.Polyline(segment, "curve", color, model.Tooltip(trial), trial.Number);
                segment.Clear();
            }

            if (epochs <= 60)
            {
                for (int epoch = 0; epoch < trial.ValidationCurve.Count; epoch++)
                {
                    double value = trial.ValidationCurve[epoch];
                    if (double.IsFinite(value))
                    {
                        string tooltip = "Trial " + trial.Number.ToString(CultureInfo.InvariantCulture) + ", epoch "
                            + (epoch + 1).ToString(CultureInfo.InvariantCulture) + "\n" + curveName + ": " + Formatting.Value(value);
                        chart.Svg.Circle(chart.X(epoch + 1), chart.Y(value), 2.5, "curve-point", color, tooltip, trial.Number);
                    }
                }
            }
        }

        return chart.ToString();
    }
}
