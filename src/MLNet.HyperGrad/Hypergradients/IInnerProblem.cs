using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The inner (training) problem of bilevel hyperparameter optimization, as differentiable float64 functions.</summary>
/// <remarks>
/// A hypergradient method calls these many times (once or twice per inner step); each call creates its
/// tensors in the caller's current dispose scope. Every function must be deterministic: the same
/// inputs give bit-for-bit the same outputs (exact reversal relies on it).
/// </remarks>
public interface IInnerProblem
{
    /// <summary>Gets the shapes of the weight tensors, in order.</summary>
    IReadOnlyList<long[]> WeightShapes { get; }

    /// <summary>The initial weights, as a function of the hyperparameters (init scales).</summary>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <returns>float64 tensors of <see cref="WeightShapes"/>; they may require grad (through the hyperparameters) or not.</returns>
    Tensor[] InitialWeights(HyperparameterTensors hyperparameters);

    /// <summary>The training objective, penalties included, on the batch of one inner step or on the whole training set.</summary>
    /// <param name="weights">float64 weights of <see cref="WeightShapes"/>.</param>
    /// <param name="hyperparameters">The hyperparameter leaves (L2 coefficients and the like).</param>
    /// <param name="step">The inner step (0-based), which selects the batch; null for the whole training set.</param>
    /// <returns>A float64 scalar.</returns>
    Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step);

    /// <summary>The outer criterion (a validation loss, or one that also depends on the hyperparameters).</summary>
    /// <param name="weights">float64 weights of <see cref="WeightShapes"/>.</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <returns>A float64 scalar.</returns>
    Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters);

    /// <summary>
    /// The outer criterion on the validation rows of one online step, for methods that judge every inner step
    /// (greedy one-step, as Luketina et al. 2016 do with validation minibatches); by default the whole <see cref="OuterLoss"/>.
    /// </summary>
    /// <param name="weights">float64 weights of <see cref="WeightShapes"/>.</param>
    /// <param name="hyperparameters">The hyperparameter leaves.</param>
    /// <param name="step">The inner step (0-based), which selects the validation batch.</param>
    /// <returns>A float64 scalar.</returns>
    Tensor OuterLossOnBatch(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step) => OuterLoss(weights, hyperparameters);
}
