using System.Globalization;
using System.Text;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Reporting;

/// <summary>
/// The surrogate's view of a Gaussian-process study: the posterior mean and a ±2σ band of a refitted Gaussian process
/// (<see cref="SurrogateModel"/>) along each parameter's slice through the best trial, the other parameters held fixed.
/// </summary>
/// <remarks>
/// Shown only when some trial was proposed by <see cref="GaussianProcessTuner"/> (it carries
/// <see cref="GaussianProcessTuner.SourceAttribute"/>); the slices need <see cref="ReportData.SearchSpace"/>. The x axis
/// is in the parameter's own units (log10 for a log-scaled option, one column per choice for a categorical one); a
/// slot that is inactive at the best trial (another branch of a conditional space) gets no chart. With fewer than
/// <see cref="SurrogateModel.MinTrials"/> complete trials, or when the model cannot be fitted, the section says why.
/// </remarks>
internal static class SurrogateSection
{
    /// <summary>The section's element id (and its navigation anchor).</summary>
    public const string SectionId = "surrogate";

    /// <summary>The SVG id prefix of the slice charts, followed by the slot's index in the unit cube.</summary>
    public const string SliceChartIdPrefix = "surrogate-slice-";

    /// <summary>The number of points along a continuous slice (and along an integer one with more levels).</summary>
    public const int SlicePoints = 61;

    /// <summary>What <see cref="Slices"/> appends to the key of a slot that is inactive at the best trial.</summary>
    private const string InactiveNote = " (inactive at the best trial)";

    /// <summary>The most choices a categorical slot may have to get a chart.</summary>
    private const int MaxCategories = 40;

    /// <summary>Reports whether the section is shown: some trial was proposed by the Gaussian-process tuner.</summary>
    public static bool IsShown(ReportModel model) => model.Trials.Any(t => t.Attributes.ContainsKey(GaussianProcessTuner.SourceAttribute));

    /// <summary>Writes the section, or nothing when no trial was proposed by the Gaussian-process tuner.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        if (!IsShown(model))
        {
            return;
        }

        html.Append("<section id=\"").Append(SectionId).Append("\"><h2>Surrogate model</h2>");
        if (!SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem))
        {
            html.Append("<p class=\"empty\">").Append(Markup.Escape(problem ?? "The surrogate could not be fitted.")).Append("</p></section>");
            return;
        }

        using (surrogate)
        {
            WriteSlices(html, model, surrogate!);
        }

        html.Append("</section>");
    }

    /// <summary>Computes the slices of every slot active at the best fitted trial; inactive and failed slots are named in <paramref name="skipped"/>.</summary>
    internal static IReadOnlyList<Slice> Slices(SurrogateModel surrogate, ReportTrial? preferredBest, out (ReportTrial Trial, double[] X) best, out List<string> skipped)
    {
        best = surrogate.Fitted.FirstOrDefault(f => ReferenceEquals(f.Trial, preferredBest));
        if (best.Trial is null)
        {
            best = surrogate.Fitted.MinBy(f => f.Trial.Loss!.Value);
        }

        skipped = [];
        var slices = new List<Slice>();
        IReadOnlyList<FeatureDimension> dimensions = surrogate.Space.FeatureDimensions;
        foreach (FeatureDimension dimension in dimensions)
        {
            if (!IsActive(dimension, best.X, dimensions))
            {
                skipped.Add(dimension.KeyPath + InactiveNote);
                continue;
            }

            if (dimension.Kind == FeatureDimensionKind.Categorical && (dimension.Levels ?? 0) > MaxCategories)
            {
                skipped.Add(dimension.KeyPath + string.Create(CultureInfo.InvariantCulture, $" (more than {MaxCategories} choices)"));
                continue;
            }

            try
            {
                slices.Add(SliceAlong(surrogate, dimension, best.X));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                skipped.Add(dimension.KeyPath + " (" + ex.Message + ")");
            }
        }

        return slices;
    }

    private static void WriteSlices(StringBuilder html, ReportModel model, SurrogateModel surrogate)
    {
        IReadOnlyList<Slice> slices = Slices(surrogate, model.Best, out (ReportTrial Trial, double[] X) best, out List<string> skipped);
        (double sign, string yName) = DisplayUnits(model, surrogate);
        html.Append("<p class=\"caption\">A Gaussian process (Mat\u00e9rn-5/2 with one length scale per slot, the tuner's defaults) refitted to the ")
            .Append(surrogate.Fitted.Count.ToString(CultureInfo.InvariantCulture)).Append(" complete trials' losses")
            .Append(surrogate.Unmapped > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({surrogate.Unmapped} complete trials did not map into the search space and are left out)") : string.Empty)
            .Append(surrogate.LeftOut > 0 ? string.Create(CultureInfo.InvariantCulture, $" (the best and the latest of them: {surrogate.LeftOut} earlier ones are left out to keep the exact fit cheap)") : string.Empty)
            .Append(". Each chart moves one parameter through its range with every other parameter held at the best trial (")
            .Append(best.Trial.Number.ToString(CultureInfo.InvariantCulture))
            .Append("): the line is the posterior mean of ").Append(Markup.Escape(yName))
            .Append(", the band the mean \u00b1 2 standard deviations (categorical parameters: a bar per choice), the dashed line the best trial's value. ")
            .Append(slices.Any(s => s.Dimension.Branches is not null) ? "Choosing another branch holds that branch's parameters at their defaults, as the tuner encodes them. " : string.Empty)
            .Append("Dots are the observed trials; their other parameters differ, so they need not lie on the line. ")
            .Append("\u2113 in each title is the kernel's length scale for that parameter, in unit-cube terms: the shorter it is, the faster the loss changes along it.</p>");
        string[] inactive = [.. skipped.Where(k => k.EndsWith(InactiveNote, StringComparison.Ordinal)).Select(k => k[..^InactiveNote.Length])];
        string[] other = [.. skipped.Where(k => !k.EndsWith(InactiveNote, StringComparison.Ordinal))];
        if (inactive.Length > 0)
        {
            html.Append("<p class=\"caption\">Not drawn, inactive at the best trial (parameters of branches it did not choose): ").Append(Markup.Escape(string.Join(", ", inactive))).Append(".</p>");
        }

        if (other.Length > 0)
        {
            html.Append("<p class=\"caption\">Not drawn: ").Append(Markup.Escape(string.Join("; ", other))).Append(".</p>");
        }

        if (slices.Count == 0)
        {
            html.Append("<p class=\"empty\">No parameter is active at the best trial.</p>");
            return;
        }

        double[] observedY = [.. surrogate.Fitted.Select(f => sign * f.Trial.Loss!.Value)];
        var y = new LinearScale(slices.SelectMany(s => s.Mean.Select((m, i) => sign * (m - (2 * s.StandardDeviation[i]))))
            .Concat(slices.SelectMany(s => s.Mean.Select((m, i) => sign * (m + (2 * s.StandardDeviation[i])))))
            .Concat(observedY)
            .Where(double.IsFinite));
        html.Append("<div class=\"grid\">");
        foreach (Slice slice in slices)
        {
            html.Append(Chart(model, surrogate, slice, best.Trial, y, sign, yName));
        }

        html.Append("</div>");
    }

    /// <summary>The sign that turns a loss into what the y axis shows, and its name: the metric when every fitted trial's loss is minus (or exactly) its metric, else the loss.</summary>
    internal static (double Sign, string Name) DisplayUnits(ReportModel model, SurrogateModel surrogate)
    {
        static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));
        bool AllMetric(double sign) => surrogate.Fitted.All(f => f.Trial.Metric is double m && double.IsFinite(m) && Close(sign * f.Trial.Loss!.Value, m));
        return AllMetric(-1) ? (-1, model.MetricName) : AllMetric(1) ? (1, model.MetricName) : (1, "loss");
    }

    private static bool IsActive(FeatureDimension dimension, double[] x, IReadOnlyList<FeatureDimension> dimensions) =>
        dimension.ActiveWhen.All(c => Level(x[c.SelectorIndex], dimensions[c.SelectorIndex].Levels ?? 1) == c.Level);

    private static int Level(double value, int levels) => Math.Clamp((int)Math.Floor(value * levels), 0, levels - 1);

    private static Slice SliceAlong(SurrogateModel surrogate, FeatureDimension dimension, double[] best)
    {
        bool categorical = dimension.Kind == FeatureDimensionKind.Categorical;
        int levels = dimension.Levels ?? 0;
        double[] units = categorical || (dimension.Kind == FeatureDimensionKind.Integer && levels is > 0 and <= SlicePoints)
            ? [.. Enumerable.Range(0, Math.Max(levels, 1)).Select(l => (l + 0.5) / Math.Max(levels, 1))]
            : [.. Enumerable.Range(0, SlicePoints).Select(k => k / (double)(SlicePoints - 1))];

        var points = new List<double[]>();
        var xs = new List<double>();
        var labels = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int l = 0; l < units.Length; l++)
        {
            double[] x = (double[])best.Clone();
            x[dimension.Index] = units[l];
            double[] canonical = SurrogateModel.Canonical(surrogate.Space, x);
            IReadOnlyDictionary<string, ReportValue> decoded = ReportTrial.FlattenParameters(surrogate.Space.SampleFromFeatureSpace(canonical));
            ReportValue? value = decoded.GetValueOrDefault(dimension.KeyPath);
            string label = categorical
                ? dimension.Branches?[l] ?? (value is null ? "level " + l.ToString(CultureInfo.InvariantCulture) : Formatting.Value(value))
                : Formatting.Value(value?.Number ?? Decode(dimension, units[l]));
            if (!seen.Add(label))
            {
                continue;
            }

            points.Add(canonical);
            labels.Add(label);
            xs.Add(categorical ? labels.Count - 1 : value?.Number ?? Decode(dimension, units[l]));
        }

        (double[] mean, double[] sd) = surrogate.Predict(points);
        ReportValue? bestValue = ReportTrial.FlattenParameters(surrogate.Space.SampleFromFeatureSpace(best)).GetValueOrDefault(dimension.KeyPath);
        double bestX = !categorical ? bestValue?.Number ?? Decode(dimension, best[dimension.Index])
            : labels.IndexOf(dimension.Branches is { } branches ? branches[Level(best[dimension.Index], branches.Count)] : bestValue is null ? string.Empty : Formatting.Value(bestValue));
        return new Slice(dimension, categorical, [.. xs], [.. labels], mean, sd, bestX, surrogate.Hyperparameters.LengthScales[dimension.Index]);
    }

    /// <summary>A numeric slot's value at a unit-cube coordinate, from its range (log or linear), for slots the decoded parameter does not name.</summary>
    private static double Decode(FeatureDimension dimension, double unit)
    {
        if (dimension.Min is not double min || dimension.Max is not double max)
        {
            return unit;
        }

        double value = dimension.IsLogScale && min > 0 && max > 0 ? min * Math.Pow(max / min, unit) : min + (unit * (max - min));
        return dimension.Kind == FeatureDimensionKind.Integer ? Math.Min(Math.Floor(value), max) : value;
    }

    private static string Chart(ReportModel model, SurrogateModel surrogate, Slice slice, ReportTrial best, Scale y, double sign, string yName)
    {
        FeatureDimension dimension = slice.Dimension;
        var observed = new List<(ReportTrial Trial, ReportValue Value)>();
        foreach ((ReportTrial trial, _) in surrogate.Fitted)
        {
            if (trial.Parameters.TryGetValue(dimension.KeyPath, out ReportValue? value))
            {
                observed.Add((trial, value));
            }
        }

        Scale x = slice.Categorical
            ? new CategoricalScale(slice.Labels)
            : dimension.IsLogScale && slice.X.All(v => v > 0)
                ? new LogScale(slice.X.Concat(observed.Select(o => o.Value.Number ?? double.NaN)).Where(v => double.IsFinite(v) && v > 0))
                : new LinearScale(slice.X.Concat(observed.Select(o => o.Value.Number ?? double.NaN)).Where(double.IsFinite));
        string title = dimension.KeyPath + "  \u2113=" + slice.LengthScale.ToString("G2", CultureInfo.InvariantCulture);
        var chart = new Chart(new ChartSpec
        {
            Width = 350,
            Height = 250,
            X = x,
            Y = y,
            Id = SliceChartIdPrefix + dimension.Index.ToString(CultureInfo.InvariantCulture),
            Title = title,
            Description = "Surrogate posterior mean and two-sigma band of " + yName + " along " + dimension.KeyPath + " through the best trial",
            XLabel = x.IsLog ? "log scale" : null,
            YLabel = yName,
        });

        double Lower(int i) => Math.Min(sign * (slice.Mean[i] - (2 * slice.StandardDeviation[i])), sign * (slice.Mean[i] + (2 * slice.StandardDeviation[i])));
        double Upper(int i) => Math.Max(sign * (slice.Mean[i] - (2 * slice.StandardDeviation[i])), sign * (slice.Mean[i] + (2 * slice.StandardDeviation[i])));
        string Tip(int i) => slice.Labels[i] + ": " + yName + " " + Formatting.Value(sign * slice.Mean[i]) + " \u00b1 " + Formatting.Value(2 * slice.StandardDeviation[i]);

        if (slice.Categorical)
        {
            if (slice.BestX >= 0)
            {
                chart.Svg.Line(chart.X(slice.BestX), chart.Top, chart.X(slice.BestX), chart.Top + chart.PlotHeight, "sg-best", Palette.Best);
            }
        }
        else
        {
            DrawBand(chart, slice, Lower, Upper);
            var line = new List<(double X, double Y)>();
            for (int i = 0; i < slice.X.Length; i++)
            {
                if (chart.CanShow(slice.X[i], sign * slice.Mean[i]))
                {
                    line.Add((chart.X(slice.X[i]), chart.Y(sign * slice.Mean[i])));
                }
            }

            chart.Svg.Polyline(line, "sg-mean", Palette.Primary, "Posterior mean of " + yName + " along " + dimension.KeyPath);
            if (x.CanShow(slice.BestX))
            {
                chart.Svg.Line(chart.X(slice.BestX), chart.Top, chart.X(slice.BestX), chart.Top + chart.PlotHeight, "sg-best", Palette.Best);
            }
        }

        for (int i = 0; i < observed.Count; i++)
        {
            (ReportTrial trial, ReportValue value) = observed[i];
            double? position = x is CategoricalScale categories
                ? categories.IndexOf(Formatting.Value(value)) is int index and >= 0 ? index + SliceSection.Jitter(trial.Number) : null
                : value.Number is double number && x.CanShow(number) ? number : null;
            double shown = sign * trial.Loss!.Value;
            if (position is not double p || !y.CanShow(shown))
            {
                continue;
            }

            double px = chart.X(p);
            double py = chart.Y(shown);
            chart.Svg.Circle(px, py, 3, "slice-point", Palette.TrialOrder(observed.Count == 1 ? 1 : i / (double)(observed.Count - 1)), model.Tooltip(trial), trial.Number);
            if (ReferenceEquals(trial, best))
            {
                chart.Svg.Circle(px, py, 7, "best-marker", null, null);
            }
        }

        if (slice.Categorical)
        {
            // The model's view on top of the observations, which crowd the same columns.
            for (int i = 0; i < slice.X.Length; i++)
            {
                double px = chart.X(i);
                chart.Svg.Line(px, chart.Y(Lower(i)), px, chart.Y(Upper(i)), "sg-interval", Palette.Primary);
                chart.Svg.Circle(px, chart.Y(sign * slice.Mean[i]), 4.5, "sg-mean-point", Palette.Primary, Tip(i));
            }
        }

        return chart.ToString();
    }

    /// <summary>Fills the ±2σ band as one closed path through the drawable points.</summary>
    private static void DrawBand(Chart chart, Slice slice, Func<int, double> lower, Func<int, double> upper)
    {
        var points = new List<(double X, double Low, double High)>();
        for (int i = 0; i < slice.X.Length; i++)
        {
            if (chart.CanShow(slice.X[i], lower(i)) && chart.CanShow(slice.X[i], upper(i)))
            {
                points.Add((chart.X(slice.X[i]), chart.Y(lower(i)), chart.Y(upper(i))));
            }
        }

        if (points.Count < 2)
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
        chart.Svg.Path(data.ToString(), "sg-band", null, "Posterior mean \u00b1 2 standard deviations", null, Palette.Primary);
    }

    /// <summary>One slot's slice: its x values (numbers, or category indexes), labels, posterior mean and standard deviation of the loss, the best trial's position and the slot's length scale.</summary>
    internal sealed record Slice(FeatureDimension Dimension, bool Categorical, double[] X, string[] Labels, double[] Mean, double[] StandardDeviation, double BestX, double LengthScale);
}
