using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// What a tune command reads back from its study once tuning has stopped, for the summary and the outputs: the study, all
/// its trials, and whether the run was cancelled or finished no trial. After a run of worker processes the last two are
/// decided here, from the study, since this process ran no trial itself.
/// </summary>
/// <param name="Study">The study, as stored.</param>
/// <param name="Trials">Every trial of the study, earlier runs' included.</param>
/// <param name="Cancelled">Whether the run was cancelled (Ctrl+C).</param>
/// <param name="NoTrialFinished">Whether the run, not cancelled, completed no new trial.</param>
internal sealed record StudyReadBack(StudyRecord Study, IReadOnlyList<TrialRecord> Trials, bool Cancelled, bool NoTrialFinished)
{
    /// <summary>
    /// Reads the study back; null, with the reason on standard error, when worker processes all stopped before one of them
    /// created it (Ctrl+C while they loaded the data).
    /// </summary>
    /// <param name="storage">The run's study storage.</param>
    /// <param name="settings">The run's settings (its study name, and whether worker processes ran the trials).</param>
    /// <param name="before">The trials the study held before this run.</param>
    /// <param name="remaining">How many trials this run was to add.</param>
    /// <param name="cancelled">Whether this process's own tuning was cancelled.</param>
    /// <param name="noTrialFinished">Whether this process's own tuning completed no trial.</param>
    /// <param name="cancellationToken">This process's Ctrl+C; it is only read, never passed on, so that the outputs are still written.</param>
    public static async Task<StudyReadBack?> ReadAsync(
        IStudyStorage storage,
        TuneSettings settings,
        IReadOnlyList<TrialRecord> before,
        int remaining,
        bool cancelled,
        bool noTrialFinished,
        CancellationToken cancellationToken)
    {
        if (await storage.GetStudyAsync(settings.ResolvedStudyName, CancellationToken.None) is not { } study)
        {
            Console.Error.WriteLine($"hypergrad: the worker processes stopped before they created study \"{settings.ResolvedStudyName}\"; nothing to write.");
            return null;
        }

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id, CancellationToken.None);
        if (settings.ReportAfterWorkers is not null && remaining > 0)
        {
            // The workers' run: cancelled with this process's Ctrl+C, empty when none of them finished a trial.
            var earlier = new HashSet<int>(before.Select(t => t.Number));
            cancelled = cancellationToken.IsCancellationRequested;
            noTrialFinished = !cancelled && !trials.Any(t => t.State == TrialState.Complete && !earlier.Contains(t.Number));
        }

        return new StudyReadBack(study, trials, cancelled, noTrialFinished);
    }
}
