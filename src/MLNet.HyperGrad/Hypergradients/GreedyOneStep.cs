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
/// do not move. With <see cref="EveryStepFraction"/> f &gt; 0 the interval widens during the run: the first ⌈f·T⌉ steps are
/// all differentiated (the early steps move the hyperparameters most) and every k-th step after them.
/// When the problem has a closed-form greedy step (<see cref="IAnalyticGreedyStep"/>: the MLP inner problem with L2
/// penalties), a differentiated step builds no autograd graph over the weights: it takes the training gradient g, steps to
/// w' = w − η(μv + g), takes a = ∇_w L_val(w') by one forward and one backward pass of the validation rows, and
/// differentiates −η(u)·(μ(u)·(a·v) + a·g) − η·Σ λ(u)·(W ⊙ a) with respect to the unconstrained hyperparameters u by the
/// transforms' derivatives, in plain loops; other problems are differentiated by autograd through the step.
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
    /// <param name="everyStepFraction">The fraction f of the run, from its start, in which every step is differentiated before the interval widens to <paramref name="updateInterval"/>, in [0, 1]; the default 0 uses the interval from the first step.</param>
    /// <exception cref="ArgumentOutOfRangeException">β is negative or not finite, the interval is below 1, the fraction is outside [0, 1], or the step kind is not defined.</exception>
    public GreedyOneStep(ReverseModeOptions? options = null, double outerLearningRate = 0, IReadOnlyCollection<string>? tunedNames = null, bool validationMinibatches = false, int updateInterval = 1, GreedyOuterStep outerStep = GreedyOuterStep.Gradient, double everyStepFraction = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(updateInterval, 1);
        if (!(everyStepFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(everyStepFraction), everyStepFraction, "The every-step fraction must be in [0, 1].");
        }

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
        EveryStepFraction = everyStepFraction;
    }

    /// <summary>The ε of the normalized (Adam) online step: far below the one-step hypergradient of any L2 coefficient a tuner proposes, which is proportional to the coefficient.</summary>
    public const double AdamEpsilon = 1e-30;

    /// <summary>Gets how each one-step hypergradient becomes an update of the tuned hyperparameters.</summary>
    public GreedyOuterStep OuterStep { get; }

    /// <summary>Gets whether each step's outer loss is a validation minibatch.</summary>
    public bool ValidationMinibatches { get; }

    /// <summary>Gets how many inner steps pass between two differentiated (and updating) steps (after the first <see cref="EveryStepFraction"/> of the run).</summary>
    public int UpdateInterval { get; }

    /// <summary>Gets the fraction f of the run, from its start, in which every step is differentiated: steps t &lt; ⌈f·T⌉ are, and after them every <see cref="UpdateInterval"/>-th step, counted from ⌈f·T⌉.</summary>
    public double EveryStepFraction { get; }

    /// <summary>Gets the steps of the last run differentiated in closed form (<see cref="IAnalyticGreedyStep"/>) rather than by autograd.</summary>
    internal int ClosedFormSteps { get; private set; }

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
        double[] stepped = new double[w.Length];
        double[] outerGradient = new double[w.Length];
        int differentiated = 0;
        // Rounded to 9 decimals first, so that f·T a hair above an integer (0.3·10 in binary) does not add a step.
        int everyStep = (int)Math.Ceiling(Math.Round(EveryStepFraction * Options.Steps, 9));
        ClosedFormSteps = 0;
        // Adam's usual ε = 1e-8 would swamp the hypergradient of a small L2 coefficient (about 1e-11 at λ = 1e-8), which is
        // exactly the case the normalized step is for; 1e-30 only guards the division.
        HyperparameterAdam? adam = OuterStep == GreedyOuterStep.Adam && OuterLearningRate > 0 ? new HyperparameterAdam(OuterLearningRate, epsilon: AdamEpsilon) : null;
        // The hyperparameters' leaves and values, made again only when an update changes them (not at every step).
        HyperparameterTensors? h = null;
        double[] learningRates = [];
        double[] momenta = [];
        try
        {
            for (int t = 0; t < Options.Steps; t++)
            {
                if (h is null)
                {
                    h = DetachedTensors(current);
                    learningRates = current.Values(Options.LearningRateName);
                    momenta = current.Values(Options.MomentumName);
                }

                double lr = learningRates[Options.EntryOf(t, learningRates.Length)];
                double mu = momenta[Options.EntryOf(t, momenta.Length)];
                if (t >= everyStep && (t - everyStep) % UpdateInterval != 0)
                {
                    ReverseSweep.TrainingGradient(problem, h, w, shapes, t, gradient);
                    ReverseSweep.ForwardStep(w, v, gradient, lr, mu);
                    CheckFinite(w, t);
                    continue;
                }

                differentiated++;
                double[] hypergradient;
                double outer;
                using (torch.NewDisposeScope())
                {
                    if (problem is IAnalyticGreedyStep closed && closed.CoversGreedyAnalytically(h))
                    {
                        (outer, hypergradient) = ClosedFormStep(closed, problem, h, current, shapes, t, lr, mu, w, v, gradient, stepped, outerGradient);
                        ClosedFormSteps++;
                    }
                    else
                    {
                        (outer, hypergradient) = AutogradStep(problem, h, shapes, t, w, v);
                    }
                }

                if (!double.IsFinite(outer) || hypergradient.Any(x => !double.IsFinite(x)))
                {
                    throw new HyperGradException($"Greedy one-step: the outer loss or its hypergradient is not finite at inner step {t}; the inner training diverged.");
                }

                CheckFinite(w, t);
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

                HyperparameterSet next = current;
                if (adam is not null)
                {
                    next = adam.Step(current, masked);
                }
                else if (OuterLearningRate > 0)
                {
                    next = current.WithUnconstrained(u);
                }

                if (!ReferenceEquals(next, current))
                {
                    current = next;
                    DisposeLeaves(h);
                    h = null;
                }
            }
        }
        finally
        {
            DisposeLeaves(h);
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

    // The leaves of a set, detached from every dispose scope (DisposeLeaves releases them), so that the steps between two
    // updates share them.
    private static HyperparameterTensors DetachedTensors(HyperparameterSet set)
    {
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = set.CreateTensors();
        foreach (Tensor leaf in h.Leaves)
        {
            leaf.DetachFromDisposeScope();
        }

        return h;
    }

    private static void DisposeLeaves(HyperparameterTensors? h)
    {
        foreach (Tensor leaf in h?.Leaves ?? [])
        {
            leaf.Dispose();
        }
    }

    private static void CheckFinite(double[] w, int t)
    {
        foreach (double x in w)
        {
            if (!double.IsFinite(x))
            {
                throw new HyperGradException($"Greedy one-step: a weight is not finite after inner step {t}; the inner training diverged.");
            }
        }
    }

    // The differentiated step by autograd: the gradient with a graph, the step as tensors, the outer loss after it
    // differentiated with respect to the leaves. Updates w and v in place; returns the outer loss and the hypergradient.
    private (double Outer, double[] Hypergradient) AutogradStep(IInnerProblem problem, HyperparameterTensors h, long[][] shapes, int t, double[] w, double[] v)
    {
        Tensor[] weights = FlatTensors.Leaves(w, shapes);
        Tensor[] velocities = FlatTensors.Unflatten(v, shapes);
        Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(weights, h, t)], weights, createGraph: true);
        Tensor lrs = h.Constrained(Options.LearningRateName).reshape(-1);
        Tensor mus = h.Constrained(Options.MomentumName).reshape(-1);
        Tensor lr = lrs[Options.EntryOf(t, (int)lrs.shape[0])];
        Tensor mu = mus[Options.EntryOf(t, (int)mus.shape[0])];
        Tensor[] nextV = [.. velocities.Zip(g, (a, b) => (mu * a).Plus(b))];
        Tensor[] nextW = [.. weights.Zip(nextV, (a, b) => a - (lr * b))];
        Tensor outer = ValidationMinibatches ? problem.OuterLossOnBatch(nextW, h, t) : problem.OuterLoss(nextW, h);
        double[] hypergradient = FlatTensors.Flatten(TorchAutograd.Grad([outer], h.Leaves, allowUnused: true));
        FlatTensors.FlattenInto(nextW, w);
        FlatTensors.FlattenInto(nextV, v);
        return (outer.item<double>(), hypergradient);
    }

    // The differentiated step in closed form (IAnalyticGreedyStep): g = ∇L_t(w), w' = w − η(μv + g), a = ∇L_val(w') from one
    // forward and one backward pass, then the gradient of −η(u)·(μ(u)·(a·v) + a·g) − η·Σ λ(u)·(W ⊙ a) with respect to the
    // unconstrained hyperparameters, from the transforms' derivatives (no autograd). Updates w and v in place with the same
    // float64 operations as ReverseSweep.ForwardStep; returns the outer loss at w' and the hypergradient.
    private (double Outer, double[] Hypergradient) ClosedFormStep(IAnalyticGreedyStep closed, IInnerProblem problem, HyperparameterTensors h, HyperparameterSet set, long[][] shapes, int t, double lr, double mu, double[] w, double[] v, double[] gradient, double[] stepped, double[] outerGradient)
    {
        ReverseSweep.TrainingGradient(problem, h, w, shapes, t, gradient);
        for (int i = 0; i < w.Length; i++)
        {
            stepped[i] = w[i] - (lr * ((mu * v[i]) + gradient[i]));
        }

        double outer = closed.AnalyticOuterGradient(stepped, ValidationMinibatches ? t : null, outerGradient);
        double alongVelocity = ConjugateGradient.Dot(outerGradient, v);
        double alongGradient = ConjugateGradient.Dot(outerGradient, gradient);
        double[] hypergradient = new double[set.ElementCount];
        int offset = 0;
        foreach (Hyperparameter d in set.Definitions)
        {
            if (d.Name == Options.LearningRateName)
            {
                hypergradient[offset + Options.EntryOf(t, d.ElementCount)] += -((mu * alongVelocity) + alongGradient) * d.ValueDerivative(lr);
            }
            else if (d.Name == Options.MomentumName)
            {
                hypergradient[offset + Options.EntryOf(t, d.ElementCount)] += -lr * alongVelocity * d.ValueDerivative(mu);
            }

            offset += d.ElementCount;
        }

        closed.AddPenaltyDirectionalDerivative(w, outerGradient, set, -lr, hypergradient);
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = (mu * v[i]) + gradient[i];
        }

        Array.Copy(stepped, w, w.Length);
        return (outer, hypergradient);
    }
}
