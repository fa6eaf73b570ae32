using System.Globalization;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// What the command says when no trial finished within --train-time: how long the cheapest trial of the
/// run was taking (its epochs done and their duration, as stored when it was interrupted) and a
/// --train-time that would fit it. After worker processes, their own setup counts: each reads the data and loads libtorch
/// itself, so a budget they spent loading is named as the cause rather than the trials.
/// </summary>
internal static class NoTrialFinishedMessage
{
    /// <summary>Seconds added to a suggestion for the end of the run and the variation between runs.</summary>
    private const double MarginSeconds = 2;

    /// <summary>The one-line message.</summary>
    /// <param name="trainTimeSeconds">The --train-time of the run.</param>
    /// <param name="setup">The time the setup took (reading the data, loading libtorch).</param>
    /// <param name="tuningSeconds">The seconds the tuning loop had.</param>
    /// <param name="trials">The study's trials after the run.</param>
    /// <param name="before">The study's trials before the run.</param>
    /// <param name="workers">The worker processes' setups, when worker processes ran the trials; null otherwise.</param>
    public static string Create(uint trainTimeSeconds, TimeSpan setup, uint tuningSeconds, IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> before, WorkerSetups? workers = null)
    {
        string head;
        if (workers is { Count: > 0 } w)
        {
            head = WorkersHead(trainTimeSeconds, w);
            if (SpentLoading(trainTimeSeconds, w, head) is { } loading)
            {
                return loading;
            }

            // The workers' budget ran from the start of the run: what each spent loading is what it did not train.
            setup = w.Longest;
        }
        else
        {
            head = string.Create(CultureInfo.InvariantCulture, $"hypergrad: no trial finished within --train-time {trainTimeSeconds} s (setup took {setup.TotalSeconds:F1} s, tuning {tuningSeconds} s)");
        }

        HashSet<int> earlier = [.. before.Select(t => t.Number)];
        var cheapest = trials
            .Where(t => !earlier.Contains(t.Number) && t.State == TrialState.Interrupted && t.DurationMilliseconds > 0)
            .Select(t => (Trial: t, Epochs: PlannedEpochs(t), Done: t.IntermediateValues.Select(v => v.Step).Distinct().Count()))
            .Where(t => t.Epochs is not null)
            .OrderBy(t => t.Epochs)
            .ThenBy(t => t.Trial.Number)
            .FirstOrDefault();
        if (cheapest.Trial is null)
        {
            return $"{head}; raise --train-time.";
        }

        double seconds = cheapest.Trial.DurationMilliseconds!.Value / 1000;
        int epochs = cheapest.Epochs!.Value;
        if (cheapest.Done > 0)
        {
            double perEpoch = seconds / cheapest.Done;
            long fits = (long)Math.Ceiling(setup.TotalSeconds + (epochs * perEpoch * 1.25) + MarginSeconds);
            return string.Create(CultureInfo.InvariantCulture, $"{head}: trial {cheapest.Trial.Number} was taking {perEpoch:F1} s per epoch ({cheapest.Done} of its {epochs} epoch(s) in {seconds:F1} s); rerun with --train-time {fits} or more.");
        }

        // Not one epoch finished: its duration is only a lower bound on an epoch, and this budget was too short, so the
        // suggestion is never below it.
        long atLeast = Math.Max((long)Math.Ceiling(setup.TotalSeconds + (epochs * seconds) + MarginSeconds), trainTimeSeconds + 1L);
        return string.Create(CultureInfo.InvariantCulture, $"{head}: trial {cheapest.Trial.Number} ran {seconds:F1} s without finishing the first of its {epochs} epoch(s), so a trial takes more than {epochs * seconds:F1} s; rerun with --train-time well above {atLeast} (say {2 * atLeast}).");
    }

    /// <summary>The one-line message of a run of ML.NET trainers (no epochs to judge a trial by).</summary>
    /// <param name="trainTimeSeconds">The --train-time of the run.</param>
    /// <param name="setup">The time this process's setup took.</param>
    /// <param name="workers">The worker processes' setups, when worker processes ran the trials; null otherwise.</param>
    public static string ForTrainers(uint trainTimeSeconds, TimeSpan setup, WorkerSetups? workers)
    {
        if (workers is { Count: > 0 } w)
        {
            string head = WorkersHead(trainTimeSeconds, w);
            return SpentLoading(trainTimeSeconds, w, head) ?? $"{head}; give more --train-time, or fewer or faster --trainers.";
        }

        return string.Create(CultureInfo.InvariantCulture, $"hypergrad: no trial finished within --train-time {trainTimeSeconds} s (setup took {setup.TotalSeconds:F1} s); give more --train-time, or fewer or faster --trainers.");
    }

    /// <summary>The message's head after worker processes: their setups' range.</summary>
    private static string WorkersHead(uint trainTimeSeconds, WorkerSetups workers) =>
        string.Create(CultureInfo.InvariantCulture, $"hypergrad: no trial finished within --train-time {trainTimeSeconds} s (the setup of the {workers.Count} worker processes, each reading the data and loading libtorch itself, took {workers.Shortest.TotalSeconds:F1}-{workers.Longest.TotalSeconds:F1} s)");

    /// <summary>
    /// The whole message when every worker spent at least half the budget loading (then no trial's duration says how long a
    /// trial takes), or null.
    /// </summary>
    private static string? SpentLoading(uint trainTimeSeconds, WorkerSetups workers, string head)
    {
        if (workers.Shortest.TotalSeconds < 0.5 * trainTimeSeconds)
        {
            return null;
        }

        long load = (long)Math.Ceiling(workers.Longest.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{head}: the workers spent the budget loading; rerun with --train-time well above {load} s (say {Math.Max(2 * load, load + 60)}), or with a lower --parallelism (fewer processes loading at once).");
    }

    /// <summary>The epochs a stored MLP trial was to train, or null when its parameters are not the MLP's.</summary>
    private static int? PlannedEpochs(TrialRecord trial)
    {
        try
        {
            return MlpHyperparameters.From(Parameter.FromJson(trial.ParametersJson)[MlpTrialRunner.SearchSpaceKey]).Epochs;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
