namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>One epoch of a self-tuning run: the hyperparameters it reached (the learned schedule) and the losses.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Dropout">The dropout rate of each hidden layer at the end of the epoch (the perturbation's mean).</param>
/// <param name="L2">The L2 coefficient of each affine layer at the end of the epoch.</param>
/// <param name="PerturbationScales">The perturbation scale σ of each hyperparameter (dropout logits, then log L2), in unconstrained units.</param>
/// <param name="TrainLoss">The mean training cross-entropy of the epoch's weight steps (with perturbed hyperparameters and dropout on).</param>
/// <param name="ValidationLoss">The validation cross-entropy at the end of the epoch, at the mean hyperparameters, dropout off.</param>
/// <param name="ValidationAccuracy">The validation accuracy there.</param>
/// <param name="Seconds">The epoch's wall-clock seconds.</param>
public sealed record SelfTuningEpoch(
    int Epoch,
    IReadOnlyList<double> Dropout,
    IReadOnlyList<double> L2,
    IReadOnlyList<double> PerturbationScales,
    double TrainLoss,
    double ValidationLoss,
    double ValidationAccuracy,
    double Seconds);
