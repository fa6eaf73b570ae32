using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Reverse-mode hypergradients by storing everything: the whole training run is recorded by autograd and differentiated.</summary>
/// <remarks>
/// The reference for the memory-saving methods (exact reversal, checkpointing): simple and exact, but
/// its memory grows with T (every step's weights, velocities and activations stay in the graph).
/// </remarks>
public sealed class UnrolledReverseMode : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    public UnrolledReverseMode(ReverseModeOptions? options = null) => Options = options ?? new ReverseModeOptions();

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "unrolled";

    /// <inheritdoc/>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        Tensor learningRates = h.Constrained(Options.LearningRateName).reshape(-1);
        Tensor momenta = h.Constrained(Options.MomentumName).reshape(-1);
        Tensor[] weights = problem.InitialWeights(h);
        for (int i = 0; i < weights.Length; i++)
        {
            if (!weights[i].requires_grad)
            {
                weights[i] = weights[i].detach().requires_grad_(true);
            }
        }

        Tensor[] velocities = [.. weights.Select(w => torch.zeros_like(w))];
        for (int t = 0; t < Options.Steps; t++)
        {
            Tensor loss = problem.TrainingLoss(weights, h, t);
            Tensor[] gradients = TorchAutograd.Grad([loss], weights, createGraph: true);
            Tensor lr = learningRates[Options.EntryOf(t, (int)learningRates.shape[0])];
            Tensor mu = momenta[Options.EntryOf(t, (int)momenta.shape[0])];
            (weights, velocities) = SgdMomentum.Step(weights, velocities, gradients, lr, mu);
        }

        Tensor outer = problem.OuterLoss(weights, h);
        Tensor[] hypergradients = TorchAutograd.Grad([outer], h.Leaves, allowUnused: true);
        long elements = problem.WeightShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = Options.Steps,
            HessianVectorProducts = Options.Steps,
            StoredBytes = 2L * Options.Steps * elements * sizeof(double),
            TrajectoryBytes = 2L * Options.Steps * elements * sizeof(float),
        };
        return new HypergradientResult(outer.item<double>(), h.ToNamedArrays(hypergradients), cost);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
