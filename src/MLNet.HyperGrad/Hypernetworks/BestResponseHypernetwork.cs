using System.Globalization;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// A hypernetwork w = h_φ(λ): a small network from the unconstrained values λ of some hyperparameters to all the weights of an
/// <see cref="IInnerProblem"/>'s model, trained so that h_φ(λ) approximates the best response argmin_w L_train(w, λ).
/// </summary>
/// <remarks>
/// <para>Lorraine and Duvenaud (2018, "Stochastic hyperparameter optimization through hypernetworks"). The architecture is one
/// hidden layer of tanh units: z = (λ − c) / r (c the centers, r the half widths of the <see cref="HyperparameterRange"/>s, so z is
/// in [−1, 1] on the sampled box), a = tanh(A z + b) (shape [hidden]), and the flat weights are w₀ + aᵀ W (shape [P], P the
/// model's parameter count), split into the problem's <see cref="IInnerProblem.WeightShapes"/>. φ = (A [hidden, d], b [hidden],
/// W [hidden, P], w₀ [P]), float64; w₀ starts at the problem's initial weights, W at zero, and A, b so that the tanh units'
/// transitions are spread over the box (seeded). d is the number of scalar hyperparameters in the ranges (a tensor-shaped
/// hyperparameter counts each element).</para>
/// <para>The hyperparameters outside the ranges keep the values of the <see cref="HyperparameterSet"/> given at construction.
/// Training (<see cref="TrainingLoss"/>) evaluates L_train(h_φ(λ), λ); the hyperparameter step (<see cref="ValidationLoss"/>)
/// differentiates the outer loss L_val(h_φ(λ), λ) with respect to λ, through the hypernetwork and through any direct dependence of the
/// outer loss on λ. The caller owns φ (<see cref="Weights"/>) and disposes the hypernetwork.</para>
/// </remarks>
public sealed class BestResponseHypernetwork : IDisposable
{
    private readonly HyperparameterSet baseSet;
    private readonly HyperparameterRange[] ranges;
    private readonly int[] offsets;
    private readonly int[] counts;
    private readonly long[][] shapes;
    private readonly long[] sizes;
    private readonly Tensor center;
    private readonly Tensor halfWidth;

    /// <summary>Creates a hypernetwork for a problem.</summary>
    /// <param name="problem">The inner problem; its weights are float64.</param>
    /// <param name="hyperparameters">Every hyperparameter the problem reads, at the values to use for those that are not inputs.</param>
    /// <param name="inputs">The hyperparameters the hypernetwork takes, each present in <paramref name="hyperparameters"/>, each once.</param>
    /// <param name="hiddenUnits">Tanh units of the hidden layer, at least 1.</param>
    /// <param name="seed">Seed of A and b.</param>
    /// <exception cref="ArgumentException">No input, an input missing from the set or given twice, or a problem without weights.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one hidden unit.</exception>
    public BestResponseHypernetwork(IInnerProblem problem, HyperparameterSet hyperparameters, IReadOnlyList<HyperparameterRange> inputs, int hiddenUnits, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenUnits, 1);
        CheckInputs(hyperparameters, inputs);
        if (problem.WeightShapes.Count == 0)
        {
            throw new ArgumentException("The inner problem has no weights.", nameof(problem));
        }

        Problem = problem;
        baseSet = hyperparameters.WithUnconstrained(hyperparameters.FlattenUnconstrained());
        ranges = [.. inputs];
        counts = [.. ranges.Select(r => hyperparameters.Definition(r.Name).ElementCount)];
        offsets = new int[ranges.Length];
        for (int i = 1; i < ranges.Length; i++)
        {
            offsets[i] = offsets[i - 1] + counts[i - 1];
        }

        InputCount = counts.Sum();
        HiddenUnits = hiddenUnits;
        shapes = [.. problem.WeightShapes.Select(s => s.ToArray())];
        sizes = [.. shapes.Select(s => s.Aggregate(1L, (a, b) => a * b))];
        OutputCount = sizes.Sum();
        double[] c = new double[InputCount];
        double[] r = new double[InputCount];
        for (int i = 0; i < ranges.Length; i++)
        {
            Array.Fill(c, ranges[i].Center, offsets[i], counts[i]);
            Array.Fill(r, ranges[i].HalfWidth, offsets[i], counts[i]);
        }

        center = TensorData.FromSpan<double>(c, [InputCount]).DetachFromDisposeScope();
        halfWidth = TensorData.FromSpan<double>(r, [InputCount]).DetachFromDisposeScope();
        Weights = CreateWeights(problem, hyperparameters, seed);
    }

    /// <summary>Gets the inner problem.</summary>
    public IInnerProblem Problem { get; }

    /// <summary>Gets the input hyperparameters with their ranges, in the order of λ.</summary>
    public IReadOnlyList<HyperparameterRange> Inputs => ranges;

    /// <summary>Gets d, the number of scalar inputs (the length of λ).</summary>
    public int InputCount { get; }

    /// <summary>Gets the number of tanh units.</summary>
    public int HiddenUnits { get; }

    /// <summary>Gets P, the number of model weights the hypernetwork outputs.</summary>
    public long OutputCount { get; }

    /// <summary>Gets φ: <c>a</c> [hidden, d], <c>b</c> [hidden], <c>out</c> [hidden, P], <c>base</c> [P], float64, requires-grad set.</summary>
    public ParameterSet Weights { get; }

    /// <summary>The model's weights at λ, differentiable in λ and φ.</summary>
    /// <param name="lambda">Unconstrained input values, shape [d], float64.</param>
    /// <returns>float64 tensors of the problem's weight shapes, in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">λ has the wrong shape or dtype.</exception>
    public Tensor[] Forward(Tensor lambda)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        if (lambda.dtype != ScalarType.Float64 || lambda.dim() != 1 || lambda.shape[0] != InputCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"λ must be a float64 vector of shape [{InputCount}]; got {lambda.dtype} {TensorChecks.Shape(lambda)}."), nameof(lambda));
        }

        Tensor z = (lambda - center) / halfWidth;
        Tensor hidden = torch.tanh(torch.mv(Weights[0], z).Plus(Weights[1]));
        Tensor flat = Weights[3].Plus(torch.mv(Weights[2].t(), hidden));
        var result = new Tensor[shapes.Length];
        long offset = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            result[i] = flat.narrow(0, offset, sizes[i]).view(shapes[i]);
            offset += sizes[i];
        }

        return result;
    }

    /// <summary>The training loss L_train(h_φ(λ), λ) on the batch of one inner step, differentiable in φ.</summary>
    /// <param name="lambda">Unconstrained input values, d of them.</param>
    /// <param name="step">The inner step that selects the batch (<see cref="IInnerProblem.TrainingLoss"/>); null for the whole training set.</param>
    /// <returns>A float64 scalar in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">λ has the wrong length.</exception>
    public Tensor TrainingLoss(IReadOnlyList<double> lambda, int? step)
    {
        HyperparameterTensors leaves = At(lambda).CreateTensors();
        return Problem.TrainingLoss(Forward(InputOf(leaves)), leaves, step);
    }

    /// <summary>The predicted validation loss L_val(h_φ(λ), λ) and its gradient with respect to λ (the hypergradient through the hypernetwork).</summary>
    /// <param name="lambda">Unconstrained input values, d of them.</param>
    /// <param name="withGradient">Whether to compute the gradient; without it the gradient is empty.</param>
    /// <returns>The outer loss and dL_val/dλ (length d).</returns>
    /// <exception cref="ArgumentException">λ has the wrong length.</exception>
    /// <exception cref="HyperGradException">The outer loss is not finite.</exception>
    public (double Loss, double[] Gradient) ValidationLoss(IReadOnlyList<double> lambda, bool withGradient = true)
    {
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors leaves = At(lambda).CreateTensors();
        Tensor[] inputLeaves = [.. ranges.Select(r => leaves.Unconstrained(r.Name))];
        Tensor loss;
        if (withGradient)
        {
            loss = Problem.OuterLoss(Forward(InputOf(leaves)), leaves);
        }
        else
        {
            using var noGrad = torch.no_grad();
            loss = Problem.OuterLoss(Forward(InputOf(leaves)), leaves);
        }

        double value = loss.item<double>();
        if (!double.IsFinite(value))
        {
            throw new HyperGradException(string.Create(CultureInfo.InvariantCulture, $"The hypernetwork's predicted outer loss is not finite ({value}) at λ = [{string.Join(", ", lambda)}]."));
        }

        if (!withGradient)
        {
            return (value, []);
        }

        Tensor[] g = TorchAutograd.Grad([loss], inputLeaves);
        return (value, [.. g.SelectMany(TensorData.ToArray<double>)]);
    }

    /// <summary>The hyperparameter set at λ: the construction's set with the inputs replaced.</summary>
    /// <param name="lambda">Unconstrained input values, d of them.</param>
    /// <returns>A new set.</returns>
    /// <exception cref="ArgumentException">λ has the wrong length or a non-finite value.</exception>
    public HyperparameterSet At(IReadOnlyList<double> lambda)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        if (lambda.Count != InputCount || lambda.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"λ must hold {InputCount} finite unconstrained values ({Layout}); got [{string.Join(", ", lambda)}]."), nameof(lambda));
        }

        HyperparameterSet set = baseSet.WithUnconstrained(baseSet.FlattenUnconstrained());
        for (int i = 0; i < ranges.Length; i++)
        {
            set.SetUnconstrained(ranges[i].Name, [.. lambda.Skip(offsets[i]).Take(counts[i])]);
        }

        return set;
    }

    /// <summary>λ read from a hyperparameter set: the unconstrained values of the inputs, in order.</summary>
    /// <param name="hyperparameters">A set holding every input.</param>
    /// <returns>λ, d values.</returns>
    /// <exception cref="KeyNotFoundException">An input is missing.</exception>
    public double[] LambdaOf(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return [.. ranges.SelectMany(r => hyperparameters.UnconstrainedValues(r.Name))];
    }

    /// <summary>Clamps each element of λ to its input's range.</summary>
    /// <param name="lambda">λ, d values; changed in place.</param>
    public void Clamp(double[] lambda)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        for (int i = 0; i < ranges.Length; i++)
        {
            for (int k = 0; k < counts[i]; k++)
            {
                lambda[offsets[i] + k] = ranges[i].Clamp(lambda[offsets[i] + k]);
            }
        }
    }

    /// <summary>Draws λ uniformly from the box of the ranges.</summary>
    /// <param name="random">The seeded source.</param>
    /// <returns>λ, d values.</returns>
    public double[] SampleUniform(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double[] lambda = new double[InputCount];
        for (int i = 0; i < ranges.Length; i++)
        {
            for (int k = 0; k < counts[i]; k++)
            {
                lambda[offsets[i] + k] = ranges[i].Min + (random.NextDouble() * (ranges[i].Max - ranges[i].Min));
            }
        }

        return lambda;
    }

    /// <summary>Releases φ and the cached tensors.</summary>
    public void Dispose()
    {
        Weights.Dispose();
        center.Dispose();
        halfWidth.Dispose();
    }

    internal string Layout => string.Join(", ", ranges.Select((r, i) => string.Create(CultureInfo.InvariantCulture, $"{r.Name}: {counts[i]} in [{r.Min}, {r.Max}]")));

    private static void CheckInputs(HyperparameterSet hyperparameters, IReadOnlyList<HyperparameterRange> inputs)
    {
        if (inputs.Count == 0)
        {
            throw new ArgumentException("A hypernetwork needs at least one input hyperparameter; got none.", nameof(inputs));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (HyperparameterRange r in inputs)
        {
            ArgumentNullException.ThrowIfNull(r, nameof(inputs));
            if (!hyperparameters.Contains(r.Name))
            {
                throw new ArgumentException($"Input \"{r.Name}\" is not in the hyperparameter set; it holds [{string.Join(", ", hyperparameters.Definitions.Select(d => d.Name))}].", nameof(inputs));
            }

            if (!seen.Add(r.Name))
            {
                throw new ArgumentException($"Input \"{r.Name}\" is given twice.", nameof(inputs));
            }
        }
    }

    private Tensor InputOf(HyperparameterTensors leaves) =>
        ranges.Length == 1 ? leaves.Unconstrained(ranges[0].Name).reshape(-1) : torch.cat([.. ranges.Select(r => leaves.Unconstrained(r.Name).reshape(-1))]);

    private ParameterSet CreateWeights(IInnerProblem problem, HyperparameterSet hyperparameters, ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        double[] a = new double[HiddenUnits * InputCount];
        double[] b = new double[HiddenUnits];
        double slope = 2.0 / Math.Sqrt(InputCount);
        for (int j = 0; j < HiddenUnits; j++)
        {
            double norm = 0;
            for (int k = 0; k < InputCount; k++)
            {
                // A direction per unit, a slope of 2 along it, the transition at a uniform point of [-1, 1].
                double g = Normal(random);
                a[(j * InputCount) + k] = g;
                norm += g * g;
            }

            norm = Math.Sqrt(norm);
            for (int k = 0; k < InputCount; k++)
            {
                a[(j * InputCount) + k] *= slope * Math.Sqrt(InputCount) / norm;
            }

            b[j] = -slope * Math.Sqrt(InputCount) * ((2 * random.NextDouble()) - 1);
        }

        using var scope = torch.NewDisposeScope();
        double[] initial;
        using (torch.no_grad())
        {
            initial = FlatTensors.Flatten(problem.InitialWeights(hyperparameters.CreateTensors()).Select(w => w.detach()));
        }

        var weights = new ParameterSet();
        weights.Add("a", TensorData.FromSpan<double>(a, [HiddenUnits, InputCount]).requires_grad_(true));
        weights.Add("b", TensorData.FromSpan<double>(b, [HiddenUnits]).requires_grad_(true));
        weights.Add("out", torch.zeros([HiddenUnits, OutputCount], ScalarType.Float64).requires_grad_(true));
        weights.Add("base", TensorData.FromSpan<double>(initial, [OutputCount]).requires_grad_(true));
        return weights;
    }

    private static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
