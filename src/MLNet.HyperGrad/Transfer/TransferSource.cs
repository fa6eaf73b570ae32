namespace MLNet.HyperGrad.Transfer;

/// <summary>One earlier study that formed a transfer prior, as the new study records it (<see cref="TransferSummary"/>).</summary>
/// <param name="Study">The earlier study's name.</param>
/// <param name="Trials">How many of its trials the prior was pre-trained on (complete, finite loss, inside the new space).</param>
/// <param name="Fit">How well the pre-trained prior explains the study's trials (<see cref="PretrainedGpPrior.SourceTaskFit"/>): the larger, the more the prior trusts what it learned from it.</param>
public sealed record TransferSource(string Study, int Trials, double Fit);
