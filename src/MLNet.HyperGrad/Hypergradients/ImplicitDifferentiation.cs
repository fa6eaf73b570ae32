using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Hypergradients by implicit differentiation at approximately converged weights: HOAG (Pedregosa 2016,
/// "Hyperparameter optimization with approximate gradient"), with a Neumann-series option (Lorraine,
/// Vicol and Duvenaud 2020).
/// </summary>
/// <remarks>
/// Each call solves the inner problem on the whole training set by Newton-CG (conjugate gradient on
/// Hessian-vector products, backtracking line search) to a gradient norm ε_k, warm-started from the
/// previous call's weights; then solves (∇²_w L_train) v = ∇_w L_outer and returns
/// ∇_h L_outer − ∇²_{h,w} L_train · v. ε_k decreases across calls (see <see cref="ImplicitDifferentiationOptions"/>);
/// <see cref="Reset"/> restarts the sequence and forgets the weights. Hyperparameters that do not enter
/// the training loss at the optimum (learning rates, init scales) get zero gradients.
/// </remarks>
public sealed class ImplicitDifferentiation : IHypergradientMethod
{
    private double[]? warmStart;
    private int outerSteps;

    /// <summary>Creates the method.</summary>
    /// <param name="options">The options; null for the defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid (all failures listed).</exception>
    public ImplicitDifferentiation(ImplicitDifferentiationOptions? options = null)
    {
        Options = options ?? new ImplicitDifferentiationOptions();
        Options.Validate();
    }

    /// <summary>Gets the options.</summary>
    public ImplicitDifferentiationOptions Options { get; }

    /// <inheritdoc/>
    public string Name => Options.Solver == ImplicitSolver.Neumann ? "implicit-neumann" : "hoag-cg";

    /// <summary>Gets the training-gradient norm the last inner solve reached.</summary>
    public double LastInnerGradientNorm { get; private set; } = double.NaN;

    /// <summary>Gets the tolerance ε_k of the last call.</summary>
    public double LastTolerance { get; private set; } = double.NaN;

    /// <summary>Gets the inner weights the last call solved for (the next call's warm start), float64, flat in the order and shapes of the problem's weight shapes; null before the first call and after <see cref="Reset"/>.</summary>
    /// <remarks>To judge them on another set (a test set), evaluate another inner problem's outer loss at them.</remarks>
    public IReadOnlyList<double>? Weights => warmStart is null ? null : Array.AsReadOnly(warmStart);

    /// <inheritdoc/>
    /// <exception cref="HyperGradException">The inner solve produced a non-finite loss or gradient.</exception>
    public HypergradientResult Compute(IInnerProblem problem, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        long start = Options.TimeProvider.GetTimestamp();
        double tolerance = Math.Max(Options.InitialTolerance * Math.Pow(Options.ToleranceDecrease, outerSteps), Options.MinimumTolerance);
        outerSteps++;
        LastTolerance = tolerance;
        IReadOnlyList<long[]> shapes = problem.WeightShapes;
        long count = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));

        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] w;
        if (warmStart is not null && warmStart.Length == count)
        {
            w = warmStart;
        }
        else
        {
            using (torch.NewDisposeScope())
            {
                w = FlatTensors.Flatten(problem.InitialWeights(h));
            }
        }

        var counts = new Counts();
        w = SolveInner(problem, h, w, tolerance, shapes, counts);
        warmStart = w;

        IReadOnlyList<Tensor> leaves = h.Leaves;
        double outerLoss;
        Dictionary<string, double[]> result;
        using (torch.NewDisposeScope())
        {
            Tensor[] weights = FlatTensors.Leaves(w, shapes);
            Tensor outer = problem.OuterLoss(weights, h);
            outerLoss = outer.item<double>();
            Tensor[] outerGradients = TorchAutograd.Grad([outer], [.. weights, .. leaves], allowUnused: true);
            double[] q = FlatTensors.Flatten(outerGradients.Take(weights.Length));
            result = h.ToNamedArrays(outerGradients[weights.Length..]);

            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(weights, h, null)], weights, createGraph: true);
            counts.Gradients++;
            Func<double[], double[]> hessian = HessianProduct(weights, g, shapes, counts);
            double[] v = Options.Solver == ImplicitSolver.Neumann
                ? Neumann(hessian, q)
                : ConjugateGradient.Solve(hessian, q, tolerance, Options.MaxConjugateGradientIterations).X;
            Tensor[] mixed = TorchAutograd.Grad([FlatTensors.Inner(g, FlatTensors.Unflatten(v, shapes))], leaves, allowUnused: true);
            counts.Products++;
            Dictionary<string, double[]> correction = h.ToNamedArrays(mixed);
            foreach ((string name, double[] values) in correction)
            {
                double[] direct = result[name];
                for (int i = 0; i < direct.Length; i++)
                {
                    direct[i] -= values[i];
                }
            }
        }

        var cost = new HypergradientCost
        {
            Elapsed = Options.TimeProvider.GetElapsedTime(start),
            GradientEvaluations = counts.Gradients,
            HessianVectorProducts = counts.Products,
        };
        return new HypergradientResult(outerLoss, result, cost) { Tolerance = tolerance };
    }

    /// <inheritdoc/>
    public void Reset()
    {
        warmStart = null;
        outerSteps = 0;
        LastInnerGradientNorm = double.NaN;
        LastTolerance = double.NaN;
    }

    /// <summary>Only the inner solve (no hypergradient, no state kept): the plain training that a call's cost is compared with, or one point of a grid.</summary>
    /// <param name="problem">The inner problem.</param>
    /// <param name="hyperparameters">The hyperparameters.</param>
    /// <param name="tolerance">The training-gradient norm to reach.</param>
    /// <param name="start">Flat weights to start from; null for the problem's initial weights.</param>
    /// <returns>The solved weights, flat.</returns>
    internal double[] SolveFromInitialWeights(IInnerProblem problem, HyperparameterSet hyperparameters, double tolerance, double[]? start = null)
    {
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = start ?? FlatTensors.Flatten(problem.InitialWeights(h));
        }

        return SolveInner(problem, h, w, tolerance, problem.WeightShapes, new Counts());
    }

    private static Func<double[], double[]> HessianProduct(Tensor[] weights, Tensor[] gradient, IReadOnlyList<long[]> shapes, Counts counts) => p =>
    {
        using var scope = torch.NewDisposeScope();
        counts.Products++;
        return FlatTensors.Flatten(TorchAutograd.Grad([FlatTensors.Inner(gradient, FlatTensors.Unflatten(p, shapes))], weights, retainGraph: true));
    };

    private static double LossAt(IInnerProblem problem, HyperparameterTensors h, double[] w, IReadOnlyList<long[]> shapes)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return problem.TrainingLoss(FlatTensors.Unflatten(w, shapes), h, null).item<double>();
    }

    private double[] SolveInner(IInnerProblem problem, HyperparameterTensors h, double[] w, double tolerance, IReadOnlyList<long[]> shapes, Counts counts)
    {
        for (int iteration = 0; ; iteration++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor[] weights = FlatTensors.Leaves(w, shapes);
            Tensor loss = problem.TrainingLoss(weights, h, null);
            double value = loss.item<double>();
            Tensor[] g = TorchAutograd.Grad([loss], weights, createGraph: true);
            counts.Gradients++;
            double[] gradient = FlatTensors.Flatten(g);
            double norm = Math.Sqrt(ConjugateGradient.Dot(gradient, gradient));
            if (!double.IsFinite(value) || !double.IsFinite(norm))
            {
                throw new HyperGradException($"Implicit differentiation: the training loss or its gradient is not finite (loss {value}, gradient norm {norm}) at Newton iteration {iteration}.");
            }

            LastInnerGradientNorm = norm;
            if (norm <= tolerance || iteration >= Options.MaxNewtonIterations)
            {
                return w;
            }

            double forcing = Math.Min(0.5, Math.Sqrt(norm)) * norm;
            double[] direction = ConjugateGradient.Solve(HessianProduct(weights, g, shapes, counts), gradient, forcing, Options.MaxConjugateGradientIterations).X;
            double slope = ConjugateGradient.Dot(gradient, direction);
            double step = 1;
            double[] candidate = new double[w.Length];
            for (int halvings = 0; halvings < 40; halvings++, step /= 2)
            {
                for (int i = 0; i < w.Length; i++)
                {
                    candidate[i] = w[i] - (step * direction[i]);
                }

                if (LossAt(problem, h, candidate, shapes) <= value - (1e-4 * step * slope))
                {
                    break;
                }
            }

            w = (double[])candidate.Clone();
        }
    }

    private double[] Neumann(Func<double[], double[]> hessian, double[] q)
    {
        double alpha = Options.NeumannStepSize;
        double[] term = (double[])q.Clone();
        double[] sum = (double[])q.Clone();
        for (int j = 1; j <= Options.NeumannTerms; j++)
        {
            double[] hp = hessian(term);
            for (int i = 0; i < term.Length; i++)
            {
                term[i] -= alpha * hp[i];
                sum[i] += term[i];
            }
        }

        return [.. sum.Select(s => alpha * s)];
    }

    private sealed class Counts
    {
        public long Gradients { get; set; }

        public long Products { get; set; }
    }
}
