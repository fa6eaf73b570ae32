using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Reverse-mode hypergradients with exact reversal of SGD with momentum (Maclaurin, Duvenaud and
/// Adams 2015, "Gradient-based hyperparameter optimization through reversible learning").
/// </summary>
/// <remarks>
/// The forward pass trains on fixed-point weights and velocities (<see cref="FixedPointSgd"/>) and keeps
/// only the bits that multiplying by the momentum destroys. The reverse pass runs the training backwards,
/// recovering every earlier state bit for bit, while it accumulates the adjoints of the weights and
/// velocities with vector-Jacobian and Hessian-vector products: the hypergradient of the outer loss with
/// respect to every step's learning rate and momentum, the training loss's hyperparameters (L2) and the
/// initial weights' (init scales). Memory: the weights, a few vectors of their size and the buffer,
/// independent of T except for the buffer's ~log2(1/μ) bits per weight and step. The momentum actually
/// used is n/d, d = 2^<see cref="ReverseModeOptions.MomentumDenominatorBits"/>, and the gradients are
/// rounded to 2^−<see cref="ReverseModeOptions.FractionBits"/>; the reverse pass differentiates the
/// unrounded dynamics.
/// </remarks>
public sealed class ExactReversalReverseMode : IHypergradientMethod
{
    /// <summary>Creates the method.</summary>
    /// <param name="options">The inner run; null for the defaults.</param>
    public ExactReversalReverseMode(ReverseModeOptions? options = null) => Options = options ?? new ReverseModeOptions();

    /// <summary>Gets the options.</summary>
    public ReverseModeOptions Options { get; }

    /// <inheritdoc/>
    public string Name => "exact-reversal";

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner training left the fixed-point range (diverged).</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Options.Validate(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        int steps = Options.Steps;
        double[] learningRates = hyperparameters.Values(Options.LearningRateName);
        long denominator = 1L << Options.MomentumDenominatorBits;
        long[] numerators = [.. hyperparameters.Values(Options.MomentumName).Select(m => Math.Clamp((long)Math.Round(m * denominator), 1, denominator))];
        long[][] shapes = [.. problem.WeightShapes];

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] initial;
        using (torch.NewDisposeScope())
        {
            initial = Flatten(problem.InitialWeights(h));
        }

        var sgd = new FixedPointSgd(initial, Options.FractionBits);
        long[] initialFixed = (long[])sgd.Weights.Clone();
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = torch.NewDisposeScope();
            Tensor[] w = Leaves(sgd.WeightValues(), shapes);
            double[] g = Flatten(TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true));
            sgd.VelocityStep(g, numerators[Options.EntryOf(t, numerators.Length)], denominator);
            sgd.WeightStep(learningRates[Options.EntryOf(t, learningRates.Length)]);
        }

        long bufferBytes = (sgd.Buffer.TotalBits + 7) / 8;
        IReadOnlyList<Tensor> leaves = h.Leaves;
        double[][] leafGradients = [.. hyperparameters.Definitions.Select(d => new double[d.ElementCount])];
        double outerLoss;
        double[] dW;
        using (torch.NewDisposeScope())
        {
            Tensor[] w = Leaves(sgd.WeightValues(), shapes);
            Tensor outer = problem.OuterLoss(w, h);
            outerLoss = outer.item<double>();
            Tensor[] grads = TorchAutograd.Grad([outer], [.. w, .. leaves], allowUnused: true);
            dW = Flatten(grads.Take(w.Length));
            Accumulate(leafGradients, grads.Skip(w.Length));
        }

        double[] dV = new double[dW.Length];
        double[] dLearningRates = new double[learningRates.Length];
        double[] dMomenta = new double[numerators.Length];
        for (int t = steps - 1; t >= 0; t--)
        {
            using var stepScope = torch.NewDisposeScope();
            int lrEntry = Options.EntryOf(t, learningRates.Length);
            int muEntry = Options.EntryOf(t, numerators.Length);
            double lr = learningRates[lrEntry];
            double mu = numerators[muEntry] / (double)denominator;
            double[] v = sgd.VelocityValues();
            dLearningRates[lrEntry] -= Dot(dW, v);
            for (int i = 0; i < dV.Length; i++)
            {
                dV[i] -= lr * dW[i];
            }

            sgd.UndoWeightStep(lr);
            Tensor[] w = Leaves(sgd.WeightValues(), shapes);
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(w, h, t)], w, createGraph: true);
            sgd.UndoVelocityStep(Flatten(g), numerators[muEntry], denominator);
            dMomenta[muEntry] += Dot(dV, sgd.VelocityValues());
            Tensor[] directions = Unflatten(dV, shapes);
            Tensor product = FlatTensors.Inner(g, directions);
            Tensor[] grads = TorchAutograd.Grad([product], [.. w, .. leaves], allowUnused: true);
            double[] hvp = Flatten(grads.Take(w.Length));
            for (int i = 0; i < dW.Length; i++)
            {
                dW[i] += hvp[i];
                dV[i] *= mu;
            }

            Accumulate(leafGradients, grads.Skip(w.Length));
        }

        bool reversed = sgd.Weights.AsSpan().SequenceEqual(initialFixed) && sgd.Velocities.All(v => v == 0) && sgd.Buffer.IsEmpty;
        using (torch.NewDisposeScope())
        {
            Tensor[] init = problem.InitialWeights(h);
            Tensor[] adjoints = Unflatten(dW, shapes);
            int[] live = [.. Enumerable.Range(0, init.Length).Where(i => init[i].requires_grad)];
            if (live.Length > 0)
            {
                Accumulate(leafGradients, TorchAutograd.Grad([.. live.Select(i => init[i])], leaves, [.. live.Select(i => adjoints[i])], allowUnused: true));
            }

            Tensor lrValues = h.Constrained(Options.LearningRateName);
            Tensor muValues = h.Constrained(Options.MomentumName);
            Tensor[] schedule = TorchAutograd.Grad(
                [lrValues, muValues],
                leaves,
                [TensorData.FromSpan<double>(dLearningRates, lrValues.shape), TensorData.FromSpan<double>(dMomenta, muValues.shape)],
                allowUnused: true);
            Accumulate(leafGradients, schedule);
        }

        var named = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < leafGradients.Length; i++)
        {
            named[hyperparameters.Definitions[i].Name] = leafGradients[i];
        }

        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = 2L * steps,
            HessianVectorProducts = steps,
            StoredBytes = bufferBytes,
            TrajectoryBytes = 2L * steps * initial.Length * sizeof(float),
        };
        return new HypergradientResult(outerLoss, named, cost) { ExactlyReversed = reversed };
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private static double[] Flatten(IEnumerable<Tensor> tensors) => FlatTensors.Flatten(tensors);

    private static Tensor[] Unflatten(double[] flat, long[][] shapes) => FlatTensors.Unflatten(flat, shapes);

    private static Tensor[] Leaves(double[] flat, long[][] shapes) => FlatTensors.Leaves(flat, shapes);

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

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
