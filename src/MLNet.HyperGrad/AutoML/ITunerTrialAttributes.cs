namespace MLNet.HyperGrad.AutoML;

/// <summary>An optional capability of a tuner: numbers that describe how it made a proposal, stored with the trial.</summary>
/// <remarks>
/// <para>
/// Lifecycle: right after <see cref="ITuner.Propose"/> returns, and before any other call to the tuner, the experiment
/// calls <see cref="ProposalAttributes"/> with the same trial id. When the proposal becomes a trial (it may run under
/// another number when another process of the study took that one, see <see cref="ITuner"/>), the experiment stores
/// the attributes with the trial's result, beside the proposal time it measures itself
/// (<see cref="HyperGradExperiment.ProposalTimeAttribute"/>), in <see cref="TrialResult.Attributes"/>: complete and
/// pruned trials keep them in the study (the storage keeps no attributes for failed or interrupted trials). A
/// discarded proposal's attributes are dropped. A key the runner's own result also has keeps the runner's value.
/// </para>
/// <para>
/// <see cref="ITuner"/>'s contract is unchanged: a tuner that does not implement this interface gets only the
/// proposal time. Keys should carry the tuner's prefix (<c>gp.source</c>) so that they never collide with a runner's.
/// </para>
/// </remarks>
public interface ITunerTrialAttributes
{
    /// <summary>Gets the attributes of the proposal just made for trial <paramref name="trialId"/>.</summary>
    /// <param name="trialId">The id the experiment passed to <see cref="ITuner.Propose"/>.</param>
    /// <returns>The attributes (keys not empty; values finite, or NaN when unknown); empty when there are none or the id is unknown.</returns>
    IReadOnlyDictionary<string, double> ProposalAttributes(int trialId);
}
