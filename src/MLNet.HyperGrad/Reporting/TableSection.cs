using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>The trial tables: the top trials and every trial (failed ones with their error, and every trial's attributes such as <c>test_loss</c>).</summary>
internal static class TableSection
{
    /// <summary>How many trials the top table lists.</summary>
    public const int TopCount = 5;

    /// <summary>Writes the top-trials section.</summary>
    public static void WriteTop(StringBuilder html, ReportModel model)
    {
        html.Append("<section id=\"top\"><h2>Top ").Append(TopCount.ToString(CultureInfo.InvariantCulture)).Append(" trials</h2>");
        ReportTrial[] top = [.. model.Ranked.Take(TopCount)];
        if (top.Length == 0)
        {
            html.Append("<p class=\"empty\">No complete trial with a finite ").Append(Markup.Escape(model.MetricName)).Append(".</p></section>");
            return;
        }

        string[] keys = ParameterColumns.Order(top);
        html.Append("<div class=\"scroll\"><table id=\"top-trials\"><thead><tr><th>rank</th><th>trial</th><th>")
            .Append(Markup.Escape(model.MetricName)).Append("</th><th>loss</th><th>duration</th>");
        AppendKeyHeaders(html, keys);
        html.Append("</tr></thead><tbody>");
        for (int i = 0; i < top.Length; i++)
        {
            ReportTrial trial = top[i];
            html.Append("<tr data-trial=\"").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append('"')
                .Append(ReferenceEquals(trial, model.Best) ? " class=\"best-row\"" : string.Empty).Append('>')
                .Append("<td class=\"num\">").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td class=\"num\">").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            AppendNumber(html, trial.Metric, "metric");
            AppendNumber(html, trial.Loss, null);
            html.Append("<td class=\"num\">").Append(Markup.Escape(Formatting.Duration(trial.DurationMilliseconds))).Append("</td>");
            AppendParameters(html, trial, keys);
            html.Append("</tr>");
        }

        html.Append("</tbody></table></div></section>");
    }

    /// <summary>Writes the all-trials section.</summary>
    public static void WriteAll(StringBuilder html, ReportModel model)
    {
        html.Append("<section id=\"trials\"><h2>All trials</h2>");
        if (model.Trials.Count == 0)
        {
            html.Append("<p class=\"empty\">The study has no trials.</p></section>");
            return;
        }

        html.Append("<p class=\"caption\">Every trial by number, including those the charts leave out (failed, interrupted, pruned, running, non-finite ")
            .Append(Markup.Escape(model.MetricName)).Append("); the error of a failed trial, or what stopped an interrupted one, is shown under it.</p><div class=\"scroll\"><table id=\"all-trials\"><thead><tr><th>trial</th><th>state</th><th>")
            .Append(Markup.Escape(model.MetricName)).Append("</th><th>loss</th><th>duration</th><th>started (UTC)</th>");
        string[] attributes = TrialsCsvWriter.AttributeColumns(model.Trials);
        foreach (string key in attributes)
        {
            html.Append("<th class=\"attribute\">").Append(Markup.Escape(key)).Append("</th>");
        }

        AppendKeyHeaders(html, model.AllKeys);
        html.Append("</tr></thead><tbody>");
        int columns = 6 + attributes.Length + model.AllKeys.Count;
        foreach (ReportTrial trial in model.Trials)
        {
            string state = TrialStateNames.Name(trial.State);
            string rowClass = (ReferenceEquals(trial, model.Best) ? "best-row " : string.Empty) + (string.IsNullOrEmpty(trial.Error) ? string.Empty : "with-error");
            html.Append("<tr data-trial=\"").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append('"');
            if (rowClass.Length > 0)
            {
                html.Append(" class=\"").Append(rowClass.TrimEnd()).Append('"');
            }

            html.Append("><td class=\"num\">").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td><span class=\"state state-").Append(state).Append("\">").Append(Markup.Escape(state)).Append("</span></td>");
            AppendNumber(html, trial.Metric, "metric");
            AppendNumber(html, trial.Loss, null);
            html.Append("<td class=\"num\">").Append(Markup.Escape(Formatting.Duration(trial.DurationMilliseconds))).Append("</td>")
                .Append("<td class=\"time\">").Append(trial.StartedAtUtc == default ? "\u2013" : Markup.Escape(Formatting.AsUtc(trial.StartedAtUtc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</td>");
            foreach (string key in attributes)
            {
                if (trial.Attributes.TryGetValue(key, out double value))
                {
                    AppendNumber(html, value, null);
                }
                else
                {
                    html.Append("<td class=\"missing\">\u2013</td>");
                }
            }

            AppendParameters(html, trial, model.AllKeys);
            html.Append("</tr>");
            if (!string.IsNullOrEmpty(trial.Error))
            {
                // The error gets a row of its own under the trial, so that it reads without scrolling sideways.
                html.Append("<tr class=\"error-row\"><td colspan=\"").Append(columns.ToString(CultureInfo.InvariantCulture))
                    .Append("\"><div class=\"error\">").Append(Markup.Escape(trial.Error)).Append("</div></td></tr>");
            }
        }

        html.Append("</tbody></table></div></section>");
    }

    private static void AppendKeyHeaders(StringBuilder html, IReadOnlyList<string> keys)
    {
        foreach (string key in keys)
        {
            html.Append("<th class=\"param\">").Append(Markup.Escape(key)).Append("</th>");
        }
    }

    private static void AppendNumber(StringBuilder html, double? value, string? cssClass)
    {
        bool bad = value is double v && !double.IsFinite(v);
        html.Append("<td class=\"num").Append(cssClass is null ? string.Empty : " " + cssClass).Append(bad ? " bad" : string.Empty).Append("\">")
            .Append(Markup.Escape(Formatting.Value(value))).Append("</td>");
    }

    private static void AppendParameters(StringBuilder html, ReportTrial trial, IReadOnlyList<string> keys)
    {
        foreach (string key in keys)
        {
            if (trial.Parameters.TryGetValue(key, out ReportValue? value))
            {
                html.Append(value.IsNumber ? "<td class=\"num\">" : "<td>").Append(Markup.Escape(Formatting.Value(value))).Append("</td>");
            }
            else
            {
                html.Append("<td class=\"missing\">\u2013</td>");
            }
        }
    }
}
