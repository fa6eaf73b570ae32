using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// One epoch of minibatch SGD with momentum for an MLP on Fashion-MNIST: our trainer against the
/// PyTorch peer script (the same Debian libtorch under Python), interleaved, on two shapes.
/// </summary>
internal static class MlpEpochBenchmark
{
    private sealed record Shape(string Hidden, int Batch, int Threads);

    private static readonly Shape[] Shapes = [new("256,256", 128, 2), new("100", 100, 1)];

    public static int Run(string[] args)
    {
        int repeats = IntOption(args, "--repeats", 7);
        string peer = StringOption(args, "--peer", FindPeerScript());
        Console.WriteLine($"# mlp-epoch: libtorch {TorchRuntime.Version}, {Environment.ProcessorCount} cores, {repeats} interleaved repeats; the figure is the median of the paired ratios (each pair measured back to back)");
        FashionMnistData data = FashionMnist.Load();
        using TensorDataset train = data.Train.ToTensors();
        using TensorDataset test = data.Test.ToTensors();
        double minRatio = double.PositiveInfinity;
        Warmup(train);
        foreach (Shape shape in Shapes)
        {
            var ratios = new List<double>();
            double ours = 0, theirs = 0, ourAccuracy = 0, theirAccuracy = 0;
            for (int r = 0; r < repeats; r++)
            {
                (double sps, double acc) = Ours(shape, train, test, seed: (ulong)r);
                (double psps, double pacc) = Peer(peer, shape);
                ours = Math.Max(ours, sps);
                theirs = Math.Max(theirs, psps);
                ourAccuracy = acc;
                theirAccuracy = pacc;
                ratios.Add(sps / psps);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Name(shape)} repeat {r + 1}: hypergrad {sps:F0} samples/s, pytorch {psps:F0} samples/s, ratio {sps / psps:F3}"));
            }

            ratios.Sort();
            double median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
            minRatio = Math.Min(minRatio, median);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name(shape)}: median paired ratio {median:F3} (best of {repeats}: hypergrad {ours:F0} samples/s, test acc {ourAccuracy:F4}; pytorch {theirs:F0} samples/s, test acc {theirAccuracy:F4}; best/best {ours / theirs:F3})"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput ratio vs pytorch: {minRatio:F3}"));
        return 0;
    }

    private static string Name(Shape shape) => $"784-{shape.Hidden.Replace(',', '-')}-10 batch {shape.Batch} threads {shape.Threads}";

    private static (double SamplesPerSecond, double TestAccuracy) Ours(Shape shape, TensorDataset train, TensorDataset test, ulong seed)
    {
        TorchRuntime.Threads = shape.Threads;
        int[] sizes = [784, .. shape.Hidden.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, CultureInfo.InvariantCulture)), 10];
        var mlp = new Mlp(sizes);
        using var generator = new Generator(seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        var trainer = new Trainer(mlp, new TrainingOptions { Epochs = 1, BatchSize = shape.Batch, LearningRate = 0.05, Momentum = 0.9, Seed = seed });

        // Finish the garbage collections that loading 200 MB of data started, so that a background
        // GC thread does not compete with the two OpenMP threads during the timed epoch.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        EpochReport report = trainer.Fit(weights, train.Features, train.Labels)[0];
        Evaluation evaluation = Trainer.Evaluate(mlp, weights, test.Features, test.Labels, LossKind.CrossEntropy);
        return (report.SamplesPerSecond, evaluation.Accuracy ?? 0);
    }

    /// <summary>One short run so that JIT compilation (tier 0 to tier 1) is not timed; the Python peer has no such cost to pay.</summary>
    private static void Warmup(TensorDataset train)
    {
        var mlp = new Mlp([784, 32, 10]);
        using var generator = new Generator(0);
        using ParameterSet weights = mlp.CreateParameters(generator);
        using Tensor x = train.Features.Narrow(0, 0, 6400);
        using Tensor y = train.Labels.Narrow(0, 0, 6400);
        new Trainer(mlp, new TrainingOptions { Epochs = 3, BatchSize = 32 }).Fit(weights, x, y);
    }

    private static (double SamplesPerSecond, double TestAccuracy) Peer(string script, Shape shape)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--hidden", shape.Hidden, "--batch", shape.Batch.ToString(CultureInfo.InvariantCulture), "--threads", shape.Threads.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the PyTorch peer failed ({process.ExitCode}): {errors}");
        }

        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (json.RootElement.GetProperty("samples_per_s").GetDouble(), json.RootElement.GetProperty("test_accuracy").GetDouble());
    }

    private static string FindPeerScript()
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
