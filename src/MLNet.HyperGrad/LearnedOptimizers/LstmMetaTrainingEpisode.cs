namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>What one meta-training episode of <see cref="LstmMetaTrainer"/> measured.</summary>
/// <param name="Episode">The episode, from 1.</param>
/// <param name="MeanLoss">The optimizee's minibatch loss averaged over the episode's steps (the meta-loss, before the episode's updates of φ took effect on later unrolls).</param>
/// <param name="FinalLoss">The optimizee's minibatch loss after the episode's last step.</param>
/// <param name="Seconds">The episode's wall-clock time.</param>
public sealed record LstmMetaTrainingEpisode(int Episode, double MeanLoss, double FinalLoss, double Seconds);
