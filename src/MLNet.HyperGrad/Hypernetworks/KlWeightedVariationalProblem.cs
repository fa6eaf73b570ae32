using System.Globalization;
using MLNet.HyperGrad.Hypergradients;
using static TorchSharp.torch;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// The variational criterion with a complexity parameter λ weighting the KL term: mean CE under q + λ·KL(q ‖ p) / N_train, over an
/// <see cref="VariationalMlpInnerProblem"/>'s posterior (μ, log σ); the problem a complexity-control hypernetwork is trained on.
/// </summary>
/// <remarks>
/// <para>Grebenkova, Bakhteev and Strijov (2021, "Deep learning model selection with parametric complexity control"): one
/// hypernetwork maps λ to the posterior of a model trained under L(λ) = E_q[−log p(y | x, w)] + λ·KL(q ‖ p); large λ pulls more
/// weights to the prior (a sparser model after pruning by |μ|/σ), small λ keeps more. λ = 1 is the ELBO of issue 9. Reads the
/// hyperparameter <see cref="KlWeightName"/> (shape [1], log transform: the unconstrained value is log λ) and passes every other
/// hyperparameter (prior precisions) to the wrapped problem, whose data, noise draws and KL code it reuses: the training loss is
/// the wrapped one plus (λ − 1)·KL / N_train. The outer loss is the wrapped problem's (the validation −ELBO per row, λ = 1).</para>
/// </remarks>
public sealed class KlWeightedVariationalProblem : IInnerProblem
{
    /// <summary>The name of the KL weight λ, shape [1].</summary>
    public const string KlWeightName = "kl_weight";

    /// <summary>Wraps a variational problem (not owned: the caller disposes it).</summary>
    /// <param name="problem">The variational problem.</param>
    public KlWeightedVariationalProblem(VariationalMlpInnerProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        Problem = problem;
    }

    /// <summary>Gets the wrapped problem.</summary>
    public VariationalMlpInnerProblem Problem { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long[]> WeightShapes => Problem.WeightShapes;

    /// <summary>The definition of the KL weight (log transform).</summary>
    /// <returns>A hyperparameter named <see cref="KlWeightName"/> of shape [1].</returns>
    public static Hyperparameter KlWeight() => new(KlWeightName, HyperparameterTransform.Log, 1);

    /// <inheritdoc/>
    public Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => Problem.InitialWeights(hyperparameters);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The set has no KL weight, or it has the wrong shape.</exception>
    public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (!hyperparameters.Contains(KlWeightName))
        {
            throw new ArgumentException($"The KL-weighted criterion needs the hyperparameter \"{KlWeightName}\" (shape [1]); the set holds [{string.Join(", ", hyperparameters.Set.Definitions.Select(d => d.Name))}].", nameof(hyperparameters));
        }

        Tensor lambda = hyperparameters.Constrained(KlWeightName);
        if (lambda.numel() != 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Hyperparameter \"{KlWeightName}\" must have one element; got {lambda.numel()}."), nameof(hyperparameters));
        }

        Tensor kl = Problem.KullbackLeibler(weights, hyperparameters);
        return Problem.TrainingLoss(weights, hyperparameters, step).Plus((lambda.reshape([]).Minus(1.0) * kl).Over(Problem.TrainRows));
    }

    /// <inheritdoc/>
    public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters) => Problem.OuterLoss(weights, hyperparameters);
}
