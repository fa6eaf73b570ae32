using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Outputs;

/// <summary>Maps a stored study to what its report and <c>trials.csv</c> show.</summary>
public static class StudyReport
{
    /// <summary>Builds the report of a study.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trials">Its trials, in any order.</param>
    /// <param name="space">The search space the trials sampled: it decides which parameters get a log axis (<see cref="SearchSpaceAxes"/>), and the surrogate section of a Gaussian-process study maps trials into its unit cube (<see cref="ReportData.SearchSpace"/>).</param>
    /// <param name="options">The task, data and tuner.</param>
    /// <returns>
    /// The report data: every trial (<see cref="ReportTrial.FromRecord"/>), the best one by
    /// <see cref="TrialRanking"/>, the task's metric (larger is better), the study's time span, and notes on
    /// the data, the study and the metric.
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ReportData Build(StudyRecord study, IReadOnlyList<TrialRecord> trials, SearchSpace space, StudyOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        string task = options.Task.ToString().ToLowerInvariant();
        var notes = new List<string>();
        if (options.DataDescription is not null)
        {
            string rows = options.TrainRows is int train && options.ValidationRows is int validation ? $"; {train} training rows, {validation} validation rows" : string.Empty;
            notes.Add($"Data: {options.DataDescription}{rows}.");
        }

        notes.Add($"Study \"{study.Name}\"{(options.StoragePath is null ? string.Empty : $" in {options.StoragePath}")}; seed {options.Seed}.");
        notes.Add($"Metric: {TaskMetric.Name(options.Task)} on the validation rows (loss = -{TaskMetric.Name(options.Task)}).");
        return new ReportData
        {
            Title = $"hypergrad {task}: {study.Name}",
            TaskDescription = study.TaskDescription,
            MetricName = TaskMetric.Name(options.Task),
            MetricHigherIsBetter = true,
            Trials = [.. trials.Select(ReportTrial.FromRecord)],
            BestTrialNumber = TrialRanking.Best(trials)?.Number,
            StartedAtUtc = trials.Count > 0 ? trials.Min(t => t.StartedAtUtc) : null,
            EndedAtUtc = trials.Where(t => t.EndedAtUtc is not null).Select(t => t.EndedAtUtc).Max(),
            Tuner = options.Tuner,
            LogScaleParameters = SearchSpaceAxes.LogScaleKeys(space),
            SearchSpace = space,
            Transfer = MLNet.HyperGrad.Transfer.TransferSummary.FromAttributes(study.Attributes),
            ValidationCurveName = options.Task == TaskKind.Classification ? "validation cross-entropy" : "validation MSE (standardized targets)",
            Notes = notes,
        };
    }
}
