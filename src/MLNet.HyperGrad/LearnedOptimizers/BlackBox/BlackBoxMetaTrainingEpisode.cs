namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>What one meta-training episode of <see cref="BlackBoxMetaTrainer"/> reports.</summary>
/// <param name="Episode">The episode, from 1.</param>
/// <param name="Dimension">The dimension of its functions.</param>
/// <param name="ObservedImprovement">The mean over its functions of the summed observed improvement (the loss, ≤ 0, in the loss's units).</param>
/// <param name="BestValue">The mean over its functions of the best value found (GP prior values have unit variance; with <see cref="BlackBoxMetaLoss.LogRegret"/>, the log regret found).</param>
/// <param name="Seconds">The episode's wall time.</param>
/// <param name="MetaLearningRate">Adam's meta learning rate in this episode (<see cref="BlackBoxMetaTrainingOptions.MetaLearningRateAt"/>).</param>
public sealed record BlackBoxMetaTrainingEpisode(int Episode, int Dimension, double ObservedImprovement, double BestValue, double Seconds, double MetaLearningRate);
