namespace MLNet.HyperGrad.AutoML;

/// <summary>Trains and evaluates one trial (ML.NET AutoML's <c>ITrialRunner</c>).</summary>
/// <remarks>
/// The experiment creates one runner for the whole run and disposes it at the end (ML.NET disposes it
/// after every trial; we do not repeat that trap). <see cref="RunAsync"/> may be called concurrently
/// when the experiment runs trials in parallel. It must set <see cref="TrialResult.TrialSettings"/> and
/// honour the token within a second: the time budget and user cancellation arrive through it.
/// A runner never decides what to try next.
/// A training that diverges fails the trial with a <see cref="TrialDivergedException"/> (thrown, or returned as a failed
/// result) that says where; a complete result whose loss or metric is NaN or infinite is recorded by the experiment as a
/// failed trial with a <see cref="TrialDivergedException"/> too, and never ranks. Divergences do not stop a study whose
/// earlier trials all failed, unlike other failures.
/// </remarks>
public interface ITrialRunner : IDisposable
{
    /// <summary>Runs a trial.</summary>
    /// <param name="settings">The trial and its hyperparameters.</param>
    /// <param name="cancellationToken">Cancelled at the time budget, on user request, or to prune the trial.</param>
    /// <returns>The trial's result.</returns>
    Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken);
}
