using TorchSharp;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Reverse-mode hypergradients with checkpointing: every k-th state is stored, the others are recomputed during the reverse pass.</summary>
/// <remarks>
/// The forward pass runs SGD with momentum in float64 and keeps the weights and velocities of steps
/// 0, k, 2k, …; the reverse pass recomputes each segment of k steps from its checkpoint (bit for bit: the
/// same float64 arithmetic) and sweeps it backwards. Memory: ⌈T/k⌉ + k states instead of T; cost: one
/// extra forward pass. The default k = ⌈√T⌉ balances the two (Griewank's checkpointing, one level).
/// </remarks>
public sealed class CheckpointedReverseMode : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    /// <param name="interval">k, the steps between checkpoints; 0 for ⌈√T⌉.</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is negative.</exception>
    public CheckpointedReverseMode(ReverseModeOptions? options = null, int interval = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interval);
        Options = options ?? new ReverseModeOptions();
        Interval = interval;
    }

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <summary>Gets the requested interval k (0: ⌈√T⌉).</summary>
    public int Interval { get; }

    /// <inheritdoc/>
    public string Name => "checkpointed";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training diverged (the outer loss is not finite).</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        int steps = Options.Steps;
        int k = Interval > 0 ? Math.Min(Interval, steps) : (int)Math.Ceiling(Math.Sqrt(steps));
        long[][] shapes = [.. problem.WeightShapes];

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        using var sweep = new ReverseSweep(problem, hyperparameters, h, Options, hyperparameters.Values(Options.LearningRateName), hyperparameters.Values(Options.MomentumName));
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] v = new double[w.Length];
        var checkpoints = new List<(double[] W, double[] V)>();
        for (int t = 0; t < steps; t++)
        {
            if (t % k == 0)
            {
                checkpoints.Add(((double[])w.Clone(), (double[])v.Clone()));
            }

            ReverseSweep.ForwardStep(w, v, ReverseSweep.TrainingGradient(problem, h, w, shapes, t), sweep.LearningRate(t), sweep.Momentum(t));
        }

        sweep.Start(w);
        for (int c = checkpoints.Count - 1; c >= 0; c--)
        {
            int first = c * k;
            int end = Math.Min(first + k, steps);
            var weights = new List<double[]> { (double[])checkpoints[c].W.Clone() };
            var velocities = new List<double[]> { (double[])checkpoints[c].V.Clone() };
            for (int t = first; t < end; t++)
            {
                double[] nextW = (double[])weights[^1].Clone();
                double[] nextV = (double[])velocities[^1].Clone();
                ReverseSweep.ForwardStep(nextW, nextV, ReverseSweep.TrainingGradient(problem, h, weights[^1], shapes, t), sweep.LearningRate(t), sweep.Momentum(t));
                weights.Add(nextW);
                velocities.Add(nextV);
            }

            for (int t = end - 1; t >= first; t--)
            {
                int i = t - first;
                sweep.Step(t, velocities[i + 1], weights[i], _ => velocities[i]);
            }
        }

        Dictionary<string, double[]> named = sweep.Finish();
        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = (2L * steps) + sweep.Gradients,
            HessianVectorProducts = sweep.Products,
            StoredBytes = (checkpoints.Count + k + 1) * 2L * w.Length * sizeof(double),
            TrajectoryBytes = 2L * steps * w.Length * sizeof(float),
        };
        return new HypergradientResult(sweep.OuterLoss, named, cost);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
