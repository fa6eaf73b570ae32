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
/// <para><b>The multi-worker contract.</b> Several trials may be pending at once (proposed, not yet updated: parallel trials
/// of one process, or trials of other workers of a shared study, which this tuner never proposed and learns of only through
/// <see cref="Update"/>). Every tuner must then: (1) give valid proposals, distinct from each other where the space allows,
/// when <see cref="Propose"/> is called many times with no <see cref="Update"/> between (model-based tuners add the pending
/// points to their model with a made-up value, the "constant liar"); (2) propose validly after being rebuilt from storage, a
/// fresh instance fed <see cref="Update"/> once for every finished trial of the study; (3) accept results in any order
/// (trial ids out of order, results for trials it never proposed). Each tuner's remarks say how it behaves; the test suite's
/// <c>MultiWorkerTunerContractTests</c>, which every tuner's test class inherits, checks all three.</para>
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
