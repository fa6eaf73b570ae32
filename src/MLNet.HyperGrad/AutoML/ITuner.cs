using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML;

/// <summary>Decides which hyperparameters to try next (ML.NET AutoML's <c>ITuner</c>).</summary>
/// <remarks>
/// Lifecycle: one tuner instance lives for one experiment run. The experiment calls
/// <see cref="Propose"/> once per trial, then <see cref="Update"/> exactly once with that trial's
/// result — failed trials included (then <see cref="TrialResult.Loss"/> is <see cref="double.MaxValue"/>),
/// pruned trials included (then <see cref="TrialResult.State"/> is <c>Pruned</c> and the loss is the one
/// measured at the last step trained, a pessimistic stand-in for the final loss: see <see cref="TrialResult.State"/>),
/// and, when a study is resumed, once for every trial already stored, in trial order, before the first
/// new proposal. Calls are serialized by the experiment, even when trials run in parallel, so an
/// implementation need not be thread-safe. A tuner never trains.
/// When several processes share a study, a proposal that some trial of the study already has (another
/// process proposed it first) is discarded with no <see cref="Update"/>, and <see cref="Propose"/> is
/// called again with the study's next free trial number; so a tuner that derives its proposal from
/// the trial id (as <c>RandomSearchTuner</c> does) gives a new one, and one that remembers what it
/// proposed (as <c>GridSearchTuner</c> does) moves on. The trial may then run under another id than
/// the one proposed for.
/// </remarks>
public interface ITuner
{
    /// <summary>Chooses the hyperparameters of a new trial.</summary>
    /// <param name="settings">The trial: its id is set; its <see cref="TrialSettings.Parameter"/> is what this returns.</param>
    /// <returns>A parameter inside the tuner's search space.</returns>
    Parameter Propose(TrialSettings settings);

    /// <summary>Learns from a finished trial.</summary>
    /// <param name="result">The trial's result; smaller <see cref="TrialResult.Loss"/> is better.</param>
    void Update(TrialResult result);
}
