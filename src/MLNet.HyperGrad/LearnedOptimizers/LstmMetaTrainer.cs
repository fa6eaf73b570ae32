using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>Meta-trains an <see cref="LstmOptimizer"/> by truncated back-propagation through time on MLP optimizees.</summary>
/// <remarks>
/// <para>Andrychowicz et al. (2016), section 2 and 3.2. Each episode draws a fresh optimizee (an <see cref="Mlp"/> with
/// PyTorch's initialization, from the seeded generator) and zero LSTM states, and runs
/// <see cref="LstmMetaTrainingOptions.EpisodeSteps"/> optimizer steps on random minibatches (drawn with replacement). The
/// steps are cut into unrolls of <see cref="LstmMetaTrainingOptions.UnrollLength"/>; the meta-loss of an unroll is the
/// mean of the optimizee's minibatch losses after each of its steps (the paper's weights w_t = 1), its gradient with
/// respect to φ flows back through the updates and the LSTM states of the unroll, and Adam takes one step on φ. The
/// optimizee's weights and the LSTM states are carried, detached, into the next unroll.</para>
/// <para>As in the paper, the optimizee's gradients ∇f(θ_t) are inputs treated as constants with respect to φ: the
/// second derivatives ∂∇f(θ_t)/∂θ_t are dropped (no Hessian-vector products), so the meta-gradient is the exact
/// gradient of the unroll's loss with the gradients held fixed, which the unit tests check against finite differences.</para>
/// <para>Every step runs in a TorchSharp dispose scope; every gradient comes from <see cref="TorchAutograd"/>. The same seed,
/// data and thread count give the same φ.</para>
/// </remarks>
public sealed class LstmMetaTrainer
{
    private readonly LstmMetaTrainingOptions options;

    /// <summary>Creates a meta-trainer.</summary>
    /// <param name="options">The settings; validated here.</param>
    public LstmMetaTrainer(LstmMetaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>Meta-trains φ in place.</summary>
    /// <param name="optimizer">The optimizer whose <see cref="LstmOptimizer.Weights"/> are trained.</param>
    /// <param name="features">Optimizee training inputs, shape [n, inputs], φ's dtype, on the CPU or φ's device.</param>
    /// <param name="labels">Class indices, int64 [n]; the optimizee has max + 1 outputs.</param>
    /// <param name="progress">Told after every episode, on the calling thread.</param>
    /// <param name="cancellationToken">Checked before every unroll.</param>
    /// <returns>One report per episode.</returns>
    /// <exception cref="ArgumentException">The data do not fit (shapes, dtypes, devices, fewer rows than a minibatch).</exception>
    public IReadOnlyList<LstmMetaTrainingEpisode> Train(
        LstmOptimizer optimizer,
        Tensor features,
        Tensor labels,
        IProgress<LstmMetaTrainingEpisode>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Mlp mlp = CheckData(optimizer, features, labels);
        long[][] shapes = ShapesOf(mlp);
        ScalarType dtype = optimizer.Weights[0].dtype;
        torch.Device device = features.device;
        using var generator = new torch.Generator(options.Seed);
        using var adam = new AdamState(optimizer.Weights, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = options.MetaLearningRate });
        var reports = new List<LstmMetaTrainingEpisode>(options.Episodes);
        for (int episode = 1; episode <= options.Episodes; episode++)
        {
            long start = options.TimeProvider.GetTimestamp();
            var carried = new Carried();
            try
            {
                using (torch.NewDisposeScope())
                {
                    using ParameterSet initial = mlp.CreateParameters(generator, dtype, device);
                    Tensor theta = torch.cat([.. initial.Select(w => w.detach().reshape(-1))]).requires_grad_(true);
                    (Tensor x, Tensor y) = Sample(features, labels, generator);
                    Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.ForwardUnchecked(Split(theta, shapes), x), y);
                    Tensor gradient = TorchAutograd.Grad([loss], [theta])[0];
                    (Tensor[] hidden, Tensor[] cells) = optimizer.ZeroState(theta.shape[0], dtype, device);
                    carried.Replace(theta.detach(), gradient.detach(), hidden, cells);
                }

                double lossSum = 0, finalLoss = double.NaN;
                for (int done = 0; done < options.EpisodeSteps; done += options.UnrollLength)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int steps = Math.Min(options.UnrollLength, options.EpisodeSteps - done);
                    using var scope = torch.NewDisposeScope();
                    var batches = new (Tensor X, Tensor Y)[steps];
                    for (int s = 0; s < steps; s++)
                    {
                        batches[s] = Sample(features, labels, generator);
                    }

                    UnrollResult r = Unroll(optimizer, optimizer.Weights, mlp, shapes, carried.Theta, carried.Gradient, carried.Hidden, carried.Cells, batches, null);
                    Tensor[] metaGradient = TorchAutograd.Grad([r.MetaLoss], optimizer.Weights);
                    using (torch.no_grad())
                    {
                        Clip(metaGradient, options.MetaGradientClip);
                        adam.Step(optimizer.Weights, metaGradient);
                    }

                    lossSum += r.Losses.Sum();
                    finalLoss = r.Losses[^1];
                    carried.Replace(r.Theta.detach(), r.Gradient, [.. r.Hidden.Select(h => h.detach())], [.. r.Cells.Select(c => c.detach())]);
                }

                var report = new LstmMetaTrainingEpisode(episode, lossSum / options.EpisodeSteps, finalLoss, options.TimeProvider.GetElapsedTime(start).TotalSeconds);
                reports.Add(report);
                progress?.Report(report);
            }
            finally
            {
                carried.Dispose();
            }
        }

        return reports;
    }

    /// <summary>
    /// One unroll: from θ (flat, [N]), its gradient and the LSTM states, applies one optimizer step per minibatch and
    /// returns the mean loss after the steps (a differentiable function of <paramref name="phi"/>), the last θ, gradient
    /// and states, and the gradients used. With <paramref name="fixedGradients"/> the gradient after step u is taken
    /// from it instead of computed (the finite-difference reference of the meta-gradient, which holds them constant).
    /// </summary>
    internal static UnrollResult Unroll(
        LstmOptimizer optimizer,
        IReadOnlyList<Tensor> phi,
        Mlp mlp,
        long[][] shapes,
        Tensor theta,
        Tensor gradient,
        IReadOnlyList<Tensor> hidden,
        IReadOnlyList<Tensor> cells,
        IReadOnlyList<(Tensor X, Tensor Y)> batches,
        IReadOnlyList<Tensor>? fixedGradients)
    {
        Tensor? sum = null;
        var gradients = new Tensor[batches.Count];
        var losses = new double[batches.Count];
        for (int u = 0; u < batches.Count; u++)
        {
            (Tensor update, Tensor[] newHidden, Tensor[] newCells) = optimizer.Forward(phi, gradient, hidden, cells);
            hidden = newHidden;
            cells = newCells;
            theta = theta.Plus(update);
            Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.ForwardUnchecked(Split(theta, shapes), batches[u].X), batches[u].Y);
            gradient = fixedGradients is not null ? fixedGradients[u] : TorchAutograd.Grad([loss], [theta], retainGraph: true)[0].detach();
            gradients[u] = gradient;
            losses[u] = loss.dtype == ScalarType.Float64 ? loss.item<double>() : loss.item<float>();
            sum = sum is null ? loss : sum.Plus(loss);
        }

        return new UnrollResult(sum!.Over(batches.Count), theta, gradient, [.. hidden], [.. cells], gradients, losses);
    }

    /// <summary>The shapes of an MLP's weights, in order (w0, b0, w1, …).</summary>
    internal static long[][] ShapesOf(Mlp mlp)
    {
        var shapes = new long[2 * mlp.LayerCount][];
        for (int i = 0; i < mlp.LayerCount; i++)
        {
            shapes[2 * i] = [mlp.LayerSizes[i + 1], mlp.LayerSizes[i]];
            shapes[(2 * i) + 1] = [mlp.LayerSizes[i + 1]];
        }

        return shapes;
    }

    /// <summary>Views of a flat θ as the weights of the given shapes.</summary>
    internal static Tensor[] Split(Tensor theta, long[][] shapes)
    {
        var parts = new Tensor[shapes.Length];
        long at = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            long n = shapes[i].Aggregate(1L, (a, b) => a * b);
            parts[i] = theta.narrow(0, at, n).view(shapes[i]);
            at += n;
        }

        return parts;
    }

    private static void Clip(Tensor[] gradients, double maxNorm)
    {
        if (maxNorm <= 0)
        {
            return;
        }

        double squares = 0;
        foreach (Tensor g in gradients)
        {
            using Tensor s = g.Square().sum().to(ScalarType.Float64);
            squares += s.item<double>();
        }

        double norm = Math.Sqrt(squares);
        if (norm > maxNorm)
        {
            foreach (Tensor g in gradients)
            {
                g.TimesInPlace(maxNorm / norm);
            }
        }
    }

    private (Tensor X, Tensor Y) Sample(Tensor features, Tensor labels, torch.Generator generator)
    {
        using Tensor cpuIndex = torch.randint(features.shape[0], [options.BatchSize], generator: generator);
        using Tensor index = cpuIndex.to(features.device);
        return (features.index_select(0, index), labels.index_select(0, index));
    }

    private Mlp CheckData(LstmOptimizer optimizer, Tensor features, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        TorchRuntime.EnsureLoaded();
        if (features.dim() != 2 || features.shape[0] < 1)
        {
            throw new ArgumentException($"The features must have shape [rows, inputs] with at least one row; got {TensorChecks.Shape(features)}.", nameof(features));
        }

        Tensor phi0 = optimizer.Weights[0];
        if (features.dtype != phi0.dtype || !TensorChecks.SameDevice(features, phi0))
        {
            throw new ArgumentException($"The features must have the optimizer's dtype and device ({phi0.dtype} on {phi0.device}); got {features.dtype} on {features.device}.", nameof(features));
        }

        if (labels.dim() != 1 || labels.shape[0] != features.shape[0] || labels.dtype != ScalarType.Int64 || !TensorChecks.SameDevice(labels, features))
        {
            throw new ArgumentException(
                $"The labels must be int64 class indices of shape [{features.shape[0]}] on the features' device; got {TensorChecks.Shape(labels)} of {labels.dtype} on {labels.device}.", nameof(labels));
        }

        using Tensor minimum = labels.min();
        using Tensor maximum = labels.max();
        long min = minimum.item<long>();
        long classes = maximum.item<long>() + 1;
        if (min < 0 || classes < 2)
        {
            throw new ArgumentException($"The labels must be class indices from 0 with at least two classes; got indices from {min} to {classes - 1}.", nameof(labels));
        }

        return new Mlp([(int)features.shape[1], .. options.HiddenSizes, (int)classes], options.Activation);
    }

    /// <summary>What <see cref="Unroll"/> returns; the tensors belong to the caller's dispose scope.</summary>
    internal sealed record UnrollResult(Tensor MetaLoss, Tensor Theta, Tensor Gradient, Tensor[] Hidden, Tensor[] Cells, Tensor[] Gradients, double[] Losses);

    /// <summary>The detached tensors an episode carries from one unroll to the next, outside every dispose scope.</summary>
    private sealed class Carried : IDisposable
    {
        public Tensor Theta { get; private set; } = null!;

        public Tensor Gradient { get; private set; } = null!;

        public Tensor[] Hidden { get; private set; } = [];

        public Tensor[] Cells { get; private set; } = [];

        public void Replace(Tensor theta, Tensor gradient, Tensor[] hidden, Tensor[] cells)
        {
            Tensor[] next = [theta, gradient, .. hidden, .. cells];
            foreach (Tensor t in next)
            {
                t.DetachFromDisposeScope();
            }

            Dispose();
            Theta = theta;
            Gradient = gradient;
            Hidden = hidden;
            Cells = cells;
        }

        public void Dispose()
        {
            Tensor?[] old = [Theta, Gradient, .. Hidden, .. Cells];
            foreach (Tensor? t in old)
            {
                t?.Dispose();
            }

            Theta = null!;
            Gradient = null!;
            Hidden = [];
            Cells = [];
        }
    }
}
