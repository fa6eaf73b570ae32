namespace MLNet.HyperGrad.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainLoss">The mean training loss over the epoch's minibatches.</param>
/// <param name="Validation">Loss and accuracy on the validation data, if any was given.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (evaluation excluded).</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, Evaluation? Validation, double Seconds, double SamplesPerSecond);
