using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using TorchSharp.Modules;
using TensorDataset = MLNet.HyperGrad.Data.TensorDataset;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>What one timed epoch of one engine gave.</summary>
/// <param name="SamplesPerSecond">Training samples per second of the timed loop (the minibatch loop only: no data loading, no evaluation).</param>
/// <param name="TestAccuracy">Accuracy on the 10,000 test images after the epoch.</param>
/// <param name="FinalWeights">The trained weights, flattened in layer order (w0, b0, w1, b1, ...); null for the Python peer.</param>
internal sealed record EngineRun(double SamplesPerSecond, double TestAccuracy, float[]? FinalWeights);

/// <summary>The settings every engine uses.</summary>
internal static class Hyper
{
    public const double LearningRate = 0.05;
    public const double Momentum = 0.9;

    /// <summary>Settles the garbage collector so that no GC thread competes with libtorch's threads in a timed epoch.</summary>
    public static void SettleGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static float[] Flatten(IEnumerable<Tensor> tensors)
    {
        var all = new List<float>();
        foreach (Tensor t in tensors)
        {
            using Tensor detached = t.detach().contiguous();
            all.AddRange(detached.data<float>().ToArray());
        }

        return [.. all];
    }
}

/// <summary>Engine 1: the library's <see cref="Trainer"/> on the functional <see cref="Mlp"/>.</summary>
internal static class OurTrainerEngine
{
    public static EngineRun Run(MlpShape shape, TensorDataset train, TensorDataset test, ulong seed, long rows = -1)
    {
        TorchRuntime.Threads = shape.Threads;
        var mlp = new Mlp(shape.Sizes);
        using var generator = new torch.Generator(seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        var trainer = new Trainer(mlp, new TrainingOptions
        {
            Epochs = 1,
            BatchSize = shape.Batch,
            LearningRate = Hyper.LearningRate,
            Momentum = Hyper.Momentum,
            Seed = seed,
        });
        using Tensor x = rows < 0 ? train.Features.alias() : train.Features.narrow(0, 0, rows);
        using Tensor y = rows < 0 ? train.Labels.alias() : train.Labels.narrow(0, 0, rows);
        Hyper.SettleGc();
        EpochReport report = trainer.Fit(weights, x, y)[0];
        Evaluation evaluation = Trainer.Evaluate(mlp, weights, test.Features, test.Labels, LossKind.CrossEntropy);
        return new EngineRun(report.SamplesPerSecond, evaluation.Accuracy ?? 0, Hyper.Flatten(weights));
    }
}

/// <summary>
/// Engine 2: idiomatic TorchSharp, as its examples write a training loop: <c>nn.Sequential</c> of
/// <c>nn.Linear</c>/<c>nn.ReLU</c>, <c>torch.optim.SGD</c>, and per minibatch a dispose scope,
/// <c>zero_grad</c>, forward, <c>cross_entropy</c>, <c>backward</c>, <c>step</c>. Same libtorch,
/// threads and data as engine 1; the same initial weights (copied in before timing) and the same
/// seeded <c>randperm</c> minibatch order, so both engines do exactly the same arithmetic.
/// </summary>
internal static class TorchSharpNnEngine
{
    public static EngineRun Run(MlpShape shape, TensorDataset train, TensorDataset test, ulong seed, long rows = -1)
    {
        TorchRuntime.Threads = shape.Threads;
        int[] sizes = shape.Sizes;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var linears = new List<Linear>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            Linear linear = nn.Linear(sizes[i], sizes[i + 1]);
            linears.Add(linear);
            layers.Add(($"fc{i}", linear));
            if (i + 2 < sizes.Length)
            {
                layers.Add(($"relu{i}", nn.ReLU()));
            }
        }

        using Sequential model = nn.Sequential(layers);
        CopyInitialWeights(shape, linears, seed);
        using optim.Optimizer optimizer = torch.optim.SGD(model.parameters(), Hyper.LearningRate, Hyper.Momentum);

        Tensor features = train.Features;
        Tensor labels = train.Labels;
        long n = rows < 0 ? features.shape[0] : rows;
        int batch = shape.Batch;
        long batches = n / batch;
        using var generator = new torch.Generator(seed);
        using Tensor order = torch.randperm(n, generator: generator);
        model.train();
        Hyper.SettleGc();
        var clock = Stopwatch.StartNew();
        for (long b = 0; b < batches; b++)
        {
            using (torch.NewDisposeScope())
            {
                Tensor index = order.narrow(0, b * batch, batch);
                Tensor x = features.index_select(0, index);
                Tensor y = labels.index_select(0, index);
                optimizer.zero_grad();
                Tensor output = model.call(x);
                Tensor loss = nn.functional.cross_entropy(output, y);
                loss.backward();
                optimizer.step();
            }
        }

        clock.Stop();
        double samplesPerSecond = batches * batch / clock.Elapsed.TotalSeconds;
        model.eval();
        var mlp = new Mlp(sizes);
        Tensor[] parameters = [.. model.parameters()];
        Evaluation evaluation = Trainer.Evaluate(mlp, parameters, test.Features, test.Labels, LossKind.CrossEntropy);
        return new EngineRun(samplesPerSecond, evaluation.Accuracy ?? 0, Hyper.Flatten(parameters));
    }

    /// <summary>The weights <see cref="Mlp.CreateParameters"/> makes from the seed (PyTorch's Linear initialization, drawn from a seeded generator).</summary>
    private static void CopyInitialWeights(MlpShape shape, List<Linear> linears, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        using ParameterSet initial = new Mlp(shape.Sizes).CreateParameters(generator);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < linears.Count; i++)
        {
            linears[i].weight!.copy_(initial[2 * i]);
            linears[i].bias!.copy_(initial[(2 * i) + 1]);
        }
    }
}

/// <summary>Engine 3: Debian's PyTorch 1.13 running the shared peer script (<c>/usr/bin/python3</c>).</summary>
internal static class PyTorchPeer
{
    public static string Version { get; private set; } = "?";

    public static EngineRun Run(string script, MlpShape shape)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--hidden", shape.Hidden, "--batch", shape.Batch.ToString(CultureInfo.InvariantCulture), "--threads", shape.Threads.ToString(CultureInfo.InvariantCulture), "--lr", Hyper.LearningRate.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the PyTorch peer failed ({process.ExitCode}): {errors.Result}");
        }

        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Version = json.RootElement.GetProperty("torch").GetString() ?? "?";
        return new EngineRun(json.RootElement.GetProperty("samples_per_s").GetDouble(), json.RootElement.GetProperty("test_accuracy").GetDouble(), null);
    }

    public static string FindScript()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "bench", "pytorch_mlp_epoch.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("pytorch_mlp_epoch.py not found in a shared/bench folder above the benchmark; pass --peer <path>.");
    }
}

/// <summary>
/// The machine's float32 GEMM rate through libtorch for the matrix products of one training step of
/// a shape (TorchSharp <c>torch.mm</c>, same thread count): per layer <c>X·Wᵀ</c> [batch, in]×[in, out],
/// <c>dYᵀ·X</c> [out, batch]×[batch, in], and but for the first layer <c>dY·W</c> [batch, out]×[out, in],
/// with the transposes as views, as libtorch's linear and its backward issue them.
/// </summary>
internal static class GemmProbe
{
    public static double GigaflopsPerSecond(MlpShape shape, double seconds = 0.4)
    {
        TorchRuntime.Threads = shape.Threads;
        int[] sizes = shape.Sizes;
        int layers = sizes.Length - 1;
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        var x = new Tensor[layers];
        var w = new Tensor[layers];
        var dy = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            x[i] = torch.rand([shape.Batch, sizes[i]], generator: generator);
            w[i] = torch.rand([sizes[i + 1], sizes[i]], generator: generator);
            dy[i] = torch.rand([shape.Batch, sizes[i + 1]], generator: generator);
        }

        void Step()
        {
            using var step = torch.NewDisposeScope();
            for (int i = 0; i < layers; i++)
            {
                torch.mm(x[i], w[i].t());
                torch.mm(dy[i].t(), x[i]);
                if (i > 0)
                {
                    torch.mm(dy[i], w[i]);
                }
            }
        }

        for (int i = 0; i < 20; i++)
        {
            Step();
        }

        long steps = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Step();
            steps++;
        }

        clock.Stop();
        return steps * shape.Batch * shape.GemmFlopsPerSample / clock.Elapsed.TotalSeconds / 1e9;
    }
}
