namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>One point of a hypernetwork's predicted validation-loss curve.</summary>
/// <param name="Element">The element of λ that varies along this curve (the others stay at the chosen λ).</param>
/// <param name="Lambda">λ at this point, unconstrained.</param>
/// <param name="PredictedValidationLoss">The outer loss at the hypernetwork's weights, L_val(h_φ(λ), λ).</param>
public sealed record HypernetworkCurvePoint(int Element, IReadOnlyList<double> Lambda, double PredictedValidationLoss);
