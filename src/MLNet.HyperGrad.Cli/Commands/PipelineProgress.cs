using System.Globalization;
using MLNet.HyperGrad.AutoML;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>One line per finished trial of a multi-trainer run: its trainer, metric and time, and when it is the best so far.</summary>
internal sealed class PipelineProgress(string metricName) : IMonitor
{
    private readonly Lock gate = new();

    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    public void ReportCompletedTrial(TrialResult result)
    {
        string trainer = TuneSummary.TrainerOf(result.TrialSettings.Parameter) ?? "?";
        lock (gate)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"trial {result.TrialSettings.TrialId} {trainer}: {metricName} {result.Metric:0.0000} in {result.DurationInMilliseconds / 1000:F1} s"));
        }
    }

    public void ReportBestTrial(TrialResult result)
    {
        lock (gate)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  [green]best so far[/]: trial {result.TrialSettings.TrialId}"));
        }
    }

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
    {
        string trainer = TuneSummary.TrainerOf(settings.Parameter) ?? "?";
        lock (gate)
        {
            AnsiConsole.MarkupLine(exception is OperationCanceledException
                ? $"trial {settings.TrialId} {trainer}: [yellow]stopped[/] (time budget or Ctrl+C)"
                : $"trial {settings.TrialId} {trainer}: [yellow]failed[/] {Markup.Escape(exception?.Message ?? string.Empty)}");
        }
    }
}
