using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>The summary: task, tuner, trial counts by state, time span, best metric, best hyperparameters and notes.</summary>
internal static class SummarySection
{
    /// <summary>Writes the section.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        ReportData data = model.Data;
        html.Append("<section id=\"summary\"><h2>Summary</h2><dl class=\"cards\">");
        Card(html, "Task", string.IsNullOrEmpty(data.TaskDescription) ? "\u2013" : data.TaskDescription, null);
        Card(html, "Tuner", string.IsNullOrEmpty(data.Tuner) ? "\u2013" : data.Tuner, null);
        Card(html, "Trials", model.Trials.Count.ToString(CultureInfo.InvariantCulture), TrialCounts(model));
        (string duration, string? span) = TimeSpan(model);
        Card(html, "Time", duration, span);
        string direction = model.HigherIsBetter ? "higher is better" : "lower is better";
        if (model.Best is { } b)
        {
            Card(html, "Best " + model.MetricName, Formatting.Value(b.Metric), "trial " + b.Number.ToString(CultureInfo.InvariantCulture) + " \u00B7 " + direction);
        }
        else
        {
            Card(html, "Best " + model.MetricName, "\u2013", "no complete trial \u00B7 " + direction);
        }

        html.Append("</dl>");

        if (data.Notes.Count > 0)
        {
            html.Append("<div class=\"notes\">");
            foreach (string note in data.Notes)
            {
                html.Append("<p>").Append(Markup.Escape(note)).Append("</p>");
            }

            html.Append("</div>");
        }

        if (model.Best is { Parameters.Count: > 0 } top)
        {
            html.Append("<h3>Best hyperparameters (trial ").Append(top.Number.ToString(CultureInfo.InvariantCulture))
                .Append(")</h3><table id=\"best-parameters\" class=\"kv\"><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>");
            foreach (KeyValuePair<string, ReportValue> kv in ParameterColumns.Of(top))
            {
                html.Append("<tr><td class=\"param\">").Append(Markup.Escape(kv.Key)).Append("</td><td")
                    .Append(kv.Value.IsNumber ? " class=\"num\"" : string.Empty).Append('>')
                    .Append(Markup.Escape(Formatting.Value(kv.Value))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
    }

    private static void Card(StringBuilder html, string term, string value, string? detail)
    {
        html.Append("<div class=\"card\"><dt>").Append(Markup.Escape(term)).Append("</dt><dd>").Append(Markup.Escape(value));
        if (!string.IsNullOrEmpty(detail))
        {
            html.Append("<span class=\"detail\">").Append(Markup.Escape(detail)).Append("</span>");
        }

        html.Append("</dd></div>");
    }

    private static string? TrialCounts(ReportModel model)
    {
        if (model.Trials.Count == 0)
        {
            return null;
        }

        IEnumerable<string> parts = model.Trials
            .GroupBy(t => t.State)
            .OrderBy(g => TrialStateNames.Order(g.Key))
            .Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + TrialStateNames.Name(g.Key));
        return string.Join(", ", parts);
    }

    /// <summary>Gets the study's duration and its span in time, from the data or else from the trials.</summary>
    private static (string Duration, string? Span) TimeSpan(ReportModel model)
    {
        DateTime? start = model.Data.StartedAtUtc;
        DateTime? end = model.Data.EndedAtUtc;
        ReportTrial[] timed = [.. model.Trials.Where(t => t.StartedAtUtc != default)];
        if (start is null && timed.Length > 0)
        {
            start = timed.Min(t => Formatting.AsUtc(t.StartedAtUtc));
        }

        if (end is null && timed.Length > 0)
        {
            end = timed.Max(t => Formatting.AsUtc(t.StartedAtUtc).AddMilliseconds(
                t.DurationMilliseconds is double ms && double.IsFinite(ms) ? Math.Clamp(ms, 0, 1e12) : 0));
        }

        if (start is not DateTime from)
        {
            return end is DateTime only ? ("\u2013", "until " + Formatting.Time(only)) : ("\u2013", null);
        }

        if (end is not DateTime to)
        {
            return ("\u2013", "from " + Formatting.Time(from));
        }

        from = Formatting.AsUtc(from);
        to = Formatting.AsUtc(to);
        string duration = to >= from ? Formatting.Duration((to - from).TotalMilliseconds) : "\u2013";
        string endText = to.Date == from.Date
            ? to.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
            : Formatting.Time(to);
        return (duration, from.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " \u2192 " + endText);
    }
}
