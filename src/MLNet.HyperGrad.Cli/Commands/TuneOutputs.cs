using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>Writes trials.csv and report.html from every trial of the study.</summary>
internal static class TuneOutputs
{
    private static readonly HashSet<string> LogScale = ["mlp.learning_rate", "mlp.l2", "mlp.hidden_width"];

    public static void Write(string directory, TuneSettings settings, TuneData data, IReadOnlyList<TrialRecord> trials, string metricName, StudyRecord study)
    {
        List<ReportTrial> rows = trials.Select(ToReportTrial).ToList();
        TrialsCsvWriter.Write(Path.Combine(directory, "trials.csv"), rows);
        IReadOnlyList<TrialRecord> top = TuneSummary.Top(trials, 1);
        TrialRecord? best = top.Count > 0 ? top[0] : null;
        var report = new ReportData
        {
            Title = $"hypergrad {settings.Task.ToString().ToLowerInvariant()}: {settings.ResolvedStudyName}",
            TaskDescription = study.TaskDescription,
            MetricName = metricName,
            MetricHigherIsBetter = true,
            Trials = rows,
            BestTrialNumber = best?.Number,
            StartedAtUtc = trials.Count > 0 ? trials.Min(t => t.StartedAtUtc) : null,
            EndedAtUtc = trials.Where(t => t.EndedAtUtc is not null).Select(t => t.EndedAtUtc).Max(),
            Tuner = settings.Tuner.ToString(),
            LogScaleParameters = LogScale,
            ValidationCurveName = settings.Task == TaskKind.Classification ? "validation cross-entropy" : "validation MSE (standardized targets)",
            Notes =
            [
                $"Data: {data.Description}; {data.Train.Rows} training rows, {data.Validation.Rows} validation rows.",
                $"Study \"{study.Name}\" in {settings.ResolvedStoragePath}; seed {settings.Seed}.",
                settings.Task == TaskKind.Classification
                    ? "Metric: accuracy on the validation rows (loss = -accuracy)."
                    : "Metric: R² on the validation rows (loss = -R²).",
            ],
        };
        HtmlReport.Write(Path.Combine(directory, "report.html"), report);
    }

    private static ReportTrial ToReportTrial(TrialRecord t) => new()
    {
        Number = t.Number,
        State = t.State,
        Loss = t.Loss,
        Metric = t.Metric,
        DurationMilliseconds = t.DurationMilliseconds,
        StartedAtUtc = t.StartedAtUtc,
        Parameters = ReportTrial.FlattenParameters(Parameter.FromJson(t.ParametersJson)),
        Error = t.Error,
        ValidationCurve = t.IntermediateValues.OrderBy(v => v.Step).Select(v => v.Value).ToArray(),
    };
}
