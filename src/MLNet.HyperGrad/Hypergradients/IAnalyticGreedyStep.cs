namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// An optional fast path of an <see cref="IInnerProblem"/> for <see cref="GreedyOneStep"/>: the pieces of the closed-form
/// one-step hypergradient, computed with plain tensor calls instead of an autograd graph over the weights.
/// </summary>
/// <remarks>
/// One step w' = w − η(μv + g(w, h)) has the hypergradient
/// d L_val(w') / dh = −η'(h)·(a·(μv + g)) − η μ'(h)·(a·v) − η·∂(g·a)/∂h with a = ∇_w L_val(w'): only a (one forward and one
/// backward pass of the validation minibatch at w') touches the weights' matrices; when only the penalties of the
/// training loss depend on h (L2 coefficients), ∂(g·a)/∂h is Σ W ⊙ a per coefficient times dλ/du, and the rest is a
/// few scalars: no autograd at all.
/// <see cref="GreedyOneStep"/> uses it when <see cref="CoversGreedyAnalytically"/> says yes, autograd otherwise. Every
/// function must be deterministic, as <see cref="IInnerProblem"/>'s.
/// </remarks>
internal interface IAnalyticGreedyStep
{
    /// <summary>Whether the closed form covers this problem with these hyperparameters: its training gradient depends on them only through the L2 penalties, its outer loss not at all, and <see cref="IAnalyticReverseStep.AnalyticTrainingGradient(double[], HyperparameterTensors, int, Span{double})"/> is available.</summary>
    /// <param name="hyperparameters">The hyperparameter leaves of the computation.</param>
    /// <returns>True if the closed-form functions may be called.</returns>
    bool CoversGreedyAnalytically(HyperparameterTensors hyperparameters);

    /// <summary>The outer criterion at the weights and its gradient with respect to them, without an autograd graph.</summary>
    /// <param name="weights">The flat float64 weights (the problem's weight shapes, one after another).</param>
    /// <param name="step">The inner step whose validation minibatch is used (as <see cref="IInnerProblem.OuterLossOnBatch"/>); null for the whole validation set (as <see cref="IInnerProblem.OuterLoss"/>).</param>
    /// <param name="gradient">∇_w of the criterion, flat, as long as the weights.</param>
    /// <returns>The criterion's value.</returns>
    double AnalyticOuterGradient(double[] weights, int? step, Span<double> gradient);

    /// <summary>
    /// Adds scale·∂(g·d)/∂u to <paramref name="hypergradient"/> for every unconstrained hyperparameter element u the training
    /// gradient depends on (the penalties' coefficients: ∂(g·d)/∂λ is Σ W ⊙ d over each coefficient's weights, times dλ/du),
    /// with the weights and the direction held fixed; other elements are left as they are.
    /// </summary>
    /// <param name="weights">The flat float64 weights W at which g is taken.</param>
    /// <param name="direction">d, flat, as long as the weights.</param>
    /// <param name="hyperparameters">The hyperparameters (values and transforms).</param>
    /// <param name="scale">The factor of the added term.</param>
    /// <param name="hypergradient">Flat in the set's definition order, <see cref="HyperparameterSet.ElementCount"/> long.</param>
    void AddPenaltyDirectionalDerivative(double[] weights, double[] direction, HyperparameterSet hyperparameters, double scale, Span<double> hypergradient);
}
