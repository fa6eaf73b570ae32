using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// The variational criterion: an <see cref="Mlp"/> classifier whose weights have a diagonal Gaussian posterior
/// q = N(μ, σ²), under a Gaussian prior N(0, 1/α) whose precisions α are the hyperparameters; the inner loss is
/// the negative evidence lower bound (ELBO) on the training set, the outer criterion the negative ELBO on the
/// validation set. In float64.
/// </summary>
/// <remarks>
/// <para>
/// Set-up of Bakhteev and Strijov (2020, "Comprehensive analysis of gradient-based hyperparameter optimization
/// algorithms", Annals of Operations Research; Bakhteev's thesis), after Graves (2011, "Practical variational
/// inference for neural networks"). The inner "weights" are 4L tensors: the means μ of the network's 2L
/// parameter tensors (layer l's weight at 2l, its bias at 2l + 1, as <see cref="Mlp.Forward"/> expects), then
/// their log standard deviations s = log σ in the same order. Hyperparameters it reads: one precision per
/// parameter, <c>prior_precision.w{l}</c> and <c>prior_precision.b{l}</c> (shaped like that tensor; see
/// <see cref="PerWeightPriorPrecisionName"/>), or one per layer, <see cref="PriorPrecisionName"/> (shape
/// [layers], for the layer's weight and bias); a tensor with neither has the standard prior α = 1. With the
/// <see cref="HyperparameterTransform.Log"/> transform, the unconstrained values are the log-precisions log α.
/// </para>
/// <para>
/// With N rows, −ELBO = Σ_i E_q[−log p(y_i | x_i, w)] + KL(q ‖ p_α), and KL per element is
/// ½(α(σ² + μ²) − 1 − log α) − log σ (closed form). Both criteria are divided by the row count of their set,
/// so they are per-example: inner step t computes mean_batch CE(f(μ + σ ⊙ ε_t; x), y) + KL / N_train, the
/// whole-set training loss (step null) the same over every training row with one draw ε_*; the outer
/// criterion is mean_k mean_validation CE(f(μ + σ ⊙ ε'_k; x), y) + KL / N_validation over
/// <see cref="ValidationSamples"/> draws. The expectation is estimated by the reparameterization trick with
/// standard normal noise ε drawn from a generator seeded by (seed, step), so every function here is
/// deterministic and smooth in μ, s and α, and central finite differences apply. The outer criterion is the
/// same functional as the inner one with the validation sample in place of the training sample, as we read
/// the thesis's variational criterion; the prior enters it directly through the KL term, so the hypergradient
/// has a direct part ∂KL/∂α besides the part through the trained posterior.
/// </para>
/// </remarks>
public sealed class VariationalMlpInnerProblem : IInnerProblem, IDisposable
{
    /// <summary>The name of the per-layer prior-precision hyperparameter, shape [layers].</summary>
    public const string PriorPrecisionName = "prior_precision";

    private const ulong WholeSetStream = 0x5EED_0001UL;
    private const ulong ValidationStream = 0x5EED_0002UL;
    private const ulong EvaluationStream = 0x5EED_0003UL;

    private readonly Tensor trainX;
    private readonly Tensor trainY;
    private readonly Tensor validationX;
    private readonly Tensor validationY;
    private readonly ParameterSet baseWeights;
    private readonly long[][] parameterShapes;
    private readonly string[] parameterNames;
    private readonly ulong seed;

    /// <summary>Creates the problem; copies the data into float64 tensors.</summary>
    /// <param name="mlp">The architecture; its input size must match the features and its output size the classes.</param>
    /// <param name="train">The classification training set.</param>
    /// <param name="validation">The classification validation set, same features.</param>
    /// <param name="batchSize">Rows per inner step, at least 1; the whole set when at least its row count.</param>
    /// <param name="seed">Seed of the initial means (PyTorch's default initialization) and of every noise draw.</param>
    /// <param name="initialSigma">σ of every weight at the start, finite and positive; the default is 0.01.</param>
    /// <param name="validationSamples">Noise draws K of the outer criterion's expectation, at least 1; the default is 1.</param>
    /// <exception cref="ArgumentException">A set is not classification, or sizes do not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size, σ or K is out of range.</exception>
    public VariationalMlpInnerProblem(Mlp mlp, TabularDataset train, TabularDataset validation, int batchSize, ulong seed, double initialSigma = 0.01, int validationSamples = 1)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(validationSamples, 1);
        if (!(double.IsFinite(initialSigma) && initialSigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(initialSigma), initialSigma, "The initial σ must be finite and positive.");
        }

        foreach ((TabularDataset set, string name) in new[] { (train, nameof(train)), (validation, nameof(validation)) })
        {
            if (set.Task != TaskKind.Classification || set.FeatureCount != mlp.LayerSizes[0] || set.ClassCount > mlp.LayerSizes[^1])
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} set must be classification with {mlp.LayerSizes[0]} features and at most {mlp.LayerSizes[^1]} classes; got {set.Task} with {set.FeatureCount} features and {set.ClassCount} classes."), name);
            }
        }

        Mlp = mlp;
        BatchSize = Math.Min(batchSize, train.Rows);
        InitialSigma = initialSigma;
        ValidationSamples = validationSamples;
        this.seed = seed;
        (trainX, trainY) = ClassificationCriteria.ToFloat64(train);
        (validationX, validationY) = ClassificationCriteria.ToFloat64(validation);
        using var generator = new torch.Generator(seed);
        baseWeights = mlp.CreateParameters(generator, ScalarType.Float64);
        parameterShapes = [.. baseWeights.Select(t => t.shape)];
        parameterNames = [.. Enumerable.Range(0, mlp.LayerCount).SelectMany(l => new[] { Mlp.WeightName(l), Mlp.BiasName(l) })];
        WeightShapes = [.. parameterShapes, .. parameterShapes];
        ParameterCount = parameterShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
    }

    /// <summary>Gets the architecture.</summary>
    public Mlp Mlp { get; }

    /// <summary>Gets the rows per inner step.</summary>
    public int BatchSize { get; }

    /// <summary>Gets σ of every weight at the start.</summary>
    public double InitialSigma { get; }

    /// <summary>Gets the noise draws K of the outer criterion.</summary>
    public int ValidationSamples { get; }

    /// <summary>Gets the number of network parameters (each has a mean and a log σ, so the inner weights are twice as many).</summary>
    public long ParameterCount { get; }

    /// <summary>Gets the training row count N_train.</summary>
    public long TrainRows => trainX.shape[0];

    /// <summary>Gets the validation row count N_validation.</summary>
    public long ValidationRows => validationX.shape[0];

    /// <summary>Gets the validation features (float64, [rows, features]) and labels, for evaluations.</summary>
    internal (Tensor X, Tensor Y) ValidationData => (validationX, validationY);

    /// <inheritdoc/>
    /// <remarks>The means μ of the 2L network tensors, then their log standard deviations, same shapes.</remarks>
    public IReadOnlyList<long[]> WeightShapes { get; }

    /// <summary>The name of the per-parameter prior-precision hyperparameter of one network tensor, shaped like it.</summary>
    /// <param name="tensorName">The network tensor's name, <c>w{l}</c> or <c>b{l}</c> (<see cref="Mlp.WeightName"/>, <see cref="Mlp.BiasName"/>).</param>
    /// <returns>"prior_precision.{tensorName}".</returns>
    public static string PerWeightPriorPrecisionName(string tensorName) => PriorPrecisionName + "." + tensorName;

    /// <summary>The definitions of one prior precision per network parameter (log transform: unconstrained values are log α).</summary>
    /// <returns>2L definitions, <c>prior_precision.w0</c>, <c>prior_precision.b0</c>, …, shaped like the tensors.</returns>
    public IReadOnlyList<Hyperparameter> PerWeightPriorPrecisions() =>
        [.. parameterNames.Select((name, i) => new Hyperparameter(PerWeightPriorPrecisionName(name), HyperparameterTransform.Log, parameterShapes[i]))];

    /// <inheritdoc/>
    /// <remarks>μ from PyTorch's default initialization (drawn once from the seed), log σ = log <see cref="InitialSigma"/>; none depends on the hyperparameters.</remarks>
    public Tensor[] InitialWeights(HyperparameterTensors hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        double logSigma = Math.Log(InitialSigma);
        return [.. baseWeights.Select(t => t.detach().clone()), .. parameterShapes.Select(s => HeldScalars.With(logSigma, value => torch.full(s, value, ScalarType.Float64)))];
    }

    /// <inheritdoc/>
    /// <remarks>mean_batch CE(f(μ + σ ⊙ ε_t; x), y) + KL(q ‖ p_α) / N_train, ε_t drawn from (seed, t); the whole set with one fixed draw when step is null.</remarks>
    /// <exception cref="ArgumentException">The weights or a prior-precision hyperparameter have the wrong count or shape.</exception>
    public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        CheckWeights(weights);
        (Tensor x, Tensor y) = ClassificationCriteria.Batch(trainX, trainY, BatchSize, step);
        ulong stream = step is int t ? (ulong)t : WholeSetStream;
        Tensor nll = Losses.Compute(LossKind.CrossEntropy, Mlp.Forward(Sample(weights, Noise(stream, 0)), x), y);
        return nll.Plus(KullbackLeibler(weights, hyperparameters).Over(TrainRows));
    }

    /// <inheritdoc/>
    /// <remarks>The validation negative ELBO per validation row: mean over K fixed draws of the mean CE, + KL(q ‖ p_α) / N_validation.</remarks>
    /// <exception cref="ArgumentException">The weights or a prior-precision hyperparameter have the wrong count or shape.</exception>
    public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        CheckWeights(weights);
        return ExpectedNll(weights, validationX, validationY, ValidationStream, ValidationSamples).Plus(KullbackLeibler(weights, hyperparameters).Over(ValidationRows));
    }

    /// <summary>KL(q ‖ p_α) in closed form, summed over every network parameter: Σ ½(α(σ² + μ²) − 1 − log α) − log σ.</summary>
    /// <param name="weights">The inner weights (means, then log σ).</param>
    /// <param name="hyperparameters">The hyperparameter leaves (prior precisions).</param>
    /// <returns>A float64 scalar, differentiable in the weights and the hyperparameters.</returns>
    /// <exception cref="ArgumentException">The weights or a prior-precision hyperparameter have the wrong count or shape.</exception>
    public Tensor KullbackLeibler(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        CheckWeights(weights);
        Tensor[] logAlpha = LogPrecisions(hyperparameters);
        int n = parameterShapes.Length;
        Tensor total = torch.zeros([], ScalarType.Float64);
        for (int i = 0; i < n; i++)
        {
            Tensor mu = weights[i];
            Tensor s = weights[n + i];
            Tensor alpha = logAlpha[i].exp();
            Tensor kl = ((alpha * s.Times(2.0).exp().Plus(mu.Square())).Minus(1.0) - logAlpha[i]).Times(0.5) - s;
            total = total.Plus(kl.sum());
        }

        return total;
    }

    /// <summary>The posterior means μ: the network's weights for a point prediction.</summary>
    /// <param name="weights">The inner weights (means, then log σ).</param>
    /// <returns>The first 2L tensors, the same objects.</returns>
    /// <exception cref="ArgumentException">The weight count is wrong.</exception>
    public IReadOnlyList<Tensor> PosteriorMean(IReadOnlyList<Tensor> weights)
    {
        CheckWeights(weights);
        return [.. weights.Take(parameterShapes.Length)];
    }

    /// <summary>The training ELBO in total (not per row), −(Σ_train E_q[−log p(y | x, w)] + KL), the expectation estimated with fixed evaluation draws.</summary>
    /// <param name="weights">The inner weights.</param>
    /// <param name="hyperparameters">The hyperparameters.</param>
    /// <param name="samples">Noise draws, at least 1.</param>
    /// <returns>The ELBO (larger is better).</returns>
    /// <exception cref="ArgumentException">The weights or hyperparameters do not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one draw.</exception>
    public double TrainingElbo(IReadOnlyList<Tensor> weights, HyperparameterSet hyperparameters, int samples) => Elbo(weights, hyperparameters, samples, trainX, trainY);

    /// <summary>The validation ELBO in total (not per row), −(Σ_validation E_q[−log p(y | x, w)] + KL), the expectation estimated with fixed evaluation draws.</summary>
    /// <param name="weights">The inner weights.</param>
    /// <param name="hyperparameters">The hyperparameters.</param>
    /// <param name="samples">Noise draws, at least 1.</param>
    /// <returns>The ELBO (larger is better).</returns>
    /// <exception cref="ArgumentException">The weights or hyperparameters do not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one draw.</exception>
    public double ValidationElbo(IReadOnlyList<Tensor> weights, HyperparameterSet hyperparameters, int samples) => Elbo(weights, hyperparameters, samples, validationX, validationY);

    /// <summary>Releases the data and initial means.</summary>
    public void Dispose()
    {
        trainX.Dispose();
        trainY.Dispose();
        validationX.Dispose();
        validationY.Dispose();
        baseWeights.Dispose();
    }

    private double Elbo(IReadOnlyList<Tensor> weights, HyperparameterSet hyperparameters, int samples, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        CheckWeights(weights);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        HyperparameterTensors h = hyperparameters.CreateTensors();
        double nll = ExpectedNll(weights, x, y, EvaluationStream, samples).item<double>() * x.shape[0];
        return -(nll + KullbackLeibler(weights, h).item<double>());
    }

    private Tensor ExpectedNll(IReadOnlyList<Tensor> weights, Tensor x, Tensor y, ulong stream, int samples)
    {
        Tensor sum = torch.zeros([], ScalarType.Float64);
        for (int k = 0; k < samples; k++)
        {
            sum = sum.Plus(Losses.Compute(LossKind.CrossEntropy, Mlp.Forward(Sample(weights, Noise(stream, (ulong)k)), x), y));
        }

        return sum.Over(samples);
    }

    private Tensor[] Sample(IReadOnlyList<Tensor> weights, Tensor[] noise)
    {
        int n = parameterShapes.Length;
        return [.. Enumerable.Range(0, n).Select(i => weights[i].Plus(weights[n + i].exp() * noise[i]))];
    }

    /// <summary>Standard normal noise shaped like the network tensors, from a generator seeded by (seed, stream, index).</summary>
    private Tensor[] Noise(ulong stream, ulong index)
    {
        using var generator = new torch.Generator(Mix(Mix(seed ^ 0x9E37_79B9_7F4A_7C15UL, stream), index));
        return [.. parameterShapes.Select(s => torch.empty(s, ScalarType.Float64).normal_(0, 1, generator))];
    }

    private static ulong Mix(ulong a, ulong b)
    {
        // SplitMix64's finalizer over a + b·golden: distinct (stream, index) pairs give unrelated seeds.
        ulong z = a + (0x9E37_79B9_7F4A_7C15UL * (b + 1));
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    private Tensor[] LogPrecisions(HyperparameterTensors hyperparameters)
    {
        var result = new Tensor[parameterShapes.Length];
        Tensor? perLayer = null;
        if (hyperparameters.Contains(PriorPrecisionName))
        {
            perLayer = hyperparameters.Constrained(PriorPrecisionName);
            if (perLayer.dim() != 1 || perLayer.shape[0] != Mlp.LayerCount)
            {
                throw new ArgumentException($"Hyperparameter \"{PriorPrecisionName}\" must have shape [{Mlp.LayerCount}] (one per layer); got [{string.Join(", ", perLayer.shape)}].", nameof(hyperparameters));
            }
        }

        for (int i = 0; i < parameterShapes.Length; i++)
        {
            string name = PerWeightPriorPrecisionName(parameterNames[i]);
            if (hyperparameters.Contains(name))
            {
                if (perLayer is not null)
                {
                    throw new ArgumentException($"Hyperparameters \"{PriorPrecisionName}\" (per layer) and \"{name}\" (per parameter) both set the prior of {parameterNames[i]}; give one of them.", nameof(hyperparameters));
                }

                Tensor alpha = hyperparameters.Constrained(name);
                if (!alpha.shape.SequenceEqual(parameterShapes[i]))
                {
                    throw new ArgumentException($"Hyperparameter \"{name}\" must have the shape of {parameterNames[i]}, [{string.Join(", ", parameterShapes[i])}]; got [{string.Join(", ", alpha.shape)}].", nameof(hyperparameters));
                }

                result[i] = hyperparameters.Set.Definition(name).Transform == HyperparameterTransform.Log ? hyperparameters.Unconstrained(name) : alpha.log();
            }
            else
            {
                result[i] = perLayer is null ? torch.zeros([], ScalarType.Float64) : perLayer[i / 2].log();
            }
        }

        return result;
    }

    private void CheckWeights(IReadOnlyList<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count != 2 * parameterShapes.Length)
        {
            throw new ArgumentException($"The variational weights are {2 * parameterShapes.Length} tensors (2 × {Mlp.LayerCount} layers: means, then log σ); got {weights.Count}.", nameof(weights));
        }

        for (int i = 0; i < weights.Count; i++)
        {
            if (!weights[i].shape.SequenceEqual(WeightShapes[i]))
            {
                throw new ArgumentException($"Variational weight {i} must have shape [{string.Join(", ", WeightShapes[i])}]; got [{string.Join(", ", weights[i].shape)}].", nameof(weights));
            }
        }
    }
}
