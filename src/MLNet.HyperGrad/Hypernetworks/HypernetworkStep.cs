namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>One step on the hyperparameters of a <see cref="HypernetworkSearch"/>.</summary>
/// <param name="Step">The step, from 0 (the start, before any step).</param>
/// <param name="HypernetworkSteps">Hypernetwork training steps taken so far.</param>
/// <param name="Lambda">λ at this step, unconstrained.</param>
/// <param name="PredictedValidationLoss">The outer loss at the hypernetwork's weights there.</param>
/// <param name="TrainingLoss">The mean training loss of the hypernetwork's last (up to 100) training steps.</param>
public sealed record HypernetworkStep(int Step, int HypernetworkSteps, IReadOnlyList<double> Lambda, double PredictedValidationLoss, double TrainingLoss);
