namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// Where a running trial reports its progress, step by step (Optuna's <c>trial.report(value, step)</c>):
/// the experiment keeps each value in the study at once, and pruners read them.
/// </summary>
/// <remarks>
/// A runner finds the reporter of its trial in <see cref="TrialSettings.Reporter"/>. After each epoch
/// (or other step) it awaits <see cref="ReportAsync"/> with the value it is judged by at that step (the
/// <see cref="MLNet.HyperGrad.AutoML.Runners.MlpTrialRunner"/> reports the validation loss after every
/// epoch, numbered from 1, or the validation error with <see cref="MLNet.HyperGrad.AutoML.Runners.MlpTrialRunnerOptions.ReportedValue"/>). A value is durable when the call returns, so a trial cut off by the time
/// budget or by the caller keeps every step it reported. Reports of one trial are made one at a time;
/// different trials may report concurrently. Reporting again at the same step replaces the value.
/// Once the trial has finished, reporting throws.
/// </remarks>
public interface ITrialReporter
{
    /// <summary>Records the value the trial reached at a step.</summary>
    /// <param name="step">The step, from 0 (for example the epoch number).</param>
    /// <param name="value">The value; NaN and infinities are kept.</param>
    /// <param name="cancellationToken">Cancels the call before it stores anything. To keep a finished step even when the trial is being cancelled, pass <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the value is stored.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    /// <exception cref="Storage.StorageException">The trial has already finished, or the study's storage failed.</exception>
    Task ReportAsync(int step, double value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the study's pruner (<see cref="Pruning.IPruner"/>) whether the trial should stop now, judged on the
    /// values reported so far (Optuna's <c>trial.should_prune()</c>). Call it after <see cref="ReportAsync"/>.
    /// </summary>
    /// <param name="finalStep">The step the trial reaches if it runs to the end (the MLP runner: its number of epochs).</param>
    /// <returns>
    /// <see langword="true"/> when the runner should stop training and return its result with
    /// <see cref="TrialResult.State"/> = <see cref="Storage.TrialState.Pruned"/>; always <see langword="false"/> without a pruner.
    /// </returns>
    bool ShouldPrune(int finalStep);
}
