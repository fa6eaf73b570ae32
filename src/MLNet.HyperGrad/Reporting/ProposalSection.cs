using System.Globalization;
using System.Text;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Reporting;

/// <summary>
/// How the tuner made its proposals: the time of each proposal (<see cref="HyperGradExperiment.ProposalTimeAttribute"/>,
/// any tuner) and, for a Gaussian-process study, which acquisition chose each trial (<see cref="GaussianProcessTuner.AcquisitionAttribute"/>)
/// or that it was a Sobol point (<see cref="GaussianProcessTuner.SourceAttribute"/>).
/// </summary>
/// <remarks>Shown only when some trial carries one of these attributes; trials of every state that do are drawn (the storage keeps them for complete and pruned trials).</remarks>
internal static class ProposalSection
{
    /// <summary>The section's element id (and its navigation anchor).</summary>
    public const string SectionId = "proposals";

    /// <summary>The SVG id of the proposal-time chart.</summary>
    public const string TimeChartId = "proposal-time";

    /// <summary>The SVG id of the acquisition chart.</summary>
    public const string AcquisitionChartId = "proposal-acquisition";

    /// <summary>The row of the acquisition chart for proposals no acquisition chose.</summary>
    public const string SobolRow = "Sobol point";

    private const double Width = 1100;

    /// <summary>Reports whether the section is shown: some trial carries a proposal time or a Gaussian-process source.</summary>
    public static bool IsShown(ReportModel model) => model.Trials.Any(t =>
        t.Attributes.ContainsKey(HyperGradExperiment.ProposalTimeAttribute) || t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute));

    /// <summary>Writes the section, or nothing when no trial carries a proposal attribute.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        if (!IsShown(model))
        {
            return;
        }

        html.Append("<section id=\"").Append(SectionId).Append("\"><h2>Proposals</h2>");
        ReportTrial[] timed = [.. model.Trials.Where(t => t.Attributes.TryGetValue(HyperGradExperiment.ProposalTimeAttribute, out double ms) && double.IsFinite(ms) && ms >= 0)];
        if (timed.Length > 0)
        {
            double[] ms = [.. timed.Select(t => t.Attributes[HyperGradExperiment.ProposalTimeAttribute])];
            html.Append("<h3>Proposal time</h3><p class=\"caption\">How long the tuner took to propose each trial (the experiment's clock; trials it did not propose, such as the start point, have none). ")
                .Append("Median ").Append(Formatting.Duration(Median(ms))).Append(", largest ").Append(Formatting.Duration(ms.Max()))
                .Append(".</p>").Append(TimeChart(model, timed));
        }

        ReportTrial[] sourced = [.. model.Trials.Where(t => t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute))];
        if (sourced.Length > 0)
        {
            string[] rows = Rows(sourced);
            html.Append("<h3>Acquisition chosen</h3><p class=\"caption\">Which acquisition function proposed each trial (with the GP-Hedge portfolio, the one it trusted that time), or that the trial was a Sobol point (the quasi-random start, or the fallback when the model's point was already evaluated). ")
                .Append(Markup.Escape(string.Join(", ", rows.Select(r => r + ": " + Count(sourced.Count(t => Row(t) == r), "trial")))))
                .Append(".</p>").Append(AcquisitionChart(model, sourced, rows));
        }

        html.Append("</section>");
    }

    /// <summary>The acquisition chart's row of a trial: the name of its acquisition, or <see cref="SobolRow"/>.</summary>
    internal static string Row(ReportTrial trial) =>
        trial.Attributes.TryGetValue(GaussianProcessTuner.AcquisitionAttribute, out double index) && index >= 0 && index < GaussianProcessTuner.AcquisitionNames.Count && index == Math.Floor(index)
        && trial.Attributes.GetValueOrDefault(GaussianProcessTuner.SourceAttribute) == GaussianProcessTuner.SourceModel
            ? GaussianProcessTuner.AcquisitionNames[(int)index]
            : SobolRow;

    /// <summary>The color of a row: orange for Sobol points, then the series colors in the order of <see cref="GaussianProcessTuner.AcquisitionNames"/> (log-EI blue, log-PI green, UCB purple).</summary>
    private static string Color(string row) => row == SobolRow ? Palette.SeriesColor(1) : Palette.SeriesColor(row switch { "log-ei" => 0, "log-pi" => 2, _ => 3 });

    private static string[] Rows(ReportTrial[] sourced)
    {
        var present = new HashSet<string>(sourced.Select(Row), StringComparer.Ordinal);
        return [.. new[] { SobolRow }.Concat(GaussianProcessTuner.AcquisitionNames).Where(present.Contains)];
    }

    private static string TimeChart(ReportModel model, ReportTrial[] timed)
    {
        double[] ms = [.. timed.Select(t => t.Attributes[HyperGradExperiment.ProposalTimeAttribute])];
        double positiveMin = ms.Where(v => v > 0).DefaultIfEmpty(0).Min();
        bool log = ms.All(v => v > 0) && ms.Max() >= 10 * positiveMin;
        bool gp = timed.Any(t => t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute));
        var chart = new Chart(new ChartSpec
        {
            Width = Width,
            Height = 260,
            Id = TimeChartId,
            Description = "Proposal time of each trial",
            X = new LinearScale(timed.Select(t => (double)t.Number), 0.03, integerTicks: true),
            Y = log ? new LogScale(ms) : new LinearScale(ms.Append(0)),
            XLabel = "trial number",
            YLabel = "proposal time (ms)" + (log ? ", log scale" : string.Empty),
            Legend = gp
                ? [.. Rows([.. timed.Where(t => t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute))]).Select(r => new LegendItem(r, Color(r), LegendMarker.Point))]
                : [],
        });

        foreach (ReportTrial trial in timed)
        {
            double value = trial.Attributes[HyperGradExperiment.ProposalTimeAttribute];
            if (!chart.CanShow(trial.Number, value))
            {
                continue;
            }

            string row = Row(trial);
            string color = gp ? Color(row) : Palette.Primary;
            string tooltip = "Trial " + trial.Number.ToString(CultureInfo.InvariantCulture) + "\nproposal: " + Formatting.Duration(value)
                + (gp ? "\n" + (row == SobolRow ? SobolRow : "model, " + row) : string.Empty);
            chart.Svg.Circle(chart.X(trial.Number), chart.Y(value), 3.5, "trial-point", color, tooltip, trial.Number);
        }

        return chart.ToString();
    }

    private static string AcquisitionChart(ReportModel model, ReportTrial[] sourced, string[] rows)
    {
        var y = new CategoricalScale(rows);
        var chart = new Chart(new ChartSpec
        {
            Width = Width,
            Height = 70 + (32 * rows.Length),
            Id = AcquisitionChartId,
            Description = "Acquisition that proposed each trial",
            X = new LinearScale(sourced.Select(t => (double)t.Number), 0.03, integerTicks: true),
            Y = y,
            XLabel = "trial number",
        });

        foreach (ReportTrial trial in sourced)
        {
            string row = Row(trial);
            int index = y.IndexOf(row);
            string tooltip = "Trial " + trial.Number.ToString(CultureInfo.InvariantCulture) + "\n" + row
                + (trial.Metric is double metric ? "\n" + model.MetricName + ": " + Formatting.Value(metric) : string.Empty);
            chart.Svg.Circle(chart.X(trial.Number), chart.Y(index), 4.5, "trial-point", Color(row), tooltip, trial.Number);
        }

        return chart.ToString();
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");
}
