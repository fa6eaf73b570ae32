using System.Globalization;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// What the command says when no trial finished within --train-time: how long the cheapest trial of the
/// run was taking (its epochs done and their duration, as stored when it was interrupted) and a
/// --train-time that would fit it.
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
    public static string Create(uint trainTimeSeconds, TimeSpan setup, uint tuningSeconds, IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> before)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"hypergrad: no trial finished within --train-time {trainTimeSeconds} s (setup took {setup.TotalSeconds:F1} s, tuning {tuningSeconds} s)");
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

        // Not one epoch finished: its duration is only a lower bound on an epoch.
        long atLeast = (long)Math.Ceiling(setup.TotalSeconds + (epochs * seconds) + MarginSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{head}: trial {cheapest.Trial.Number} ran {seconds:F1} s without finishing the first of its {epochs} epoch(s), so a trial takes more than {epochs * seconds:F1} s; rerun with --train-time well above {atLeast} (say {2 * atLeast}).");
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
