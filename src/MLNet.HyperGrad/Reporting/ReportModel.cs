using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Reporting;

/// <summary>What the report derives from <see cref="ReportData"/>: trials in order, the plottable ones, the ranking, the best trial and the parameter axes.</summary>
internal sealed class ReportModel
{
    private readonly Dictionary<ReportTrial, int> ranks = new(ReferenceEqualityComparer.Instance);

    /// <summary>Derives the model; never throws for odd data (no trials, all failed, NaN metrics).</summary>
    public ReportModel(ReportData data)
    {
        Data = data;
        HigherIsBetter = data.MetricHigherIsBetter;
        MetricName = string.IsNullOrEmpty(data.MetricName) ? "metric" : data.MetricName;
        Trials = [.. data.Trials.OrderBy(t => t.Number)];
        Plotted = [.. Trials.Where(IsPlottable)];
        Ranked = [.. Plotted.OrderBy(t => HigherIsBetter ? -t.Metric!.Value : t.Metric!.Value).ThenBy(t => t.Number)];
        Best = (data.BestTrialNumber is int number ? Trials.FirstOrDefault(t => t.Number == number) : null)
            ?? (Ranked.Count > 0 ? Ranked[0] : null);

        AllKeys = ParameterColumns.Order(Trials);
        Axes = [.. ParameterColumns.Order(Plotted).Select(key => ParameterAxis.Create(key, Plotted, data.LogScaleParameters.Contains(key)))];

        for (int i = 0; i < Ranked.Count; i++)
        {
            ranks[Ranked[i]] = i;
        }

        if (Plotted.Count > 0)
        {
            MetricMin = Plotted.Min(t => t.Metric!.Value);
            MetricMax = Plotted.Max(t => t.Metric!.Value);
        }
    }

    /// <summary>Gets the data the model was derived from.</summary>
    public ReportData Data { get; }

    /// <summary>Gets the metric's display name.</summary>
    public string MetricName { get; }

    /// <summary>Gets a value indicating whether a larger metric is better.</summary>
    public bool HigherIsBetter { get; }

    /// <summary>Gets every trial, by number.</summary>
    public IReadOnlyList<ReportTrial> Trials { get; }

    /// <summary>Gets the complete trials with a finite metric, by number: the ones charts show.</summary>
    public IReadOnlyList<ReportTrial> Plotted { get; }

    /// <summary>Gets <see cref="Plotted"/> from the best metric to the worst, ties by number.</summary>
    public IReadOnlyList<ReportTrial> Ranked { get; }

    /// <summary>Gets the best trial: the one <see cref="ReportData.BestTrialNumber"/> names if present, else the first of <see cref="Ranked"/>, else null.</summary>
    public ReportTrial? Best { get; }

    /// <summary>Gets every parameter key of every trial, selectors of conditional spaces first, each group in ordinal order (the table columns).</summary>
    public IReadOnlyList<string> AllKeys { get; }

    /// <summary>Gets the axes of the parameters the plotted trials have, in the order of <see cref="AllKeys"/>; an axis's scale covers only the trials that have its key.</summary>
    public IReadOnlyList<ParameterAxis> Axes { get; }

    /// <summary>Gets the smallest plotted metric (0 when none).</summary>
    public double MetricMin { get; }

    /// <summary>Gets the largest plotted metric (0 when none).</summary>
    public double MetricMax { get; }

    /// <summary>Reports whether a trial's state is <see cref="TrialState.Complete"/>.</summary>
    public static bool IsComplete(ReportTrial trial) => trial.State == TrialState.Complete;

    /// <summary>Reports whether a trial is drawn in charts: complete, with a finite metric.</summary>
    public static bool IsPlottable(ReportTrial trial) => IsComplete(trial) && trial.Metric is double m && double.IsFinite(m);

    /// <summary>Maps a plotted trial to its goodness by rank: 1 for the best, 0 for the worst, evenly spaced between (1 when it is alone or not plotted).</summary>
    /// <remarks>Ranks rather than values, so that one very bad trial does not squeeze every other color together.</remarks>
    public double Goodness(ReportTrial trial)
    {
        int rank = ranks.TryGetValue(trial, out int r) ? r : 0;
        return Ranked.Count <= 1 ? 1 : 1 - (rank / (double)(Ranked.Count - 1));
    }

    /// <summary>Reports whether <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>.</summary>
    public bool IsBetter(double candidate, double incumbent) => HigherIsBetter ? candidate > incumbent : candidate < incumbent;

    /// <summary>Describes a trial for a tooltip: its number, metric and up to twelve parameters.</summary>
    public string Tooltip(ReportTrial trial)
    {
        var lines = new List<string>
        {
            "Trial " + trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (ReferenceEquals(trial, Best) ? " (best)" : string.Empty),
            MetricName + ": " + Formatting.Value(trial.Metric),
        };
        const int MaxParameters = 12;
        foreach (KeyValuePair<string, ReportValue> kv in ParameterColumns.Of(trial).Take(MaxParameters))
        {
            lines.Add(kv.Key + " = " + Formatting.Value(kv.Value));
        }

        if (trial.Parameters.Count > MaxParameters)
        {
            lines.Add("\u2026 and " + (trial.Parameters.Count - MaxParameters).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more");
        }

        return string.Join("\n", lines);
    }
}
