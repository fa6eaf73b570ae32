using System.Globalization;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Training;
using Spectre.Console;
using Spectre.Console.Rendering;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Reporting;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// The live display of a tuning run: running trials with their epoch progress, the best so far, trial
/// counts, time used and left. Fed by the experiment (as a monitor) and by the trials' threads.
/// In a non-interactive terminal it prints one line per finished trial instead.
/// </summary>
/// <param name="metricName">The metric shown.</param>
/// <param name="budgetSeconds">The --train-time.</param>
/// <param name="space">The search space, which formats hyperparameters.</param>
/// <param name="clock">The clock.</param>
/// <param name="start">When the --train-time started (a <paramref name="clock"/> timestamp).</param>
/// <param name="interactive">Whether to draw a live display rather than one line per trial.</param>
internal sealed class TuneProgressView(string metricName, uint budgetSeconds, SearchSpace space, TimeProvider clock, long start, bool interactive) : IMonitor
{
    private readonly object gate = new();
    private readonly Dictionary<int, (TrialSettings Settings, TrainingProgress? Progress, EpochReport? LastEpoch)> running = [];
    private TrialResult? best;
    private int completed;
    private int failed;

    public void OnProgress(TrialSettings settings, TrainingProgress progress)
    {
        lock (gate)
        {
            EpochReport? last = progress.CompletedEpoch ?? (running.TryGetValue(settings.TrialId, out var previous) ? previous.LastEpoch : null);
            running[settings.TrialId] = (settings, progress, last);
        }
    }

    public void ReportRunningTrial(TrialSettings settings)
    {
        lock (gate)
        {
            running[settings.TrialId] = (settings, null, null);
        }
    }

    public void ReportCompletedTrial(TrialResult result)
    {
        lock (gate)
        {
            running.Remove(result.TrialSettings.TrialId);
            completed++;
        }

        if (!interactive)
        {
            string pruned = result.State == TrialState.Pruned ? $" (pruned after epoch {(result as LearningCurveTrialResult)?.ValidationLossCurve.Count ?? 0})" : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {result.TrialSettings.TrialId,4}: {metricName} {Format(result.Metric)}{pruned} in {result.DurationInMilliseconds / 1000:F1} s  {Describe(result.TrialSettings)}"));
        }
    }

    public void ReportBestTrial(TrialResult result)
    {
        lock (gate)
        {
            best = result;
        }

        if (!interactive)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           new best: trial {result.TrialSettings.TrialId} with {metricName} {Format(result.Metric)}"));
        }
    }

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
    {
        lock (gate)
        {
            running.Remove(settings.TrialId);
            failed++;
        }

        if (!interactive)
        {
            string reason = exception switch
            {
                null => "unknown reason",
                OperationCanceledException => "interrupted before it finished (a later run of the study retries it)",
                _ => CliErrors.UserMessage(exception),
            };
            Console.WriteLine($"trial {settings.TrialId,4}: stopped: {reason}");
        }
    }

    /// <summary>Shows the best trial and the trial count of a resumed study before its first new trial ends.</summary>
    public void SetPreviousBest(TrialRecord? previous, int previousTrials)
    {
        lock (gate)
        {
            best = previous is null ? null : new TrialResult
            {
                TrialSettings = new TrialSettings { TrialId = previous.Number, Parameter = Parameter.FromJson(previous.ParametersJson) },
                Loss = previous.Loss ?? double.NaN,
                Metric = previous.Metric ?? double.NaN,
            };
            completed = previousTrials;
        }
    }

    public IRenderable Render()
    {
        lock (gate)
        {
            double elapsed = clock.GetElapsedTime(start).TotalSeconds;
            double left = Math.Max(0, budgetSeconds - elapsed);
            var grid = new Grid().AddColumn();
            grid.AddRow(new Markup(string.Create(CultureInfo.InvariantCulture,
                $"[bold]time[/] {elapsed:F0} s of {budgetSeconds} s, [bold]{left:F0} s left[/]   [bold]trials[/] {completed} done, {failed} stopped, {running.Count} running")));
            grid.AddRow(new Markup(Bar(Math.Min(1, elapsed / Math.Max(1, budgetSeconds)), 60)));
            grid.AddRow(new Markup(best is null
                ? "[bold]best[/] none yet"
                : $"[bold green]best[/] trial {best.TrialSettings.TrialId}: {metricName} [bold]{Format(best.Metric)}[/]  {Markup.Escape(Describe(best.TrialSettings))}"));
            var table = new Table().Border(TableBorder.Rounded).AddColumns("trial", "hyperparameters", "epoch", "progress", "validation");
            foreach (var (id, (settings, progress, lastEpoch)) in running.OrderBy(r => r.Key))
            {
                string epoch = progress is null ? "-" : $"{progress.Epoch}/{progress.Epochs}";
                string fraction = progress is null ? "starting" : progress.Fraction.ToString("P0", CultureInfo.InvariantCulture);
                string validation = lastEpoch?.Validation is { } v ? $"epoch {lastEpoch.Epoch}: loss {Format(v.Loss)}" : "";
                table.AddRow(id.ToString(CultureInfo.InvariantCulture), Markup.Escape(Describe(settings)), epoch, fraction, validation);
            }

            grid.AddRow(table);
            return grid;
        }
    }

    private static string Bar(double fraction, int width)
    {
        int filled = (int)Math.Round(fraction * width);
        return $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {fraction.ToString("P0", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The trial's hyperparameters on one line, formatted as the search space declares them.</summary>
    private string Describe(TrialSettings settings) => HyperparameterText.Describe(space, settings.Parameter);

    internal static string Format(double value) => double.IsFinite(value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    internal static string Format(double? value) => value is double v && double.IsFinite(v) ? Format(v) : "-";
}
