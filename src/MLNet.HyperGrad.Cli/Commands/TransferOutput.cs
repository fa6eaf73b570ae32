using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Transfer;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>--transfer-from in the tune commands: the tuner's options, and the line that says which earlier studies formed the prior.</summary>
internal static class TransferOutput
{
    /// <summary>Sets the tuner of <see cref="TuneSettings.EffectiveTuner"/>, with the transfer prior's earlier studies taken from <paramref name="storage"/> when --transfer-from is given.</summary>
    public static void Configure(HyperGradOptions options, TuneSettings settings, IStudyStorage storage)
    {
        options.Tuner = settings.EffectiveTuner;
        if (settings.TransferFrom is { } filter)
        {
            options.TransferFrom(storage, filter);
        }
    }

    /// <summary>Why no earlier study could form the prior, with where --transfer-from looked: the studies of --storage.</summary>
    public static string Explain(TransferHistoryException exception, TuneSettings settings) =>
        $"--transfer-from {settings.TransferFrom}: {exception.Message.TrimEnd('.')} (in --storage {settings.StorageDescription}; --transfer-from reads the earlier studies of the same --storage, so give the file they were tuned into).";

    /// <summary>Prints which earlier studies formed the study's transfer prior and how much each is trusted; nothing for a study without one.</summary>
    public static void Print(StudyRecord study)
    {
        if (TransferSummary.FromAttributes(study.Attributes) is not { } summary)
        {
            return;
        }

        string sources = string.Join(", ", summary.Sources.Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Study} ({s.Trials} trials, NLL/point {(double.IsFinite(s.NegativeLogLikelihoodPerPoint) ? s.NegativeLogLikelihoodPerPoint.ToString("0.00", CultureInfo.InvariantCulture) : "?")})")));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"transfer prior from {summary.Sources.Count} earlier stud{(summary.Sources.Count == 1 ? "y" : "ies")} ({summary.Filter}): {sources}")));
        foreach (RejectedStudy rejected in summary.Rejected)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"transfer: left out {rejected}"));
        }
    }
}
