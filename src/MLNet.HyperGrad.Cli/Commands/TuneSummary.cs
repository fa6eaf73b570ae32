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
    public static void Print(IReadOnlyList<TrialRecord> trials, string metricName, SearchSpace space)
    {
        int complete = trials.Count(t => t.State == TrialState.Complete);
        int failed = trials.Count(t => t.State == TrialState.Failed);
        AnsiConsole.MarkupLine($"\n[bold]{trials.Count}[/] trial(s) in the study: {complete} complete, {failed} failed or interrupted");
        IReadOnlyList<TrialRecord> top = TrialRanking.Top(trials, 5);
        if (top.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]no trial completed[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]top 5 models[/]")
            .AddColumns("rank", "trial", metricName, "duration", "hyperparameters");
        for (int i = 0; i < top.Count; i++)
        {
            TrialRecord t = top[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                t.Number.ToString(CultureInfo.InvariantCulture),
                TuneProgressView.Format(t.Metric),
                string.Create(CultureInfo.InvariantCulture, $"{(t.DurationMilliseconds ?? 0) / 1000:F1} s"),
                Markup.Escape(HyperparameterText.Describe(space, Parameter.FromJson(t.ParametersJson))));
        }

        AnsiConsole.Write(table);
    }
}
