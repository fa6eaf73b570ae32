using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Greedy one-step hypergradients applied online during a single training run (Luketina, Berglund,
/// Greff and Raiko 2016, "Scalable gradient-based tuning of continuous regularization hyperparameters", T1–T2).
/// </summary>
/// <remarks>
/// At each inner step t the method differentiates the outer loss after that one step,
/// L_outer(w_t − η_t(μ_t v_t + ∇L_t(w_t, h))), with respect to the hyperparameters (w_t and v_t held
/// fixed), and, when <see cref="OuterLearningRate"/> is positive, moves the unconstrained hyperparameters
/// against it before the next step. The result's gradients are the mean one-step hypergradients over the
/// run; <see cref="TunedHyperparameters"/> holds the hyperparameters at its end. With one step and no
/// tuning, the hypergradient is exact. Two settings trade fidelity for cost, as Luketina et al. do: with
/// <see cref="ValidationMinibatches"/> each step's outer loss is the problem's
/// <see cref="IInnerProblem.OuterLossOnBatch"/> (a validation minibatch) rather than the whole validation set, and with
/// <see cref="UpdateInterval"/> k &gt; 1 only every k-th step is differentiated and updates the hyperparameters (the others
/// are plain SGD-momentum steps), which brings the cost of the tuned run towards that of an untuned one. With
/// <see cref="OuterStep"/> <see cref="GreedyOuterStep.Adam"/> the online update is a normalized (Adam) step of size about
/// β in unconstrained units, whatever the hypergradient's scale; hyperparameters that are not tuned get a zero gradient and
/// do not move.
/// </remarks>
public sealed class GreedyOneStep : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    /// <param name="outerLearningRate">β, the step of the online update u ← u − β·(one-step hypergradient); 0 only measures.</param>
    /// <param name="tunedNames">The hyperparameters the online update moves (for example only the L2 coefficients, leaving the learning rate and momentum fixed); null for all.</param>
    /// <param name="validationMinibatches">Whether each step's outer loss is a validation minibatch (<see cref="IInnerProblem.OuterLossOnBatch"/>); the default false uses the whole validation set.</param>
    /// <param name="updateInterval">Differentiate (and update) every this many steps, at least 1; the default 1 is every step.</param>
    /// <param name="outerStep">How each one-step hypergradient becomes an update; the default <see cref="GreedyOuterStep.Gradient"/> is u ← u − β·g.</param>
    /// <exception cref="ArgumentOutOfRangeException">β is negative or not finite, the interval is below 1, or the step kind is not defined.</exception>
    public GreedyOneStep(ReverseModeOptions? options = null, double outerLearningRate = 0, IReadOnlyCollection<string>? tunedNames = null, bool validationMinibatches = false, int updateInterval = 1, GreedyOuterStep outerStep = GreedyOuterStep.Gradient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(updateInterval, 1);
        if (!Enum.IsDefined(outerStep))
        {
            throw new ArgumentOutOfRangeException(nameof(outerStep), outerStep, $"Expected one of {string.Join(", ", Enum.GetNames<GreedyOuterStep>())}.");
        }

        if (!(outerLearningRate >= 0 && double.IsFinite(outerLearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(outerLearningRate), outerLearningRate, "The outer learning rate must be finite and at least 0.");
        }

        Options = options ?? new ReverseModeOptions();
        OuterLearningRate = outerLearningRate;
        TunedNames = tunedNames is null ? null : [.. tunedNames];
        ValidationMinibatches = validationMinibatches;
        UpdateInterval = updateInterval;
        OuterStep = outerStep;
    }

    /// <summary>The ε of the normalized (Adam) online step: far below the one-step hypergradient of any L2 coefficient a tuner proposes, which is proportional to the coefficient.</summary>
    public const double AdamEpsilon = 1e-30;

    /// <summary>Gets how each one-step hypergradient becomes an update of the tuned hyperparameters.</summary>
    public GreedyOuterStep OuterStep { get; }

    /// <summary>Gets whether each step's outer loss is a validation minibatch.</summary>
    public bool ValidationMinibatches { get; }

    /// <summary>Gets how many inner steps pass between two differentiated (and updating) steps.</summary>
    public int UpdateInterval { get; }

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <summary>Gets β, the step of the online update (of the gradient step, or of Adam's normalized step).</summary>
    public double OuterLearningRate { get; }

    /// <summary>Gets the names of the hyperparameters the online update moves; null for all.</summary>
    public IReadOnlyList<string>? TunedNames { get; }

    /// <summary>Gets the hyperparameters at the end of the last run (a copy; equal to the input when β = 0).</summary>
    public HyperparameterSet? TunedHyperparameters { get; private set; }

    /// <summary>Gets the weights at the end of the last run, float64, flat in the order and shapes of the problem's weight shapes; null before the first run and after <see cref="Reset"/>.</summary>
    /// <remarks>To judge them on another set (a test set), evaluate another inner problem's outer loss at them.</remarks>
    public IReadOnlyList<double>? FinalWeights { get; private set; }

    /// <inheritdoc/>
    public string Name => "greedy";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training diverged (a loss is not finite).</exception>
    /// <exception cref="ArgumentException">A tuned name is not in the set, or the options do not fit it.</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        string[] missing = [.. (TunedNames ?? []).Where(n => !hyperparameters.Contains(n))];
        if (missing.Length > 0)
        {
            throw new ArgumentException($"Tuned hyperparameters [{string.Join(", ", missing)}] are not in the set; present: [{string.Join(", ", hyperparameters.Definitions.Select(d => d.Name))}].", nameof(hyperparameters));
        }

        bool[] tuned = [.. hyperparameters.Definitions.SelectMany(d => Enumerable.Repeat(TunedNames is null || TunedNames.Contains(d.Name, StringComparer.Ordinal), d.ElementCount))];
        long start = Options.TimeProvider.GetTimestamp();
        long[][] shapes = [.. problem.WeightShapes];
        HyperparameterSet current = hyperparameters.WithUnconstrained(hyperparameters.FlattenUnconstrained());
        double[] sum = new double[current.ElementCount];
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(current.CreateTensors()));
        }

        double[] v = new double[w.Length];
        double[] gradient = new double[w.Length];
        int differentiated = 0;
        // Adam's usual ε = 1e-8 would swamp the hypergradient of a small L2 coefficient (about 1e-11 at λ = 1e-8), which is
        // exactly the case the normalized step is for; 1e-30 only guards the division.
        HyperparameterAdam? adam = OuterStep == GreedyOuterStep.Adam && OuterLearningRate > 0 ? new HyperparameterAdam(OuterLearningRate, epsilon: AdamEpsilon) : null;
        for (int t = 0; t < Options.Steps; t++)
        {
            using var scope = torch.NewDisposeScope();
            HyperparameterTensors h = current.CreateTensors();
            if (t % UpdateInterval != 0)
            {
                PlainStep(problem, h, shapes, w, v, gradient, t);
                continue;
            }

            differentiated++;
            Tensor[] weights = FlatTensors.Leaves(w, shapes);
            Tensor[] velocities = FlatTensors.Unflatten(v, shapes);
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(weights, h, t)], weights, createGraph: true);
            Tensor lrs = h.Constrained(Options.LearningRateName).reshape(-1);
            Tensor mus = h.Constrained(Options.MomentumName).reshape(-1);
            Tensor lr = lrs[Options.EntryOf(t, (int)lrs.shape[0])];
            Tensor mu = mus[Options.EntryOf(t, (int)mus.shape[0])];
            Tensor[] nextV = [.. velocities.Zip(g, (a, b) => (mu * a) + b)];
            Tensor[] nextW = [.. weights.Zip(nextV, (a, b) => a - (lr * b))];
            Tensor outer = ValidationMinibatches ? problem.OuterLossOnBatch(nextW, h, t) : problem.OuterLoss(nextW, h);
            double[] hypergradient = FlatTensors.Flatten(TorchAutograd.Grad([outer], h.Leaves, allowUnused: true));
            if (!double.IsFinite(outer.item<double>()) || hypergradient.Any(x => !double.IsFinite(x)))
            {
                throw new HyperGradException($"Greedy one-step: the outer loss or its hypergradient is not finite at inner step {t}; the inner training diverged.");
            }

            FlatTensors.FlattenInto(nextW, w);
            FlatTensors.FlattenInto(nextV, v);
            double[] u = current.FlattenUnconstrained();
            double[] masked = new double[sum.Length];
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += hypergradient[i];
                if (tuned[i])
                {
                    masked[i] = hypergradient[i];
                    u[i] -= OuterLearningRate * hypergradient[i];
                }
            }

            if (adam is not null)
            {
                current = adam.Step(current, masked);
            }
            else if (OuterLearningRate > 0)
            {
                current = current.WithUnconstrained(u);
            }
        }

        double outerLoss;
        using (torch.NewDisposeScope())
        {
            outerLoss = problem.OuterLoss(FlatTensors.Unflatten(w, shapes), current.CreateTensors()).item<double>();
        }

        TunedHyperparameters = current;
        FinalWeights = Array.AsReadOnly(w);
        var named = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int offset = 0;
        foreach (Hyperparameter d in current.Definitions)
        {
            named[d.Name] = [.. sum.Skip(offset).Take(d.ElementCount).Select(x => x / differentiated)];
            offset += d.ElementCount;
        }

        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = Options.Steps,
            HessianVectorProducts = differentiated,
        };
        return new HypergradientResult(outerLoss, named, cost);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        TunedHyperparameters = null;
        FinalWeights = null;
    }

    // One SGD-momentum step in place, without differentiating it: v ← μ v + g, w ← w − η v (the same float64 operations,
    // in the same order, as the differentiated step's tensors), on arrays reused across steps.
    private void PlainStep(IInnerProblem problem, HyperparameterTensors h, long[][] shapes, double[] w, double[] v, double[] gradient, int t)
    {
        ReverseSweep.TrainingGradient(problem, h, w, shapes, t, gradient);
        double lr = h.Constrained(Options.LearningRateName).reshape(-1)[Options.EntryOf(t, h.Set.Definition(Options.LearningRateName).ElementCount)].item<double>();
        double mu = h.Constrained(Options.MomentumName).reshape(-1)[Options.EntryOf(t, h.Set.Definition(Options.MomentumName).ElementCount)].item<double>();
        ReverseSweep.ForwardStep(w, v, gradient, lr, mu);
        if (w.Any(x => !double.IsFinite(x)))
        {
            throw new HyperGradException($"Greedy one-step: a weight is not finite after inner step {t}; the inner training diverged.");
        }
    }
}
