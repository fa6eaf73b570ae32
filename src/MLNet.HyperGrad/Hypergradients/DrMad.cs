using TorchSharp;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// DrMAD (Fu, Luo, Xu, Chua and Zhang 2016, "DrMAD: distilling reverse-mode automatic differentiation
/// for optimizing hyperparameters of deep neural networks"): the reverse pass walks the straight line
/// from the initial to the final weights instead of the exact trajectory.
/// </summary>
/// <remarks>
/// Only w_0 and w_T are kept, so memory does not grow with T. Step t's weights are taken as
/// w_t ≈ (1 − t/T) w_0 + (t/T) w_T, and its velocity as the one that path implies,
/// v_{t+1} ≈ (w_t − w_{t+1}) / η_t (v_0 = 0). The hypergradient is approximate: compare it with
/// <see cref="ExactReversalReverseMode"/>'s (error and sign agreement). With T = 1 it is exact.
/// </remarks>
public sealed class DrMad : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    public DrMad(ReverseModeOptions? options = null) => Options = options ?? new ReverseModeOptions();

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "drmad";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training diverged (the outer loss is not finite).</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        int steps = Options.Steps;
        long[][] shapes = [.. problem.WeightShapes];

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        using var sweep = new ReverseSweep(problem, hyperparameters, h, Options, hyperparameters.Values(Options.LearningRateName), hyperparameters.Values(Options.MomentumName));
        double[] initial;
        using (torch.NewDisposeScope())
        {
            initial = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        double[] w = (double[])initial.Clone();
        double[] v = new double[w.Length];
        for (int t = 0; t < steps; t++)
        {
            ReverseSweep.ForwardStep(w, v, ReverseSweep.TrainingGradient(problem, h, w, shapes, t), sweep.LearningRate(t), sweep.Momentum(t));
        }

        double[] final = w;
        double[] point = new double[initial.Length];
        double[] velocityAfter = new double[initial.Length];
        double[] velocityBefore = new double[initial.Length];

        // w_t ≈ w_0 + (w_T − w_0)·t/T and v_{t+1} ≈ (w_t − w_{t+1}) / η_t (v_0 = 0), into buffers reused across steps.
        void At(int t, double[] target)
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = initial[i] + ((final[i] - initial[i]) * t / steps);
            }
        }

        void Velocity(int t, double[] target)
        {
            if (t == 0)
            {
                Array.Clear(target);
                return;
            }

            double lr = sweep.LearningRate(t - 1);
            for (int i = 0; i < target.Length; i++)
            {
                double a = initial[i] + ((final[i] - initial[i]) * (t - 1) / steps);
                double b = initial[i] + ((final[i] - initial[i]) * t / steps);
                target[i] = (a - b) / lr;
            }
        }

        sweep.Start(final);
        for (int t = steps - 1; t >= 0; t--)
        {
            int step = t;
            Velocity(t + 1, velocityAfter);
            At(t, point);
            sweep.Step(t, velocityAfter, point, _ =>
            {
                Velocity(step, velocityBefore);
                return velocityBefore;
            });
        }

        Dictionary<string, double[]> named = sweep.Finish();
        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = steps + sweep.Gradients,
            HessianVectorProducts = sweep.Products,
            StoredBytes = 2L * initial.Length * sizeof(double),
            TrajectoryBytes = 2L * steps * initial.Length * sizeof(float),
        };
        return new HypergradientResult(sweep.OuterLoss, named, cost);
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
