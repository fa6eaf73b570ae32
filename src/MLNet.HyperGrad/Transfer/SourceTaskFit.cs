namespace MLNet.HyperGrad.Transfer;

/// <summary>How well the final pre-trained prior explains one source task: the measure of how much that task shaped (and is trusted by) the prior.</summary>
/// <param name="Name">The source task's name.</param>
/// <param name="Points">The number of the task's points the measure used (all of them, up to 128; the first 128 otherwise).</param>
/// <param name="NegativeLogLikelihoodPerPoint">
/// The negative log marginal likelihood of the task's standardized losses under the final prior, divided by <paramref name="Points"/>.
/// Lower means the prior explains the task better; about 1.42 (½ ln 2πe) is what a prior that knows nothing beyond unit variance
/// scores, so values well below it mark tasks the prior has learned and values above it mark tasks it contradicts.
/// </param>
public sealed record SourceTaskFit(string Name, int Points, double NegativeLogLikelihoodPerPoint);
