using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>How a tuning run ended, in the command's terms.</summary>
/// <param name="Best">The run's best trial, or null.</param>
/// <param name="Cancelled">Whether the user cancelled (Ctrl+C), with or without a best trial.</param>
/// <param name="NoTrialFinished">Whether the budget ended before any trial finished.</param>
internal readonly record struct TuningOutcome(TrialResult? Best, bool Cancelled, bool NoTrialFinished);

/// <summary>Runs the experiment of a tune command and maps its endings to the command's: cancellation and an empty budget become flags, a study that cannot be resumed, or a transfer prior without usable earlier studies, an <see cref="ArgumentException"/> (exit 2) that says why.</summary>
internal static class TuningRun
{
    /// <summary>Runs <paramref name="run"/>.</summary>
    /// <param name="run">Starts the experiment.</param>
    /// <param name="explainSpaceMismatch">Says, in the command's terms, why the study's search space differs from this run's.</param>
    /// <param name="cancellationToken">The command's token (Ctrl+C).</param>
    /// <returns>How the run ended.</returns>
    /// <param name="explainTransfer">Says, in the command's terms, why no earlier study could form the transfer prior; null keeps the library's message.</param>
    public static async Task<TuningOutcome> RunAsync(Func<Task<TrialResult>> run, Func<SearchSpaceMismatchException, string> explainSpaceMismatch, CancellationToken cancellationToken, Func<Transfer.TransferHistoryException, string>? explainTransfer = null)
    {
        TrialResult? best = null;
        bool cancelled = false;
        bool noTrialFinished = false;
        try
        {
            best = await run();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (TimeoutException)
        {
            noTrialFinished = true;
        }
        catch (StudyIdentityMismatchException mismatch)
        {
            throw new ArgumentException(TuneIdentity.Explain(mismatch), mismatch);
        }
        catch (StorageException ex) when (ex.InnerException is SearchSpaceMismatchException mismatch)
        {
            throw new ArgumentException(explainSpaceMismatch(mismatch), ex);
        }
        catch (Transfer.TransferHistoryException ex) when (explainTransfer is not null)
        {
            throw new ArgumentException(explainTransfer(ex), ex);
        }

        // Ctrl+C may end the run with the best trial so far instead of an exception: it is still a cancelled run.
        return new TuningOutcome(best, cancelled || cancellationToken.IsCancellationRequested, noTrialFinished);
    }
}
