using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Reverse-mode hypergradients of a training run with <see cref="Adam"/>, by checkpointing: every k-th state is stored and each segment is recomputed under autograd.</summary>
/// <remarks>
/// Hyperparameters: the learning rate (<see cref="ReverseModeOptions.LearningRateName"/>, a scalar or a
/// schedule), β₁ (<see cref="ReverseModeOptions.MomentumName"/>, logit space) and β₂
/// (<see cref="Beta2Name"/>), each a scalar or a schedule, plus the training loss's and the initial
/// weights'. The forward pass keeps the weights and both moments of steps 0, k, 2k, …; the reverse pass
/// unrolls one segment at a time from its checkpoint with the graph recorded and pulls the adjoint of the
/// segment's end state back to its start with one vector-Jacobian product. Memory: ⌈T/k⌉ states and one
/// segment's graph; cost: one extra forward pass.
/// </remarks>
public sealed class CheckpointedAdamReverseMode : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults (<see cref="ReverseModeOptions.MomentumName"/> names β₁).</param>
    /// <param name="interval">k, the steps between checkpoints; 0 for ⌈√T⌉.</param>
    /// <param name="beta2Name">The name of the β₂ hyperparameter (logit space).</param>
    /// <param name="epsilon">Adam's ε, added to √v̂.</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative or ε is not positive.</exception>
    public CheckpointedAdamReverseMode(ReverseModeOptions? options = null, int interval = 0, string beta2Name = "beta2", double epsilon = 1e-8)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interval);
        ArgumentException.ThrowIfNullOrWhiteSpace(beta2Name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        Options = options ?? new ReverseModeOptions();
        Interval = interval;
        Beta2Name = beta2Name;
        Epsilon = epsilon;
    }

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <summary>Gets the requested interval k (0: ⌈√T⌉).</summary>
    public int Interval { get; }

    /// <summary>Gets the name of the β₂ hyperparameter.</summary>
    public string Beta2Name { get; }

    /// <summary>Gets Adam's ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public string Name => "checkpointed-adam";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training diverged (the outer loss is not finite).</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        if (!hyperparameters.Contains(Beta2Name) || hyperparameters.Definition(Beta2Name).ElementCount > Options.Steps)
        {
            throw new ArgumentException($"Adam needs a hyperparameter \"{Beta2Name}\" (β₂): a scalar or at most {Options.Steps} entries; present: [{string.Join(", ", hyperparameters.Definitions.Select(d => d.Name))}].", nameof(hyperparameters));
        }

        long start = Options.TimeProvider.GetTimestamp();
        int steps = Options.Steps;
        int k = Interval > 0 ? Math.Min(Interval, steps) : (int)Math.Ceiling(Math.Sqrt(steps));
        long[][] shapes = [.. problem.WeightShapes];
        int n = shapes.Length;
        long gradients = 0;

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] m = new double[w.Length];
        double[] s = new double[w.Length];
        var checkpoints = new List<double[][]>();
        for (int t = 0; t < steps; t++)
        {
            if (t % k == 0)
            {
                checkpoints.Add([(double[])w.Clone(), (double[])m.Clone(), (double[])s.Clone()]);
            }

            using var stepScope = torch.NewDisposeScope();
            Tensor[] state = Run(problem, h, FlatTensors.Leaves(w, shapes), FlatTensors.Unflatten(m, shapes), FlatTensors.Unflatten(s, shapes), t);
            gradients++;
            w = FlatTensors.Flatten(state[..n]);
            m = FlatTensors.Flatten(state[n..(2 * n)]);
            s = FlatTensors.Flatten(state[(2 * n)..]);
        }

        double outerLoss;
        double[][] adjoint;
        double[][] leafGradients = [.. hyperparameters.Definitions.Select(d => new double[d.ElementCount])];
        using (torch.NewDisposeScope())
        {
            Tensor[] final = FlatTensors.Leaves(w, shapes);
            Tensor outer = problem.OuterLoss(final, h);
            outerLoss = outer.item<double>();
            if (!double.IsFinite(outerLoss))
            {
                throw new HyperGradException($"Checkpointed Adam: the outer loss after {steps} steps is {outerLoss}; the inner training diverged (lower the learning rate).");
            }

            Tensor[] grads = TorchAutograd.Grad([outer], [.. final, .. h.Leaves], allowUnused: true);
            adjoint = [FlatTensors.Flatten(grads[..n]), new double[w.Length], new double[w.Length]];
            Accumulate(leafGradients, grads[n..]);
        }

        for (int c = checkpoints.Count - 1; c >= 0; c--)
        {
            using var segmentScope = torch.NewDisposeScope();
            Tensor[] startW = FlatTensors.Leaves(checkpoints[c][0], shapes);
            Tensor[] startM = FlatTensors.Leaves(checkpoints[c][1], shapes);
            Tensor[] startS = FlatTensors.Leaves(checkpoints[c][2], shapes);
            Tensor[] state = [.. startW, .. startM, .. startS];
            int first = c * k;
            int end = Math.Min(first + k, steps);
            for (int t = first; t < end; t++)
            {
                state = Run(problem, h, state[..n], state[n..(2 * n)], state[(2 * n)..], t);
                gradients++;
            }

            Tensor[] seeds = [.. adjoint.SelectMany(a => FlatTensors.Unflatten(a, shapes))];
            Tensor[] grads = TorchAutograd.Grad(state, [.. startW, .. startM, .. startS, .. h.Leaves], seeds, allowUnused: true);
            adjoint = [FlatTensors.Flatten(grads[..n]), FlatTensors.Flatten(grads[n..(2 * n)]), FlatTensors.Flatten(grads[(2 * n)..(3 * n)])];
            Accumulate(leafGradients, grads[(3 * n)..]);
        }

        using (torch.NewDisposeScope())
        {
            Tensor[] init = problem.InitialWeights(h);
            Tensor[] seeds = FlatTensors.Unflatten(adjoint[0], shapes);
            int[] live = [.. Enumerable.Range(0, init.Length).Where(i => init[i].requires_grad)];
            if (live.Length > 0)
            {
                Accumulate(leafGradients, TorchAutograd.Grad([.. live.Select(i => init[i])], h.Leaves, [.. live.Select(i => seeds[i])], allowUnused: true));
            }
        }

        var named = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < leafGradients.Length; i++)
        {
            named[hyperparameters.Definitions[i].Name] = leafGradients[i];
        }

        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = gradients,
            HessianVectorProducts = steps,
            StoredBytes = checkpoints.Count * 3L * w.Length * sizeof(double),
            TrajectoryBytes = 3L * steps * w.Length * sizeof(float),
        };
        return new HypergradientResult(outerLoss, named, cost);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private static void Accumulate(double[][] sums, IEnumerable<Tensor> gradients)
    {
        int i = 0;
        foreach (Tensor g in gradients)
        {
            double[] values = TensorData.ToArray<double>(g);
            for (int j = 0; j < values.Length; j++)
            {
                sums[i][j] += values[j];
            }

            i++;
        }
    }

    // One Adam step t, recorded by autograd (create_graph), so a segment of steps can be differentiated.
    private Tensor[] Run(IInnerProblem problem, HyperparameterTensors h, Tensor[] w, Tensor[] m, Tensor[] s, int t)
    {
        Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true);
        Tensor lr = Entry(h, Options.LearningRateName, t);
        Tensor beta1 = Entry(h, Options.MomentumName, t);
        Tensor beta2 = Entry(h, Beta2Name, t);
        (Tensor[] nextW, Tensor[] nextM, Tensor[] nextS) = Adam.Step(w, m, s, g, t + 1, lr, beta1, beta2, Epsilon);
        return [.. nextW, .. nextM, .. nextS];
    }

    private Tensor Entry(HyperparameterTensors h, string name, int t)
    {
        Tensor values = h.Constrained(name).reshape(-1);
        return values[Options.EntryOf(t, (int)values.shape[0])];
    }
}
