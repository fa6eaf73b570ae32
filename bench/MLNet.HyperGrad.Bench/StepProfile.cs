using MLNet.HyperGrad.Data.Idx;
using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = MLNet.HyperGrad.Data.TensorDataset;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Where a training step's time goes: variants of one minibatch step timed in alternating chunks of
/// steps in one process (the minimum and median chunk resist a noisy machine), with the number of
/// TorchSharp tensors each step creates (about one per libtorch call that returns a tensor).
///   step-profile [--chunks 30] [--steps 40] [--shape 0|1|tiny] [--only &lt;part of a variant's name&gt;]
/// </summary>
internal static class StepProfile
{
    public static int Run(string[] args)
    {
        int chunks = IntOption(args, "--chunks", 30);
        int steps = IntOption(args, "--steps", 40);
        string which = StringOption(args, "--shape", "all");
        MlpShape[] shapes = which switch
        {
            "0" => [new("256,256", 128, 2)],
            "1" => [new("100", 100, 1)],
            "tiny" => [new("16", 16, 1)],
            _ => [new("256,256", 128, 2), new("100", 100, 1)],
        };
        FashionMnistData data = FashionMnist.Load();
        using TensorDataset train = data.Train.ToTensors();
        foreach (MlpShape shape in shapes)
        {
            Profile(shape, train, chunks, steps, StringOption(args, "--only", ""));
        }

        return 0;
    }

    private interface IVariant : IDisposable
    {
        string Name { get; }

        void Step(Tensor index, long row);
    }

    private static void Profile(MlpShape shape, TensorDataset train, int chunks, int steps, string only)
    {
        TorchRuntime.Threads = shape.Threads;
        long n = train.Features.shape[0];
        using var generator = new torch.Generator(7);
        using Tensor order = torch.randperm(n, generator: generator);
        using Tensor shuffledX = train.Features.index_select(0, order);
        using Tensor shuffledY = train.Labels.index_select(0, order);
        var variants = new List<IVariant>
        {
            new TrainerBody(shape, train, null),
            new TrainerBody(shape, train, shuffledY),
            new NnIdiomatic(shape, train, setToNone: false),
            new NnIdiomatic(shape, train, setToNone: true),
            new RawGrad(shape, train, null, null),
            new RawGrad(shape, train, null, null, RawGrad.Use.Forward),
            new RawGrad(shape, train, null, null, RawGrad.Use.Loss),
            new RawGrad(shape, train, null, null, RawGrad.Use.Grad),
            new RawGrad(shape, train, null, null, RawGrad.Use.Sgd),
            new RawGrad(shape, train, shuffledX, shuffledY),
            new GemmOnly(shape),
        };
        if (only.Length > 0)
        {
            foreach (IVariant v in variants.Where(v => !v.Name.Contains(only, StringComparison.Ordinal)).ToList())
            {
                v.Dispose();
                variants.Remove(v);
            }
        }

        int batch = shape.Batch;
        long batches = n / batch;
        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var created = variants.ToDictionary(v => v.Name, _ => 0L);
        long position = 0;
        for (int c = -3; c < chunks; c++)
        {
            foreach (IVariant v in variants)
            {
                ThreadDisposeScopeStatistics stats = DisposeScopeManager.Statistics;
                long before = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
                var clock = Stopwatch.StartNew();
                for (int s = 0; s < steps; s++)
                {
                    long b = (position + s) % batches;
                    using Tensor index = order.narrow(0, b * batch, batch);
                    v.Step(index, b * batch);
                }

                clock.Stop();
                if (c >= 0)
                {
                    times[v.Name].Add(clock.Elapsed.TotalMicroseconds / steps);
                    created[v.Name] += stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - before - steps;
                }
            }

            position += steps;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shape.Name}: {chunks} chunks of {steps} steps per variant, alternating; load {File.ReadAllText("/proc/loadavg").Trim()}"));
        foreach (IVariant v in variants)
        {
            List<double> t = [.. times[v.Name].Order()];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {v.Name,-34} min {t[0],8:F1} µs/step  median {t[t.Count / 2],8:F1}  ({batch / t[0] * 1e6,8:F0} samples/s at min)  tensors created/step {(double)created[v.Name] / (chunks * steps):F1}"));
            v.Dispose();
        }
    }

    /// <summary>
    /// The body of <see cref="Trainer.Fit"/>'s minibatch loop: as it is now (the epoch's labels gathered
    /// once, the forward pass and SGD without per-step checks, the loss summed on the host), or as it was
    /// at 1c7dc72 (labels gathered per step, checked calls, the loss summed by a libtorch add).
    /// </summary>
    private sealed class TrainerBody : IVariant
    {
        private readonly Mlp mlp;
        private readonly ParameterSet weights;
        private readonly ParameterSet velocities;
        private readonly Tensor lossSum = torch.zeros([], ScalarType.Float64);
        private readonly TensorDataset train;
        private readonly Tensor? epochLabels;
        private readonly int batch;
        private double hostLossSum;

        public TrainerBody(MlpShape shape, TensorDataset train, Tensor? epochLabels)
        {
            mlp = new Mlp(shape.Sizes);
            using var generator = new torch.Generator(3);
            weights = mlp.CreateParameters(generator);
            velocities = weights.ZerosLike();
            this.train = train;
            this.epochLabels = epochLabels;
            batch = shape.Batch;
        }

        public string Name => epochLabels is null ? "trainer body at 1c7dc72" : "trainer body now";

        public void Step(Tensor index, long row)
        {
            using (torch.NewDisposeScope())
            {
                Tensor x = train.Features.index_select(0, index);
                if (epochLabels is null)
                {
                    Tensor y = train.Labels.index_select(0, index);
                    Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, x), y);
                    Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                    using (torch.no_grad())
                    {
                        SgdMomentum.StepInPlace(weights, velocities, gradients, 0.01, 0.9, 0);
                        lossSum.add_(loss);
                    }
                }
                else
                {
                    Tensor y = epochLabels.narrow(0, row, batch);
                    Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.ForwardUnchecked(weights, x), y);
                    Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                    using (torch.no_grad())
                    {
                        SgdMomentum.StepInPlaceUnchecked(weights, velocities, gradients, 0.01, 0.9, 0);
                        hostLossSum += loss.item<float>();
                    }
                }
            }
        }

        public void Dispose()
        {
            weights.Dispose();
            velocities.Dispose();
            lossSum.Dispose();
        }
    }

    /// <summary>Idiomatic TorchSharp, as in the benchmark's engine 2; optionally with <c>model.zero_grad()</c> (set_to_none) instead of <c>optimizer.zero_grad()</c> (zero fill).</summary>
    private sealed class NnIdiomatic : IVariant
    {
        private readonly Sequential model;
        private readonly optim.Optimizer optimizer;
        private readonly TensorDataset train;
        private readonly bool setToNone;

        public NnIdiomatic(MlpShape shape, TensorDataset train, bool setToNone)
        {
            this.setToNone = setToNone;
            int[] sizes = shape.Sizes;
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i + 1 < sizes.Length; i++)
            {
                layers.Add(($"fc{i}", nn.Linear(sizes[i], sizes[i + 1])));
                if (i + 2 < sizes.Length)
                {
                    layers.Add(($"relu{i}", nn.ReLU()));
                }
            }

            model = nn.Sequential(layers);
            optimizer = torch.optim.SGD(model.parameters(), 0.01, 0.9);
            this.train = train;
        }

        public string Name => setToNone ? "torchsharp nn, model.zero_grad()" : "torchsharp nn + optim.SGD";

        public void Step(Tensor index, long row)
        {
            using (torch.NewDisposeScope())
            {
                Tensor x = train.Features.index_select(0, index);
                Tensor y = train.Labels.index_select(0, index);
                if (setToNone)
                {
                    model.zero_grad(); // set_to_none: backward then hands its gradient buffers over instead of adding into zeros
                }
                else
                {
                    optimizer.zero_grad();
                }

                Tensor output = model.call(x);
                Tensor loss = nn.functional.cross_entropy(output, y);
                loss.backward();
                optimizer.step();
            }
        }

        public void Dispose()
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }

    /// <summary>The same arithmetic with no argument checks: TorchSharp calls only; optionally the epoch's data gathered once and narrowed.</summary>
    private sealed class RawGrad : IVariant
    {
        private readonly Tensor[] weights;
        private readonly Tensor[] velocities;
        private readonly Tensor lossSum = torch.zeros([], ScalarType.Float64);
        private readonly TensorDataset train;
        private readonly Tensor? shuffledX;
        private readonly Tensor? shuffledY;
        private readonly int batch;
        private readonly Use use;
        private readonly Mlp mlp;
        private readonly ParameterSet weightSet = new();
        private readonly ParameterSet velocitySet = new();

        [Flags]
        public enum Use
        {
            None = 0,
            Forward = 1,
            Loss = 2,
            Grad = 4,
            Sgd = 8,
        }

        public RawGrad(MlpShape shape, TensorDataset train, Tensor? shuffledX, Tensor? shuffledY, Use use = Use.None)
        {
            this.use = use;
            mlp = new Mlp(shape.Sizes);
            using var generator = new torch.Generator(3);
            using ParameterSet p = new Mlp(shape.Sizes).CreateParameters(generator);
            weights = [.. p.Select(t => t.detach().clone().requires_grad_(true))];
            velocities = [.. p.Select(t => torch.zeros_like(t))];
            this.train = train;
            this.shuffledX = shuffledX;
            this.shuffledY = shuffledY;
            batch = shape.Batch;
            for (int i = 0; i < weights.Length; i++)
            {
                weightSet.Add($"p{i}", weights[i]);
                velocitySet.Add($"v{i}", velocities[i]);
            }
        }

        public string Name => shuffledX is not null ? "raw: epoch gathered once, narrow" : use == Use.None ? "raw: index_select, no checks" : $"raw + library {use}";

        public void Step(Tensor index, long row)
        {
            using (torch.NewDisposeScope())
            {
                Tensor x = shuffledX is null ? train.Features.index_select(0, index) : shuffledX.narrow(0, row, batch);
                Tensor y = shuffledY is null ? train.Labels.index_select(0, index) : shuffledY.narrow(0, row, batch);
                Tensor h = x;
                int layers = weights.Length / 2;
                if ((use & Use.Forward) != 0)
                {
                    h = mlp.Forward(weightSet, x);
                }
                else
                {
                    for (int i = 0; i < layers; i++)
                    {
                        h = nn.functional.linear(h, weights[2 * i], weights[(2 * i) + 1]);
                        if (i < layers - 1)
                        {
                            h = nn.functional.relu(h);
                        }
                    }
                }

                Tensor loss = (use & Use.Loss) != 0 ? Losses.Compute(LossKind.CrossEntropy, h, y) : nn.functional.cross_entropy(h, y);
                IList<Tensor> g = (use & Use.Grad) != 0 ? TorchAutograd.Grad([loss], weightSet) : torch.autograd.grad([loss], weights);
                using (torch.no_grad())
                {
                    if ((use & Use.Sgd) != 0)
                    {
                        SgdMomentum.StepInPlace(weightSet, velocitySet, [.. g], 0.01, 0.9, 0);
                    }
                    else
                    {
                        for (int i = 0; i < weights.Length; i++)
                        {
                            velocities[i].mul_(0.9).add_(g[i]);
                            weights[i].add_(velocities[i], -0.01);
                        }
                    }

                    lossSum.add_(loss);
                }
            }
        }

        public void Dispose()
        {
            foreach (Tensor t in weights.Concat(velocities))
            {
                t.Dispose();
            }

            lossSum.Dispose();
        }
    }

    /// <summary>Only the step's matrix products (torch.mm), for the floor.</summary>
    private sealed class GemmOnly : IVariant
    {
        private readonly Tensor[] x;
        private readonly Tensor[] w;
        private readonly Tensor[] dy;

        public GemmOnly(MlpShape shape)
        {
            int[] sizes = shape.Sizes;
            int layers = sizes.Length - 1;
            x = new Tensor[layers];
            w = new Tensor[layers];
            dy = new Tensor[layers];
            for (int i = 0; i < layers; i++)
            {
                x[i] = torch.rand([shape.Batch, sizes[i]]);
                w[i] = torch.rand([sizes[i + 1], sizes[i]]);
                dy[i] = torch.rand([shape.Batch, sizes[i + 1]]);
            }
        }

        public string Name => "gemm only (the step's torch.mm)";

        public void Step(Tensor index, long row)
        {
            using var step = torch.NewDisposeScope();
            for (int i = 0; i < x.Length; i++)
            {
                torch.mm(x[i], w[i].t());
                torch.mm(dy[i].t(), x[i]);
                if (i > 0)
                {
                    torch.mm(dy[i], w[i]);
                }
            }
        }

        public void Dispose()
        {
            foreach (Tensor t in x.Concat(w).Concat(dy))
            {
                t.Dispose();
            }
        }
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringOption(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
