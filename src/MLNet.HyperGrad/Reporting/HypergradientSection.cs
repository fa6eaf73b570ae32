using System.Globalization;
using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>
/// The plots of a gradient-tuned study, where each complete trial is one outer step and its hyperparameters
/// are arrays of numbers (<see cref="ReportTrial.Arrays"/>): validation and test loss over outer steps, the
/// learned learning-rate and momentum schedules, and each hyperparameter's trajectory.
/// </summary>
/// <remarks>
/// Shown only when some complete trial carries an array hyperparameter, so an ordinary study has no such
/// section. Values are drawn in constrained units (a learning rate, not its logarithm), on a log axis when
/// they are all positive and span a factor of ten or more. Non-finite values, and values a log axis cannot
/// show, break a line instead of being drawn.
/// </remarks>
internal static class HypergradientSection
{
    /// <summary>The section's element id (and its navigation anchor).</summary>
    public const string SectionId = "hypergradients";

    /// <summary>The SVG id of the validation- and test-loss chart.</summary>
    public const string LossChartId = "hg-losses";

    /// <summary>The SVG id prefix of the schedule charts, followed by their index (0, 1, ...).</summary>
    public const string ScheduleChartIdPrefix = "hg-schedule-";

    /// <summary>The SVG id prefix of the trajectory charts, followed by their index in key order.</summary>
    public const string TrajectoryChartIdPrefix = "hg-trajectory-";

    /// <summary>The attribute drawn as the test loss (<see cref="ReportTrial.Attributes"/>).</summary>
    public const string TestLossKey = "test_loss";

    /// <summary>The longest array drawn one line per element; a longer one is drawn as its mean inside a min-max band.</summary>
    public const int MaxElementLines = 10;

    /// <summary>The most points per line that get a dot (and a tooltip); longer lines are drawn as lines only.</summary>
    private const int MaxDots = 60;

    private const double Width = 1100;

    /// <summary>The last parts of the key paths that are schedules over the inner steps.</summary>
    private static readonly string[] ScheduleNames = ["learning_rate", "momentum"];

    /// <summary>Gets the outer steps: the complete trials that carry array hyperparameters, by number.</summary>
    public static ReportTrial[] OuterSteps(ReportModel model) => [.. model.Trials.Where(t => ReportModel.IsComplete(t) && t.Arrays.Count > 0)];

    /// <summary>Writes the section, or nothing when no complete trial carries an array hyperparameter.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        ReportTrial[] steps = OuterSteps(model);
        if (steps.Length == 0)
        {
            return;
        }

        ReportTrial? best = steps.Where(t => t.Loss is double loss && double.IsFinite(loss)).MinBy(t => t.Loss!.Value);
        bool hasTest = steps.Any(t => t.Attributes.TryGetValue(TestLossKey, out double test) && double.IsFinite(test));
        html.Append("<section id=\"").Append(SectionId).Append("\"><h2>Hypergradient tuning</h2><p class=\"caption\">")
            .Append("Each complete trial is one outer step of gradient-based tuning (")
            .Append(Count(steps.Length, "step")).Append("); its hyperparameters are arrays, drawn in their own units. ")
            .Append("An axis is logarithmic where every value is positive and they span a factor of ten or more.</p>");

        html.Append("<h3>Validation").Append(hasTest ? " and test" : string.Empty).Append(" loss</h3><p class=\"caption\">")
            .Append("The loss each outer step reached on the validation set (the trial's loss, which the tuner descends)")
            .Append(hasTest
                ? " and on the test set (the trial's test_loss attribute), which the tuner never sees: a test loss that rises while the validation loss falls shows the hyperparameters overfitting the validation set."
                : "; no trial recorded a test_loss attribute.")
            .Append("</p>").Append(LossChart(steps, best, hasTest));

        string[] schedules = [.. steps.SelectMany(t => t.Arrays.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key))
            .Distinct(StringComparer.Ordinal).Where(IsSchedule).Order(StringComparer.Ordinal)];
        if (schedules.Length > 0)
        {
            (ReportTrial Trial, string Role)[] picked = Picked(steps, best);
            html.Append("<h3>Learned schedules</h3><p class=\"caption\">")
                .Append("Learning rate and momentum against the inner training step (or block of steps), at outer ")
                .Append(picked.Length == 1 ? "step " : "steps ")
                .Append(Markup.Escape(JoinWithAnd([.. picked.Select(p => p.Trial.Number.ToString(CultureInfo.InvariantCulture) + " (" + p.Role + ")")])))
                .Append(".</p>");
            for (int i = 0; i < schedules.Length; i++)
            {
                html.Append(ScheduleChart(schedules[i], i, picked));
            }
        }

        string[] keys = [.. steps.SelectMany(t => t.Arrays.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        html.Append("<h3>Hyperparameter trajectories</h3><p class=\"caption\">")
            .Append("Each hyperparameter over the outer steps: one line per element for arrays of at most ")
            .Append(MaxElementLines.ToString(CultureInfo.InvariantCulture))
            .Append(" (per-layer values are labelled by layer), the mean inside the band from the smallest to the largest element for longer ones.</p>");
        for (int i = 0; i < keys.Length; i++)
        {
            html.Append(TrajectoryChart(keys[i], i, steps));
        }

        html.Append("</section>");
    }

    /// <summary>Chooses the scale of some values: log10 when all finite ones are positive and span a factor of ten, else linear.</summary>
    internal static Scale ValueScale(IEnumerable<double> values, bool integerTicks = false)
    {
        double[] finite = [.. values.Where(double.IsFinite)];
        return finite.Length > 0 && finite.All(v => v > 0) && finite.Max() >= 10 * finite.Min()
            ? new LogScale(finite)
            : new LinearScale(finite, 0.05, integerTicks);
    }

    private static string LossChart(ReportTrial[] steps, ReportTrial? best, bool hasTest)
    {
        var validation = steps.Select(t => (X: (double)t.Number, Y: t.Loss ?? double.NaN, Trial: t)).ToArray();
        var test = steps.Select(t => (X: (double)t.Number, Y: t.Attributes.TryGetValue(TestLossKey, out double v) ? v : double.NaN, Trial: t)).ToArray();
        Scale y = ValueScale(validation.Select(p => p.Y).Concat(hasTest ? test.Select(p => p.Y) : []));
        List<LegendItem> legend = [new("validation loss", Palette.SeriesColor(0), LegendMarker.Line)];
        if (hasTest)
        {
            legend.Add(new("test loss", Palette.SeriesColor(1), LegendMarker.Line));
        }

        if (best is not null)
        {
            legend.Add(new("lowest validation loss", Palette.Best, LegendMarker.Ring));
        }

        var chart = new Chart(new ChartSpec
        {
            Width = Width,
            Height = 320,
            Id = LossChartId,
            Description = "Validation" + (hasTest ? " and test" : string.Empty) + " loss over outer steps",
            X = new LinearScale(steps.Select(t => (double)t.Number), 0.03, integerTicks: true),
            Y = y,
            XLabel = "outer step (trial number)",
            YLabel = y.IsLog ? "loss (log scale)" : "loss",
            Legend = legend,
        });

        DrawSeries(chart, validation.Select(p => (p.X, p.Y, (int?)p.Trial.Number, LossTooltip(p.Trial))).ToArray(), Palette.SeriesColor(0), "hg-validation");
        if (hasTest)
        {
            DrawSeries(chart, test.Select(p => (p.X, p.Y, (int?)p.Trial.Number, LossTooltip(p.Trial))).ToArray(), Palette.SeriesColor(1), "hg-test");
        }

        if (best is not null && chart.CanShow(best.Number, best.Loss!.Value))
        {
            chart.Svg.Circle(chart.X(best.Number), chart.Y(best.Loss.Value), 8, "best-marker", null, LossTooltip(best) + "\n(lowest validation loss)");
        }

        return chart.ToString();
    }

    private static string ScheduleChart(string key, int index, (ReportTrial Trial, string Role)[] picked)
    {
        (ReportTrial Trial, string Role, IReadOnlyList<double> Values)[] series =
            [.. picked.Where(p => p.Trial.Arrays.ContainsKey(key)).Select(p => (p.Trial, p.Role, p.Trial.Arrays[key]))];
        int length = series.Max(s => s.Values.Count);
        Scale y = ValueScale(series.SelectMany(s => s.Values));
        var chart = new Chart(new ChartSpec
        {
            Width = Width,
            Height = 300,
            Id = ScheduleChartIdPrefix + index.ToString(CultureInfo.InvariantCulture),
            Title = key,
            Description = "Learned schedule of " + key + " against the inner step",
            X = new LinearScale([0, length - 1], 0.02, integerTicks: true),
            Y = y,
            XLabel = "inner step (or block of steps)",
            YLabel = y.IsLog ? key + " (log scale)" : key,
            Legend = [.. series.Select((s, i) => new LegendItem(TrialLabel(s.Trial, s.Role), Palette.SeriesColor(i), LegendMarker.Line))],
        });

        for (int i = 0; i < series.Length; i++)
        {
            (ReportTrial trial, string role, IReadOnlyList<double> values) = series[i];
            string label = TrialLabel(trial, role);
            DrawSeries(
                chart,
                [.. values.Select((v, step) => ((double)step, v, (int?)trial.Number, label + "\n" + key + "[" + step.ToString(CultureInfo.InvariantCulture) + "] = " + Formatting.Value(v)))],
                Palette.SeriesColor(i),
                "hg-schedule");
        }

        return chart.ToString();
    }

    private static string TrajectoryChart(string key, int index, ReportTrial[] steps)
    {
        ReportTrial[] having = [.. steps.Where(t => t.Arrays.ContainsKey(key))];
        int length = having.Max(t => t.Arrays[key].Count);
        bool band = length > MaxElementLines;
        (ReportTrial Trial, double Min, double Mean, double Max)[] summaries = band ? [.. having.Select(t => Summarize(t, key))] : [];
        Scale y = band
            ? ValueScale(summaries.SelectMany(s => new[] { s.Min, s.Max }))
            : ValueScale(having.SelectMany(t => t.Arrays[key]));
        string title = key + (length == 1 ? string.Empty : " (" + Count(length, "value") + ")");
        IReadOnlyList<LegendItem> legend = band
            ? [new("mean", Palette.SeriesColor(0), LegendMarker.Line), new("smallest to largest element", Palette.SeriesColor(0), LegendMarker.Point)]
            : length == 1 ? [] : [.. Enumerable.Range(0, length).Select(e => new LegendItem(ElementLabel(key, e), Palette.SeriesColor(e), LegendMarker.Line))];
        var chart = new Chart(new ChartSpec
        {
            Width = Width,
            Height = 280,
            Id = TrajectoryChartIdPrefix + index.ToString(CultureInfo.InvariantCulture),
            Title = title,
            Description = "Trajectory of " + key + " over outer steps",
            X = new LinearScale(steps.Select(t => (double)t.Number), 0.03, integerTicks: true),
            Y = y,
            XLabel = "outer step (trial number)",
            YLabel = y.IsLog ? "value (log scale)" : "value",
            Legend = legend,
        });

        if (band)
        {
            DrawBand(chart, summaries, key);
            DrawSeries(
                chart,
                [.. summaries.Select(s => ((double)s.Trial.Number, s.Mean, (int?)s.Trial.Number, BandTooltip(s, key)))],
                Palette.SeriesColor(0),
                "hg-trajectory");
            return chart.ToString();
        }

        for (int e = 0; e < length; e++)
        {
            string element = length == 1 ? key : key + "[" + e.ToString(CultureInfo.InvariantCulture) + "]";
            string suffix = length == 1 ? string.Empty : " (" + ElementLabel(key, e) + ")";
            DrawSeries(
                chart,
                [.. having.Select(t => (
                    (double)t.Number,
                    e < t.Arrays[key].Count ? t.Arrays[key][e] : double.NaN,
                    (int?)t.Number,
                    "Trial " + t.Number.ToString(CultureInfo.InvariantCulture) + "\n" + element + suffix + " = " + Formatting.Value(e < t.Arrays[key].Count ? t.Arrays[key][e] : double.NaN)))],
                Palette.SeriesColor(e),
                "hg-trajectory");
        }

        return chart.ToString();
    }

    /// <summary>Draws a line through the drawable points, broken where a value cannot be shown, with a dot per point when there are few.</summary>
    private static void DrawSeries(Chart chart, (double X, double Y, int? Trial, string Tooltip)[] points, string color, string cssClass)
    {
        var segment = new List<(double X, double Y)>();
        foreach ((double x, double y, _, _) in points)
        {
            if (chart.CanShow(x, y))
            {
                segment.Add((chart.X(x), chart.Y(y)));
                continue;
            }

            chart.Svg.Polyline(segment, cssClass + " hg-line", color);
            segment.Clear();
        }

        chart.Svg.Polyline(segment, cssClass + " hg-line", color);
        if (points.Length > MaxDots)
        {
            return;
        }

        foreach ((double x, double y, int? trial, string tooltip) in points)
        {
            if (chart.CanShow(x, y))
            {
                chart.Svg.Circle(chart.X(x), chart.Y(y), 3, cssClass + "-point hg-point", color, tooltip, trial);
            }
        }
    }

    /// <summary>Fills the band between each outer step's smallest and largest element, one closed path per run of drawable steps.</summary>
    private static void DrawBand(Chart chart, (ReportTrial Trial, double Min, double Mean, double Max)[] summaries, string key)
    {
        var run = new List<(double X, double Low, double High)>();
        foreach ((ReportTrial trial, double min, _, double max) in summaries)
        {
            if (chart.CanShow(trial.Number, min) && chart.CanShow(trial.Number, max))
            {
                run.Add((chart.X(trial.Number), chart.Y(min), chart.Y(max)));
                continue;
            }

            Fill(run);
            run.Clear();
        }

        Fill(run);

        void Fill(List<(double X, double Low, double High)> points)
        {
            if (points.Count == 1)
            {
                chart.Svg.Line(points[0].X, points[0].Low, points[0].X, points[0].High, "hg-band-line", Palette.SeriesColor(0));
                return;
            }

            if (points.Count == 0)
            {
                return;
            }

            var data = new StringBuilder();
            data.Append('M').Append(Formatting.Coordinate(points[0].X)).Append(',').Append(Formatting.Coordinate(points[0].High));
            for (int i = 1; i < points.Count; i++)
            {
                data.Append(" L").Append(Formatting.Coordinate(points[i].X)).Append(',').Append(Formatting.Coordinate(points[i].High));
            }

            for (int i = points.Count - 1; i >= 0; i--)
            {
                data.Append(" L").Append(Formatting.Coordinate(points[i].X)).Append(',').Append(Formatting.Coordinate(points[i].Low));
            }

            data.Append(" Z");
            chart.Svg.Path(data.ToString(), "hg-band", null, "Smallest to largest element of " + key, null, Palette.SeriesColor(0));
        }
    }

    private static (ReportTrial Trial, double Min, double Mean, double Max) Summarize(ReportTrial trial, string key)
    {
        double[] finite = [.. trial.Arrays[key].Where(double.IsFinite)];
        return finite.Length == 0
            ? (trial, double.NaN, double.NaN, double.NaN)
            : (trial, finite.Min(), finite.Average(), finite.Max());
    }

    /// <summary>The first, middle and last outer steps, and the one with the lowest validation loss, each once, by number.</summary>
    private static (ReportTrial Trial, string Role)[] Picked(ReportTrial[] steps, ReportTrial? best)
    {
        var roles = new SortedDictionary<int, (ReportTrial Trial, List<string> Roles)>();
        void Add(ReportTrial trial, string role)
        {
            if (!roles.TryGetValue(trial.Number, out (ReportTrial Trial, List<string> Roles) entry))
            {
                entry = (trial, []);
                roles.Add(trial.Number, entry);
            }

            entry.Roles.Add(role);
        }

        Add(steps[0], "first");
        Add(steps[(steps.Length - 1) / 2], "middle");
        Add(steps[^1], "last");
        if (best is not null)
        {
            Add(best, "best");
        }

        return [.. roles.Values.Select(v => (v.Trial, string.Join(", ", v.Roles.Distinct(StringComparer.Ordinal))))];
    }

    private static bool IsSchedule(string key)
    {
        string last = key[(key.LastIndexOf('.') + 1)..];
        return ScheduleNames.Contains(last, StringComparer.Ordinal);
    }

    /// <summary>Names element <paramref name="element"/> of an array: <c>layer 0</c> for per-layer values (<c>l2</c>, <c>init_scale</c>), else <c>key[0]</c>.</summary>
    private static string ElementLabel(string key, int element)
    {
        string last = key[(key.LastIndexOf('.') + 1)..];
        string number = element.ToString(CultureInfo.InvariantCulture);
        return last is "l2" or "init_scale" ? "layer " + number : last + "[" + number + "]";
    }

    private static string TrialLabel(ReportTrial trial, string role) => "trial " + trial.Number.ToString(CultureInfo.InvariantCulture) + " (" + role + ")";

    private static string LossTooltip(ReportTrial trial)
        => "Trial " + trial.Number.ToString(CultureInfo.InvariantCulture)
            + "\nvalidation loss: " + Formatting.Value(trial.Loss)
            + (trial.Attributes.TryGetValue(TestLossKey, out double test) ? "\ntest loss: " + Formatting.Value(test) : string.Empty);

    private static string BandTooltip((ReportTrial Trial, double Min, double Mean, double Max) s, string key)
        => "Trial " + s.Trial.Number.ToString(CultureInfo.InvariantCulture) + "\n" + key + ": mean " + Formatting.Value(s.Mean)
            + ", smallest " + Formatting.Value(s.Min) + ", largest " + Formatting.Value(s.Max);

    private static string JoinWithAnd(string[] items) => items.Length <= 1 ? string.Concat(items) : string.Join(", ", items[..^1]) + " and " + items[^1];

    private static string Count(int count, string noun) => count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? string.Empty : "s");
}
