namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Decides whether a running trial should stop early (Optuna's <c>BasePruner</c>), from the values the
/// trials of its study reported step by step.
/// </summary>
/// <remarks>
/// <para>Life cycle: the experiment holds one pruner for the whole run (set it with
/// <c>HyperGradOptions.Pruner</c> or <c>HyperGradExperiment.SetPruner</c>). After each epoch a runner
/// reports its validation value (<see cref="AutoML.ITrialReporter.ReportAsync"/>) and then asks
/// <see cref="AutoML.ITrialReporter.ShouldPrune"/>; the experiment answers by calling
/// <see cref="ShouldPrune"/> with the judged trial and a snapshot of every trial of the study, finished
/// (including those of earlier runs of a resumed study) and running. A runner that hears
/// <see langword="true"/> stops training and returns its result in state
/// <see cref="Storage.TrialState.Pruned"/>; the experiment stores it as pruned, with its curve.</para>
/// <para>Values are smaller-is-better (the MLP runner reports the validation loss). A pruner must be
/// thread-safe: parallel trials ask concurrently. The pruners here keep no state between calls, so
/// the same snapshot gives the same answer.</para>
/// </remarks>
public interface IPruner
{
    /// <summary>Decides whether <paramref name="trial"/> should stop now, after its latest reported step.</summary>
    /// <param name="trial">The running trial being judged, with the values it reported so far.</param>
    /// <param name="trials">Every trial of the study, in number order, <paramref name="trial"/> included.</param>
    /// <returns><see langword="true"/> to stop the trial.</returns>
    bool ShouldPrune(PrunerTrial trial, IReadOnlyList<PrunerTrial> trials);
}
