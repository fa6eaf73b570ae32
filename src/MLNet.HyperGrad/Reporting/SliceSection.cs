using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Slice plots: one small chart per parameter, the metric against the parameter's value.</summary>
internal static class SliceSection
{
    /// <summary>Writes the section.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        html.Append("<section id=\"slices\"><h2>Slice plots</h2>");
        if (model.Plotted.Count == 0 || model.Axes.Count == 0)
        {
            html.Append("<p class=\"empty\">")
                .Append(model.Plotted.Count == 0 ? "No complete trial to plot." : "The trials have no hyperparameters.")
                .Append("</p></section>");
            return;
        }

        html.Append("<p class=\"caption\">Each dot is a complete trial; darker dots are later trials, the ringed one is the best. ")
            .Append("Categorical values are spread sideways within their column so that equal values stay visible.</p><div class=\"grid\">");
        var y = new LinearScale(model.Plotted.Select(t => t.Metric!.Value));
        foreach (ParameterAxis axis in model.Axes)
        {
            html.Append(Chart(model, axis, y));
        }

        html.Append("</div></section>");
    }

    private static string Chart(ReportModel model, ParameterAxis axis, Scale y)
    {
        ReportTrial[] trials = [.. model.Plotted.Where(t => t.Parameters.ContainsKey(axis.Key))];
        Scale x = axis.CreateScale(trials);
        string? xLabel = axis.IsLog ? "log scale" : axis.LogRequested && axis.IsNumeric ? "linear scale (values \u2264 0 rule out log)" : null;
        var chart = new Chart(new ChartSpec
        {
            Width = 350,
            Height = 250,
            X = x,
            Y = y,
            Title = axis.Key,
            Description = "Slice plot of " + model.MetricName + " against " + axis.Key,
            XLabel = xLabel,
            YLabel = model.MetricName,
        });

        for (int i = 0; i < trials.Length; i++)
        {
            ReportTrial trial = trials[i];
            if (axis.Position(trial, x) is not double position)
            {
                continue;
            }

            if (x.IsCategorical)
            {
                position += Jitter(trial.Number);
            }

            double px = chart.X(position);
            double py = chart.Y(trial.Metric!.Value);
            string color = Palette.TrialOrder(trials.Length == 1 ? 1 : i / (double)(trials.Length - 1));
            chart.Svg.Circle(px, py, 3.5, "slice-point", color, model.Tooltip(trial), trial.Number);
            if (ReferenceEquals(trial, model.Best))
            {
                chart.Svg.Circle(px, py, 7, "best-marker", null, null);
            }
        }

        return chart.ToString();
    }

    /// <summary>A deterministic sideways offset in (-0.2, 0.2) of a category's band, from the trial number's golden-ratio sequence.</summary>
    internal static double Jitter(int number)
    {
        double fraction = (number * 0.6180339887498949) % 1;
        return (fraction < 0 ? fraction + 1 : fraction) * 0.4 - 0.2;
    }
}
