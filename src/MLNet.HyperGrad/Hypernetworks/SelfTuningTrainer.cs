using System.Globalization;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// Trains a <see cref="SelfTuningNetwork"/> and tunes its dropout rates and L2 coefficients online, in one run
/// (Self-Tuning Networks, MacKay, Vicol, Lorraine, Duvenaud and Grosse, ICLR 2019, Algorithm 1).
/// </summary>
/// <remarks>
/// <para>Alternates two phases. Training phase: <see cref="SelfTuningOptions.TrainSteps"/> Adam steps of the weights φ on
/// training minibatches, each example under its own hyperparameters λ = mean + σ ⊙ ε (ε ~ N(0, I), mean and σ held fixed),
/// on the cross-entropy with the relaxed dropout on plus the L2 penalty of W(λ). Validation phase:
/// <see cref="SelfTuningOptions.ValidationSteps"/> Adam steps of the mean and log σ on validation minibatches, each example
/// under its own λ = mean + σ ⊙ ε (reparameterized, so the gradient flows through the best-response approximation W(λ)),
/// on the validation cross-entropy with dropout off minus τ times the perturbation's entropy (Σ log σ, up to a constant).
/// The first <see cref="SelfTuningOptions.WarmupEpochs"/> epochs have no validation phase.</para>
/// <para>Means are projected back into the allowed ranges after each step (dropout [0.001, 0.95], L2 [1e-8, 1]); log σ into
/// [ln 0.001, ln 5]. A hyperparameter that is not tuned keeps its initial value and σ = 0.</para>
/// <para>Deterministic for a seed: minibatch orders, ε and the dropout noise come from one generator.</para>
/// </remarks>
public sealed class SelfTuningTrainer
{
    private const int EvaluationBatch = 2048;
    private static readonly double MinLogScale = Math.Log(1e-3);
    private static readonly double MaxLogScale = Math.Log(5);
    private readonly SelfTuningOptions options;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Settings; defaults if null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SelfTuningTrainer(SelfTuningOptions? options = null)
    {
        this.options = options ?? new SelfTuningOptions();
        this.options.Validate();
    }

    /// <summary>Gets the settings.</summary>
    public SelfTuningOptions Options => options;

    /// <summary>Runs the self-tuning training.</summary>
    /// <param name="trainFeatures">Training inputs, shape [n, inputs], float32 or float64.</param>
    /// <param name="trainLabels">Training classes, shape [n], int64.</param>
    /// <param name="validationFeatures">Validation inputs, shape [m, inputs], the training inputs' dtype.</param>
    /// <param name="validationLabels">Validation classes, shape [m], int64.</param>
    /// <param name="classCount">The number of classes (the network's outputs); 0 takes the largest label plus one (at least 2).</param>
    /// <param name="progress">Told after every epoch (the learned schedule so far); called on the training thread.</param>
    /// <param name="cancellationToken">Checked before every minibatch.</param>
    /// <returns>The schedule and the plain MLP at the final hyperparameters.</returns>
    /// <exception cref="ArgumentException">A shape, dtype or label does not fit, or a set has fewer rows than one minibatch.</exception>
    /// <exception cref="HyperGradException">The training diverged (a loss that is not finite).</exception>
    public SelfTuningRun Train(
        Tensor trainFeatures,
        Tensor trainLabels,
        Tensor validationFeatures,
        Tensor validationLabels,
        int classCount = 0,
        IProgress<SelfTuningEpoch>? progress = null,
        CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        int classes = CheckData(trainFeatures, trainLabels, validationFeatures, validationLabels, classCount);
        int[] sizes = [(int)trainFeatures.shape[1], .. options.HiddenLayers, classes];
        int batch = options.BatchSize;
        long n = trainFeatures.shape[0];
        long m = validationFeatures.shape[0];
        int batches = (int)(n / batch);
        if (batches < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The training data has {n} rows, fewer than one minibatch of {batch}."), nameof(trainFeatures));
        }

        using var generator = new torch.Generator(options.Seed);
        using var network = new SelfTuningNetwork(sizes, options.InitialDropout, options.InitialL2, options.InitialPerturbationScale, generator, trainFeatures.dtype);
        int d = network.HyperparameterCount;
        double[] maskValues = new double[d];
        double[] lower = new double[d];
        double[] upper = new double[d];
        for (int j = 0; j < network.HiddenLayerCount; j++)
        {
            int i = SelfTuningNetwork.DropoutIndex(j);
            maskValues[i] = options.TuneDropout ? 1 : 0;
            (lower[i], upper[i]) = (SelfTuningNetwork.MinDropoutLogit, SelfTuningNetwork.MaxDropoutLogit);
        }

        for (int l = 0; l < network.LayerCount; l++)
        {
            int i = network.L2Index(l);
            maskValues[i] = options.TuneL2 ? 1 : 0;
            (lower[i], upper[i]) = (Math.Log(SelfTuningOptions.MinL2), Math.Log(SelfTuningOptions.MaxL2));
        }

        ScalarType dtype = trainFeatures.dtype;
        using Tensor mask = torch.tensor(maskValues, dtype);
        using Tensor lowerBound = torch.tensor(lower, dtype);
        using Tensor upperBound = torch.tensor(upper, dtype);
        using var weightSteps = new AdamState(network.Weights, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = options.LearningRate });
        using var hyperSteps = new AdamState(network.Hyperparameters, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = options.HyperLearningRate });
        var schedule = new List<SelfTuningEpoch>(options.Epochs);
        using Tensor validationOrder = torch.randperm(m, generator: generator);
        long validationCursor = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            long started = TimeProvider.System.GetTimestamp();
            using Tensor order = torch.randperm(n, generator: generator);
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (torch.NewDisposeScope())
                {
                    Tensor index = order.narrow(0, (long)b * batch, batch);
                    Tensor x = trainFeatures.index_select(0, index);
                    Tensor y = trainLabels.index_select(0, index);
                    Tensor lambda;
                    using (torch.no_grad())
                    {
                        lambda = Perturbed(network, mask, batch, generator).detach();
                    }

                    Tensor crossEntropy = Losses.Compute(LossKind.CrossEntropy, network.Forward(x, lambda, Noise(sizes, batch, dtype, generator), options.ConcreteTemperature), y);
                    Tensor loss = crossEntropy.Plus(network.L2Penalty(lambda));
                    Tensor[] gradients = TorchAutograd.Grad([loss], network.Weights);
                    double value = crossEntropy.to(ScalarType.Float64).item<double>();
                    if (!double.IsFinite(value))
                    {
                        throw new HyperGradException(string.Create(CultureInfo.InvariantCulture, $"Self-tuning training diverged: the training loss is {value} at epoch {epoch}, minibatch {b + 1}; lower the learning rate ({options.LearningRate})."));
                    }

                    lossSum += value;
                    using (torch.no_grad())
                    {
                        weightSteps.Step(network.Weights, gradients);
                    }
                }

                if (epoch > options.WarmupEpochs && (b + 1) % options.TrainSteps == 0)
                {
                    for (int k = 0; k < options.ValidationSteps; k++)
                    {
                        Tensor rows = NextValidationRows(validationOrder, ref validationCursor, batch, m);
                        HyperStep(network, hyperSteps, mask, lowerBound, upperBound, validationFeatures.index_select(0, rows), validationLabels.index_select(0, rows), sizes, generator);
                        rows.Dispose();
                    }
                }
            }

            (double validationLoss, double accuracy) = Evaluate(network, validationFeatures, validationLabels);
            var report = new SelfTuningEpoch(
                epoch,
                Array.AsReadOnly(network.DropoutRates()),
                Array.AsReadOnly(network.L2Coefficients()),
                Array.AsReadOnly(network.PerturbationScales()),
                lossSum / batches,
                validationLoss,
                accuracy,
                TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            schedule.Add(report);
            progress?.Report(report);
        }

        using var scope = torch.NewDisposeScope();
        Tensor[] weights = network.EffectiveWeights(network.Mean.detach());
        return new SelfTuningRun
        {
            LayerSizes = sizes,
            Schedule = schedule,
            Weights = [.. weights.Select(w => TensorData.ToArray<double>(w.to(ScalarType.Float64)))],
        };
    }

    /// <summary>The validation cross-entropy and accuracy of the network at its mean hyperparameters, dropout off.</summary>
    /// <param name="network">The network.</param>
    /// <param name="features">Inputs [m, inputs].</param>
    /// <param name="labels">Classes [m].</param>
    /// <returns>The mean cross-entropy and the accuracy.</returns>
    internal static (double Loss, double Accuracy) Evaluate(SelfTuningNetwork network, Tensor features, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long m = features.shape[0];
        double lossSum = 0;
        double correct = 0;
        Tensor mean = network.Mean.detach();
        for (long start = 0; start < m; start += EvaluationBatch)
        {
            long size = Math.Min(EvaluationBatch, m - start);
            Tensor logits = network.Forward(features.narrow(0, start, size), mean);
            Tensor y = labels.narrow(0, start, size);
            lossSum += Losses.Compute(LossKind.CrossEntropy, logits, y, Reduction.Sum).to(ScalarType.Float64).item<double>();
            correct += logits.argmax(1).eq(y).sum().to(ScalarType.Float64).item<double>();
        }

        return (lossSum / m, correct / m);
    }

    /// <summary>λ = mean + σ ⊙ mask ⊙ ε, one row per example: shape [rows, D].</summary>
    private static Tensor Perturbed(SelfTuningNetwork network, Tensor mask, long rows, torch.Generator generator)
    {
        Tensor epsilon = torch.randn([rows, network.HyperparameterCount], network.Mean.dtype, generator: generator);
        return network.Mean.Plus(network.LogScale.exp() * mask * epsilon);
    }

    /// <summary>Uniform noise in (0, 1) for the relaxed dropout of every hidden layer.</summary>
    private static Tensor[] Noise(int[] sizes, long rows, ScalarType dtype, torch.Generator generator)
    {
        var noise = new Tensor[sizes.Length - 2];
        for (int j = 0; j < noise.Length; j++)
        {
            Tensor uniform = torch.rand([rows, sizes[j + 1]], dtype, generator: generator);
            noise[j] = HeldScalars.With(1e-6, low => HeldScalars.With(1 - 1e-6, high => uniform.clamp_(low, high)));
        }

        return noise;
    }

    private static Tensor NextValidationRows(Tensor order, ref long cursor, int batch, long m)
    {
        int size = (int)Math.Min(batch, m);
        if (cursor + size > m)
        {
            cursor = 0;
        }

        Tensor rows = order.narrow(0, cursor, size);
        cursor += size;
        return rows;
    }

    private void HyperStep(SelfTuningNetwork network, AdamState hyperSteps, Tensor mask, Tensor lower, Tensor upper, Tensor x, Tensor y, int[] sizes, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        Tensor lambda = Perturbed(network, mask, x.shape[0], generator);
        Tensor[]? noise = options.ValidationDropout ? Noise(sizes, x.shape[0], x.dtype, generator) : null;
        Tensor crossEntropy = Losses.Compute(LossKind.CrossEntropy, network.Forward(x, lambda, noise, options.ConcreteTemperature), y);
        Tensor entropy = (network.LogScale * mask).sum();
        Tensor objective = crossEntropy - entropy.Times(options.EntropyWeight);
        Tensor[] gradients = TorchAutograd.Grad([objective], network.Hyperparameters);
        using (torch.no_grad())
        {
            hyperSteps.Step(network.Hyperparameters, [gradients[0] * mask, gradients[1] * mask]);
            Tensor mean = network.Mean;
            mean.copy_(torch.maximum(torch.minimum(mean, upper), lower));
            HeldScalars.With(MinLogScale, low => HeldScalars.With(MaxLogScale, high => network.LogScale.clamp_(low, high)));
        }
    }

    private static int CheckData(Tensor trainFeatures, Tensor trainLabels, Tensor validationFeatures, Tensor validationLabels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(trainFeatures);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(validationFeatures);
        ArgumentNullException.ThrowIfNull(validationLabels);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        foreach ((Tensor features, Tensor labels, string name) in new[] { (trainFeatures, trainLabels, nameof(trainFeatures)), (validationFeatures, validationLabels, nameof(validationFeatures)) })
        {
            if (features.dim() != 2 || features.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            {
                throw new ArgumentException($"{name} must be a float32 or float64 matrix [rows, inputs]; got {TensorChecks.Shape(features)} {features.dtype}.", name);
            }

            if (labels.dim() != 1 || labels.shape[0] != features.shape[0] || labels.dtype != ScalarType.Int64)
            {
                throw new ArgumentException($"The labels of {name} must be int64 of shape [{features.shape[0]}]; got {TensorChecks.Shape(labels)} {labels.dtype}.", name);
            }
        }

        if (validationFeatures.shape[1] != trainFeatures.shape[1] || validationFeatures.dtype != trainFeatures.dtype)
        {
            throw new ArgumentException($"The validation features must have the training features' width and dtype ({trainFeatures.shape[1]}, {trainFeatures.dtype}); got {validationFeatures.shape[1]}, {validationFeatures.dtype}.", nameof(validationFeatures));
        }

        if (validationFeatures.shape[0] < 1)
        {
            throw new ArgumentException("The validation set is empty: the hyperparameters are tuned on it.", nameof(validationFeatures));
        }

        using var scope = torch.NewDisposeScope();
        long smallest = Math.Min(trainLabels.min().item<long>(), validationLabels.min().item<long>());
        long largest = Math.Max(trainLabels.max().item<long>(), validationLabels.max().item<long>());
        if (smallest < 0 || (classCount > 0 && largest >= classCount))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Labels must be classes 0 … {(classCount > 0 ? classCount - 1 : "k")}; got labels from {smallest} to {largest}."), nameof(trainLabels));
        }

        return classCount > 0 ? classCount : (int)Math.Max(2, largest + 1);
    }
}
