namespace MLNet.HyperGrad.Training;

/// <summary>Where a training run stands, reported after every minibatch.</summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Epochs">The number of epochs.</param>
/// <param name="Batch">Minibatches done in this epoch.</param>
/// <param name="BatchesPerEpoch">Minibatches per epoch.</param>
/// <param name="CompletedEpoch">The report of the epoch just finished, on its last minibatch; otherwise null.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, EpochReport? CompletedEpoch)
{
    /// <summary>Gets the fraction of the run done, in [0, 1].</summary>
    public double Fraction => ((Epoch - 1) + ((double)Batch / BatchesPerEpoch)) / Epochs;
}
