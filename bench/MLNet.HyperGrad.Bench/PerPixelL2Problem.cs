using MLNet.HyperGrad.Hypergradients;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Softmax regression (an <see cref="MlpInnerProblem"/> of one layer) with one L2 coefficient per input pixel:
/// the training loss gains ½ Σ_j λ_j Σ_k W_kj², λ = "l2.pixel" of shape [inputs] (log space), shared by the classes.
/// </summary>
/// <remarks>The per-pixel version of HOAG's experiment (Pedregosa 2016): 784 hyperparameters instead of one.</remarks>
internal sealed class PerPixelL2Problem(MlpInnerProblem inner) : IInnerProblem
{
    public const string Name = "l2.pixel";

    public IReadOnlyList<long[]> WeightShapes => inner.WeightShapes;

    public Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => inner.InitialWeights(hyperparameters);

    public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters) => inner.OuterLoss(weights, hyperparameters);

    public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step)
    {
        Tensor loss = inner.TrainingLoss(weights, hyperparameters, step);
        if (!hyperparameters.Contains(Name))
        {
            return loss;
        }

        Tensor l2 = hyperparameters.Constrained(Name);
        if (l2.dim() != 1 || l2.shape[0] != weights[0].shape[1])
        {
            throw new ArgumentException($"Hyperparameter \"{Name}\" must have shape [{weights[0].shape[1]}] (one per input); got [{string.Join(", ", l2.shape)}].", nameof(hyperparameters));
        }

        return loss + (0.5 * (l2.unsqueeze(0) * weights[0].square()).sum());
    }
}
