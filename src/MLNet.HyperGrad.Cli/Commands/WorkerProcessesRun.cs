using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// <c>--parallelism n</c> (n ≥ 2): runs the study's trials in n worker processes on the local study (SQLite) rather than n threads
/// in this process, so that a trial that dies natively (libtorch aborts the process on some errors; an out-of-memory kill) does not
/// take the study with it: its trial is recorded as failed with the exit reason and another worker starts
/// (<see cref="StudyWorkerProcesses"/>). Then this process writes the outputs (summary, model, report) from the study.
/// </summary>
/// <remarks>
/// A worker is this same command started again with the hidden <c>--worker-until</c> (the end of the budget): it loads the data,
/// tunes one trial at a time with the study-wide --max-trials, replays the other workers' finished trials into its tuner before
/// each proposal, prints its trial lines (forwarded here) and writes no outputs.
/// </remarks>
internal static class WorkerProcessesRun
{
    /// <summary>The hidden option that makes a process a worker of a run: the UTC end of the run's budget (ISO 8601).</summary>
    public const string WorkerUntilOption = "--worker-until";

    public static async Task<int> RunAsync(TuneSettings settings, CancellationToken cancellationToken)
    {
        TimeProvider clock = TimeProvider.System;
        settings.Validate();
        TuneData.CheckArguments(settings);
        Outputs.StudyOutputs.PrepareDirectory(settings.ResolvedOutputDirectory);
        DateTimeOffset until = clock.GetUtcNow() + TimeSpan.FromSeconds(settings.TrainTimeSeconds);
        string? folder = settings.UsesPostgres ? null : Path.GetDirectoryName(settings.ResolvedStoragePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        IReadOnlyList<TrialRecord> before;
        var setups = new WorkerSetups();
        using (IStudyStorage storage = CliStorage.Open(settings.ResolvedStoragePath))
        {
            StudyRecord? existing = await storage.GetStudyAsync(settings.ResolvedStudyName, cancellationToken);
            before = existing is null ? [] : await storage.GetTrialsAsync(existing.Id, cancellationToken);
            int finishedBefore = before.Count(t => t.IsFinished && t.State != TrialState.Interrupted);
            if (settings.MaxTrials is int max && finishedBefore >= max)
            {
                // Nothing to tune: the command's own path writes the outputs only.
                return await TuneCommand.RunAsync(settings with { ReportAfterWorkers = before }, cancellationToken);
            }

            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{settings.Parallelism} worker processes on study [bold]{Markup.Escape(settings.ResolvedStudyName)}[/] in {Markup.Escape(settings.StorageDescription)}{(before.Count > 0 ? $" (resuming: {finishedBefore} trial(s) already in the study)" : string.Empty)}; a worker that dies fails its trial with the reason, and another starts"));
            var errors = new Dictionary<int, List<string>>();
            var gate = new Lock();
            var pool = new StudyWorkerProcesses(
                storage,
                settings.ResolvedStudyName,
                _ => StartInfo(until),
                new StudyWorkerProcessesOptions
                {
                    OnOutputLine = (worker, line) =>
                    {
                        // The trials' lines, and the first worker's setup line (every worker's setup is kept for the run's messages); each
                        // worker's header and "best so far" are its own view, not the run's.
                        bool setupLine = setups.TryRecord(line);
                        if (line.StartsWith("trial ", StringComparison.Ordinal) || (worker == 0 && setupLine))
                        {
                            lock (gate)
                            {
                                Console.Out.WriteLine(line);
                            }
                        }
                    },
                    OnErrorLine = (worker, line) =>
                    {
                        lock (gate)
                        {
                            if (!errors.TryGetValue(worker, out List<string>? lines))
                            {
                                errors[worker] = lines = [];
                            }

                            lines.Add(line);
                        }
                    },
                    OnWorkerExit = exit =>
                    {
                        if (exit.FailedTrials.Count > 0)
                        {
                            lock (gate)
                            {
                                AnsiConsole.MarkupLine($"[yellow]trial {string.Join(", ", exit.FailedTrials)} failed:[/] {Markup.Escape(exit.Reason)}{(exit.Replaced ? "; another worker starts" : string.Empty)}");
                            }
                        }
                    },
                    MayRestart = () => clock.GetUtcNow() < until - TimeSpan.FromSeconds(1),
                });
            IReadOnlyList<WorkerExit> exits = await pool.RunAsync(settings.Parallelism, cancellationToken);
            List<WorkerExit> broken = [.. exits.Where(e => e.ExitCode != 0 && e.FailedTrials.Count == 0 && !cancellationToken.IsCancellationRequested)];
            if (broken.Count == exits.Count && broken.Count > 0)
            {
                // Every worker stopped without running a trial to its end (bad input found while loading the data, an unreadable study): say why once.
                List<string> lines = errors.TryGetValue(broken[0].Index, out List<string>? l) ? l : [];
                foreach (string line in lines)
                {
                    Console.Error.WriteLine(line);
                }

                return broken.Any(e => e.ExitCode == CliErrors.BadInput) ? CliErrors.BadInput : CliErrors.Failure;
            }

            foreach (WorkerExit exit in broken)
            {
                Console.Error.WriteLine($"hypergrad: worker process {exit.ProcessId} {exit.Reason.Replace("the worker process running it", "exited", StringComparison.Ordinal)}");
            }
        }

        return await TuneCommand.RunAsync(settings with { ReportAfterWorkers = before, WorkerSetups = setups }, cancellationToken);
    }

    /// <summary>This command again, as a worker: the same arguments with <see cref="WorkerUntilOption"/>.</summary>
    private static ProcessStartInfo StartInfo(DateTimeOffset until)
    {
        string[] args = Environment.GetCommandLineArgs();
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown: cannot start worker processes.");
        var start = new ProcessStartInfo(host);
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(args[0]);
        }

        foreach (string a in args.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add(WorkerUntilOption);
        start.ArgumentList.Add(until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        start.Environment["NO_COLOR"] = "1";
        // Its standard input is a pipe from this process, never written: when this process ends (even by kill -9) the pipe closes and the worker stops (ParentWatch).
        start.RedirectStandardInput = true;
        start.Environment[ParentWatch.Variable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        return start;
    }
}
