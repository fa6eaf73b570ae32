using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// An optional fast path of an <see cref="IInnerProblem"/> for the reverse-mode methods: the training gradient, its
/// Hessian-vector product and the mixed term with respect to the hyperparameters, computed analytically instead of by
/// autograd (Pearlmutter 1994, "Fast exact multiplication by the Hessian": one forward pass, one backward pass and one
/// R-pass).
/// </summary>
/// <remarks>
/// <see cref="ReverseSweep"/> uses it when <see cref="CoversAnalytically"/> says yes, autograd otherwise. Exact reversal
/// needs the gradient of the reverse pass to have the bits of the forward pass's: both directions then take it from
/// here (<see cref="AnalyticTrainingGradient(IReadOnlyList{Tensor}, HyperparameterTensors, int)"/> forward, at the same
/// tensors written in place, <see cref="AnalyticReverseStep(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, HyperparameterTensors, int, out Tensor[], out Tensor[])"/>
/// backward), and exact reversal checks every recomputed gradient against a checksum of the forward pass's rounded
/// gradient, recomputing it with the forward pass's routine when they differ (a BLAS may sum a wider product in another
/// order). The flat-array overloads compute the same by the same calls (DrMAD, checkpointing, plain runs).
/// Every function must be deterministic, as <see cref="IInnerProblem"/>'s.
/// </remarks>
internal interface IAnalyticReverseStep
{
    /// <summary>Whether the analytic step covers this problem with these hyperparameters (otherwise autograd is used).</summary>
    /// <param name="hyperparameters">The hyperparameter leaves of the computation.</param>
    /// <returns>True if the analytic functions may be called.</returns>
    bool CoversAnalytically(HyperparameterTensors hyperparameters);

    /// <summary>g = ∇_w L_t(w), the training loss's gradient at step t, into <paramref name="gradient"/>.</summary>
    /// <param name="weights">The flat float64 weights (the problem's weight shapes, one after another).</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <param name="step">The inner step, which selects the batch.</param>
    /// <param name="gradient">The flat gradient, as long as the weights.</param>
    void AnalyticTrainingGradient(double[] weights, HyperparameterTensors hyperparameters, int step, Span<double> gradient);

    /// <summary>
    /// g = ∇_w L_t(w), H·v = ∇²_w L_t(w)·v and the mixed term ∂(g·v)/∂u for every hyperparameter leaf u, in one pass.
    /// </summary>
    /// <param name="weights">The flat float64 weights.</param>
    /// <param name="direction">v, flat, as long as the weights.</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <param name="step">The inner step, which selects the batch.</param>
    /// <param name="gradient">g, as long as the weights.</param>
    /// <param name="product">H·v, as long as the weights.</param>
    /// <returns>∂(g·v)/∂u, one float64 tensor per leaf of <paramref name="hyperparameters"/> (in their order and shapes),
    /// in the caller's dispose scope; null when the training loss depends on no hyperparameter.</returns>
    Tensor[]? AnalyticReverseStep(double[] weights, double[] direction, HyperparameterTensors hyperparameters, int step, Span<double> gradient, Span<double> product);

    /// <summary>Like <see cref="AnalyticTrainingGradient(double[], HyperparameterTensors, int, Span{double})"/>, on tensors: by the same calls, so with the same bits.</summary>
    /// <param name="weights">float64 weights of the problem's weight shapes (for example views of one flat buffer the caller reuses).</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <param name="step">The inner step, which selects the batch.</param>
    /// <returns>g, one tensor per weight tensor (same shapes, contiguous), in the caller's dispose scope.</returns>
    Tensor[] AnalyticTrainingGradient(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step);

    /// <summary>Like <see cref="AnalyticReverseStep(double[], double[], HyperparameterTensors, int, Span{double}, Span{double})"/>, on tensors.</summary>
    /// <param name="weights">float64 weights of the problem's weight shapes.</param>
    /// <param name="direction">v, tensors of the same shapes.</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <param name="step">The inner step, which selects the batch.</param>
    /// <param name="gradient">g, one tensor per weight tensor (contiguous), in the caller's dispose scope.</param>
    /// <param name="product">H·v, likewise.</param>
    /// <returns>∂(g·v)/∂u per leaf, in the caller's dispose scope; null when the training loss depends on no hyperparameter.</returns>
    Tensor[]? AnalyticReverseStep(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> direction, HyperparameterTensors hyperparameters, int step, out Tensor[] gradient, out Tensor[] product);
}
