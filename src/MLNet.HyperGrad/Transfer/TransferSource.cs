namespace MLNet.HyperGrad.Transfer;

/// <summary>One earlier study that formed a transfer prior, as the new study records it (<see cref="TransferSummary"/>).</summary>
/// <param name="Study">The earlier study's name.</param>
/// <param name="Trials">How many of its trials the prior was pre-trained on (complete, finite loss, inside the new space).</param>
/// <param name="NegativeLogLikelihoodPerPoint">
/// How well the pre-trained prior explains the study's trials (<see cref="SourceTaskFit.NegativeLogLikelihoodPerPoint"/>): lower is a
/// better fit, a study the prior learned and trusts; about <see cref="UninformedNegativeLogLikelihood"/> is what a prior that knows
/// nothing scores, and above it the prior contradicts the study. NaN when unknown.
/// </param>
public sealed record TransferSource(string Study, int Trials, double NegativeLogLikelihoodPerPoint)
{
    /// <summary>The negative log likelihood per point of a standardized task under a prior that knows nothing beyond unit variance: ½ ln 2πe ≈ 1.42.</summary>
    public static readonly double UninformedNegativeLogLikelihood = 0.5 * Math.Log(2 * Math.PI * Math.E);
}
