using System.Globalization;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using Spectre.Console;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Reporting;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The end-of-run summary: trial counts and the top-5 table, as the <c>mlnet</c> CLI prints it.</summary>
internal static class TuneSummary
{
    /// <summary>
    /// The trial counts by state: real failures apart from trials stopped from outside, and those
    /// stopped in this run (by the time budget, or by Ctrl+C) apart from those of earlier runs.
    /// </summary>
    internal static string Counts(IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> before, bool cancelled)
    {
        var earlier = new HashSet<int>(before.Select(t => t.Number));
        int stoppedNow = trials.Count(t => t.State == TrialState.Interrupted && !earlier.Contains(t.Number));
        var retried = new HashSet<int>(trials.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value));
        int stoppedEarlier = trials.Count(t => t.State == TrialState.Interrupted && earlier.Contains(t.Number));
        int retriedEarlier = trials.Count(t => t.State == TrialState.Interrupted && earlier.Contains(t.Number) && retried.Contains(t.Number));
        var parts = new List<string> { $"{trials.Count(t => t.State == TrialState.Complete)} complete" };
        AddCount(parts, trials.Count(t => t.State == TrialState.Failed), "failed");
        AddCount(parts, trials.Count(t => t.State == TrialState.Pruned), "pruned");
        AddCount(parts, stoppedNow, cancelled ? "interrupted by Ctrl+C" : "stopped by the time budget");
        AddCount(parts, stoppedEarlier, retriedEarlier == 0 ? "interrupted in earlier runs"
            : retriedEarlier == stoppedEarlier ? "interrupted in earlier runs and retried"
            : string.Create(CultureInfo.InvariantCulture, $"interrupted in earlier runs ({retriedEarlier} retried)"));
        AddCount(parts, trials.Count(t => t.State == TrialState.Running), "running in other processes");
        return string.Join(", ", parts);
    }

    private static void AddCount(List<string> parts, int count, string what)
    {
        if (count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {what}"));
        }
    }

    /// <summary>Prints the trial counts by state, the top-5 table and, after Ctrl+C, how to resume.</summary>
    /// <param name="trials">Every trial of the study now.</param>
    /// <param name="before">The trials the study held before this run.</param>
    /// <param name="cancelled">Whether the user stopped this run (Ctrl+C).</param>
    /// <param name="metricName">The metric's name.</param>
    /// <param name="space">The search space, which formats the hyperparameters.</param>
    /// <param name="settings">The run's settings.</param>
    public static void Print(IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> before, bool cancelled, string metricName, SearchSpace space, TuneSettings settings)
    {
        AnsiConsole.MarkupLine($"\n[bold]{trials.Count}[/] trial(s) in the study: {Markup.Escape(Counts(trials, before, cancelled))}");
        if (cancelled)
        {
            AnsiConsole.MarkupLine($"[yellow]interrupted[/]: rerun the same command to resume study [bold]{Markup.Escape(settings.ResolvedStudyName)}[/]; its interrupted trials run first");
        }

        IReadOnlyList<TrialRecord> top = TrialRanking.Top(trials, 5);
        if (top.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]no trial completed[/]");
            return;
        }

        // A study over a choice of trainers names each trial's trainer, as mlnet's table does.
        string?[] trainers = [.. top.Select(t => TrainerOf(Parameter.FromJson(t.ParametersJson)))];
        bool withTrainer = trainers.Any(t => t is not null);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]top 5 models[/]").AddColumns("rank", "trial");
        if (withTrainer)
        {
            table.AddColumn("trainer");
        }

        table.AddColumns(metricName, "duration", "hyperparameters");
        for (int i = 0; i < top.Count; i++)
        {
            TrialRecord t = top[i];
            var cells = new List<string> { (i + 1).ToString(CultureInfo.InvariantCulture), t.Number.ToString(CultureInfo.InvariantCulture) };
            if (withTrainer)
            {
                cells.Add(Markup.Escape(trainers[i] ?? "-"));
            }

            cells.Add(TuneProgressView.Format(t.Metric));
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{(t.DurationMilliseconds ?? 0) / 1000:F1} s"));
            cells.Add(Markup.Escape(HyperparameterText.Describe(space, Parameter.FromJson(t.ParametersJson))));
            table.AddRow([.. cells]);
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The trainer a trial chose in a study over a choice of trainers (<c>{"pipeline": {"trainer": "lightgbm", ...}}</c>), or null.</summary>
    internal static string? TrainerOf(Parameter parameter)
    {
        const string Space = "pipeline", Selector = "trainer";
        return parameter.ParameterType == ParameterType.Object && parameter.ContainsKey(Space)
            && parameter[Space] is { ParameterType: ParameterType.Object } choice && choice.ContainsKey(Selector)
            ? choice[Selector].AsType<string>()
            : null;
    }
}
