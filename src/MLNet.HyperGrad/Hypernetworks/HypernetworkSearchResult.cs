using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>What <see cref="HypernetworkSearch.Run"/> found.</summary>
public sealed class HypernetworkSearchResult
{
    /// <summary>Gets the chosen hyperparameters: the construction's set with the inputs at <see cref="Lambda"/>.</summary>
    public required HyperparameterSet Hyperparameters { get; init; }

    /// <summary>Gets the chosen λ, unconstrained (the last step's).</summary>
    public required IReadOnlyList<double> Lambda { get; init; }

    /// <summary>Gets the predicted validation loss at the chosen λ.</summary>
    public required double PredictedValidationLoss { get; init; }

    /// <summary>Gets the steps on λ, from the start.</summary>
    public required IReadOnlyList<HypernetworkStep> Trajectory { get; init; }

    /// <summary>Gets the predicted validation-loss curves: for each element of λ, a sweep over its range with the others at the chosen λ, in element order.</summary>
    public required IReadOnlyList<HypernetworkCurvePoint> Curve { get; init; }

    /// <summary>Gets the hypernetwork training steps taken in all.</summary>
    public required int HypernetworkSteps { get; init; }

    /// <summary>The point of <see cref="Curve"/> with the lowest predicted validation loss (for one input, the argmin of the predicted curve on its grid).</summary>
    /// <returns>The point.</returns>
    public HypernetworkCurvePoint CurveArgmin() => Curve.MinBy(p => p.PredictedValidationLoss)!;
}
