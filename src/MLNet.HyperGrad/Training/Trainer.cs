using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace MLNet.HyperGrad.Training;

/// <summary>Minibatch training of an <see cref="Mlp"/>: seeded, reproducible, leak-free.</summary>
/// <remarks>
/// Each step runs inside its own TorchSharp dispose scope, so the only native tensors that outlive
/// a step are the weights and the optimizer state. Gradients come from <see cref="TorchAutograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}?, bool?, bool, bool)"/>
/// (no accumulated <c>.grad</c> to zero). The minibatch order comes from a CPU generator seeded with
/// <see cref="TrainingOptions.Seed"/>; with the same seed, weights and thread count the run is
/// bit-for-bit reproducible on the CPU. TorchSharp's dispose scopes and grad mode belong to a thread,
/// so <see cref="Fit"/> is synchronous: no step awaits inside a scope.
/// </remarks>
public sealed class Trainer
{
    private readonly Mlp model;
    private readonly TrainingOptions options;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="options">The settings; validated here.</param>
    public Trainer(Mlp model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.model = model;
        this.options = options;
    }

    /// <summary>Trains the weights in place.</summary>
    /// <param name="weights">The weights; updated in place.</param>
    /// <param name="features">Training inputs, float, shape [n, inputs].</param>
    /// <param name="labels">Training targets: int64 [n] for cross-entropy, float [n] or [n, outputs] for MSE.</param>
    /// <param name="validation">Optional validation inputs and targets, evaluated after every epoch.</param>
    /// <param name="progress">Told after every minibatch; called on the training thread.</param>
    /// <param name="cancellationToken">Checked before every minibatch.</param>
    /// <returns>One report per epoch.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled; the weights hold the last completed step.</exception>
    public IReadOnlyList<EpochReport> Fit(
        ParameterSet weights,
        Tensor features,
        Tensor labels,
        (Tensor Features, Tensor Labels)? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        TorchRuntime.EnsureLoaded();
        CheckData(features, labels, weights, nameof(features), nameof(labels));
        if (validation is { } checkedValidation)
        {
            CheckData(checkedValidation.Features, checkedValidation.Labels, weights, nameof(validation), nameof(validation));
        }

        long n = features.shape[0];

        int batch = options.BatchSize;
        int batches = (int)(n / batch);
        if (batches < 1)
        {
            throw new ArgumentException($"The training data has {n} rows, fewer than one minibatch of {batch}.", nameof(features));
        }

        // Forward's checks, once for all minibatches (they are rows of these features); the steps then
        // call the forward pass without re-checking.
        model.CheckForwardArguments(weights, features);
        using var generator = new torch.Generator(options.Seed);
        using IOptimizerState state = options.LearnedOptimizer is { } learned
            ? learned.CreateState(weights, options.WeightDecay)
            : options.Optimizer == OptimizerKind.Adam ? new AdamState(weights, options) : new SgdState(weights, options);
        var reports = new List<EpochReport>(options.Epochs);
        torch.Device device = features.device;

        // On the CPU each step's loss is read into a double (no libtorch call per step); elsewhere it is
        // summed on the device, so that a step never waits for the device. Either way the sum is the
        // float64 sum of the same float losses in the same order.
        bool hostLossSum = device.type == DeviceType.CPU && (features.dtype is ScalarType.Float32 or ScalarType.Float64);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using Tensor cpuOrder = torch.randperm(n, generator: generator);
            using Tensor order = cpuOrder.to(device);
            using Tensor? deviceLossSum = hostLossSum ? null : torch.zeros([], ScalarType.Float64, device);
            double lossSum = 0;
            long epochStart = options.TimeProvider.GetTimestamp();

            // The epoch's labels in minibatch order, gathered once (they are small); a step's labels are a view.
            using Tensor epochLabels = labels.index_select(0, order);
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (torch.NewDisposeScope())
                {
                    Tensor index = order.narrow(0, (long)b * batch, batch);
                    Tensor x = features.index_select(0, index);
                    Tensor y = epochLabels.narrow(0, (long)b * batch, batch);
                    Tensor loss = Losses.Compute(options.Loss, model.ForwardUnchecked(weights, x), y);
                    Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                    using (torch.no_grad())
                    {
                        state.Step(weights, gradients);
                        if (deviceLossSum is null)
                        {
                            lossSum += loss.dtype == ScalarType.Float64 ? loss.item<double>() : loss.item<float>();
                        }
                        else
                        {
                            deviceLossSum.PlusInPlace(loss);
                        }
                    }
                }

                if (progress is not null && b < batches - 1)
                {
                    progress.Report(new TrainingProgress(epoch, options.Epochs, b + 1, batches, null));
                }
            }

            TimeSpan elapsed = options.TimeProvider.GetElapsedTime(epochStart);
            double trainLoss = (deviceLossSum is null ? lossSum : deviceLossSum.item<double>()) / batches;
            Evaluation? evaluation = validation is { } v ? Evaluate(model, weights, v.Features, v.Labels, options.Loss) : null;
            var report = new EpochReport(epoch, trainLoss, evaluation, elapsed.TotalSeconds, (double)batches * batch / elapsed.TotalSeconds);
            reports.Add(report);
            progress?.Report(new TrainingProgress(epoch, options.Epochs, batches, batches, report));
        }

        return reports;
    }

    /// <summary>The mean loss, and accuracy for classification, of a model on some data.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="weights">The weights.</param>
    /// <param name="features">Inputs, shape [n, inputs].</param>
    /// <param name="labels">Targets.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="batchSize">Rows evaluated at once; 2048 by default.</param>
    /// <returns>The evaluation.</returns>
    public static Evaluation Evaluate(Mlp model, IReadOnlyList<Tensor> weights, Tensor features, Tensor labels, LossKind loss, int batchSize = 2048)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long n = features.shape[0];
        double lossSum = 0;
        long correct = 0;
        long lossTerms = 0;
        using (torch.no_grad())
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                long count = Math.Min(batchSize, n - start);
                Tensor x = features.narrow(0, start, count);
                Tensor y = labels.narrow(0, start, count);
                Tensor output = model.Forward(weights, x);
                lossSum += Losses.Compute(loss, output, y, Reduction.Sum).to(ScalarType.Float64).item<double>();
                lossTerms += loss == LossKind.CrossEntropy ? count : Math.Max(y.numel(), count);
                if (loss == LossKind.CrossEntropy)
                {
                    correct += output.argmax(1).eq(y).sum().item<long>();
                }
            }
        }

        return new Evaluation(lossSum / Math.Max(lossTerms, 1), loss == LossKind.CrossEntropy ? (double)correct / Math.Max(n, 1) : null, n);
    }

    private static void CheckData(Tensor features, Tensor labels, ParameterSet weights, string featuresName, string labelsName)
    {
        if (features.dim() != 2)
        {
            throw new ArgumentException($"Features must have shape [rows, inputs]; got {TensorChecks.Shape(features)}.", featuresName);
        }

        if (labels.dim() < 1 || labels.shape[0] != features.shape[0])
        {
            throw new ArgumentException($"There are {features.shape[0]} feature rows but labels of shape {TensorChecks.Shape(labels)}.", labelsName);
        }

        if (weights.Count > 0 && (features.dtype != weights[0].dtype || !TensorChecks.SameDevice(features, weights[0])))
        {
            throw new ArgumentException($"Features must have the weights' dtype and device ({weights[0].dtype} on {weights[0].device}); got {features.dtype} on {features.device}.", featuresName);
        }
    }
}
