using System.Globalization;

namespace MLNet.HyperGrad.Storage;

/// <summary>
/// The study-wide trial budget (<c>--max-trials</c> shared by every worker of a study): which trials count towards it, and the
/// check of its argument. A storage counts and creates in one atomic step (<see cref="IStudyStorage.TryCreateTrialAsync"/>,
/// <see cref="IStudyStorage.ClaimRetryAsync"/>), so a study never holds more counted trials than its budget.
/// </summary>
/// <remarks>
/// Counted: <see cref="TrialState.Running"/>, <see cref="TrialState.Complete"/>, <see cref="TrialState.Failed"/> and
/// <see cref="TrialState.Pruned"/> trials. Not counted: <see cref="TrialState.Interrupted"/> trials (stopped from outside: the time
/// budget, a cancellation, a dead worker), because their retry counts in their place; a trial re-queued after its worker died
/// and re-run by another therefore counts once, however often it is retried. A running trial of a worker that died counts until
/// it is found (its worker gone, or its heartbeat stale) and interrupted. An interrupted trial is retried only while the budget
/// has room: when other workers filled the budget with new trials meanwhile, it stays interrupted.
/// </remarks>
public static class TrialBudget
{
    /// <summary>Whether a trial in this state counts towards a study-wide trial budget.</summary>
    /// <param name="state">The trial's state.</param>
    /// <returns>False only for <see cref="TrialState.Interrupted"/>.</returns>
    public static bool Counts(TrialState state) => state != TrialState.Interrupted;

    /// <summary>Throws when a budget is given and is less than 1.</summary>
    /// <param name="maxTrials">The budget, or null for none.</param>
    /// <param name="paramName">The parameter's name, for the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTrials"/> is less than 1.</exception>
    public static void Check(int? maxTrials, string paramName)
    {
        if (maxTrials is < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, maxTrials, string.Create(CultureInfo.InvariantCulture, $"A study's trial budget is at least 1 trial; got {maxTrials}."));
        }
    }
}
