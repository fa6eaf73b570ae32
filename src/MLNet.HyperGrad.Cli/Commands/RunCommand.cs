using System.CommandLine;
using MLNet.HyperGrad.Outputs;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary><c>hypergrad run &lt;config&gt;</c>: runs again what a config (<see cref="RunConfig"/>, written by every CSV run) records, as Model Builder re-runs an <c>.mbconfig</c>.</summary>
/// <remarks>With the study still in its storage it resumes it (more trials, until --max-trials or the time budget); without one it tunes from the start.</remarks>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = $"A config written by a run ({RunConfig.FileName} in its output folder)." };
        var trainTime = new Option<uint?>("--train-time") { Description = "Seconds this run may tune for (default: the config's)." };
        var maxTrials = CliParsers.OptionalWholeNumber("--max-trials", "Trials in the whole study (default: the config's).");
        var workerUntil = TuneCommand.WorkerUntil();
        var command = new Command("run", "Run a study again from its config: resume it, or tune it anew when its storage is gone.") { config, trainTime, maxTrials, workerUntil };
        command.SetAction((result, cancellationToken) => CliErrors.Guard(() =>
        {
            string path = result.GetValue(config)!;
            TuneSettings settings = TuneSettings.FromConfig(RunConfig.Load(path), path);
            settings = settings with
            {
                TrainTimeSeconds = result.GetValue(trainTime) ?? settings.TrainTimeSeconds,
                MaxTrials = result.GetValue(maxTrials) ?? settings.MaxTrials,
                WorkerUntil = result.GetValue(workerUntil),
            };
            return TuneCommand.RunAsync(settings, cancellationToken);
        }));
        return command;
    }
}
