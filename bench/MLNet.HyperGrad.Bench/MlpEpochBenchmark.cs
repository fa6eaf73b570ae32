using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// One epoch of minibatch SGD with momentum for an MLP on Fashion-MNIST, three engines interleaved
/// in one run: our <c>Trainer</c>, the idiomatic TorchSharp loop (same libtorch), and PyTorch 1.13
/// (the shared peer script). Per repeat: the GEMM probe, then engines A, B, C back to back; the
/// ratios are paired within a repeat.
/// </summary>
internal static class MlpEpochBenchmark
{
    private static readonly MlpShape[] Shapes = [new("256,256", 128, 2), new("100", 100, 1)];

    private static readonly string[] Engines = ["hypergrad", "torchsharp-nn", "pytorch-1.13"];

    public static int Run(string[] args)
    {
        int repeats = IntOption(args, "--repeats", 7);
        string peer = StringOption(args, "--peer", PyTorchPeer.FindScript());
        double quiet = double.Parse(StringOption(args, "--quiet", "0.15"), CultureInfo.InvariantCulture);
        var maxWait = TimeSpan.FromSeconds(IntOption(args, "--max-wait", 120));
        double maxOthers = double.Parse(StringOption(args, "--max-others", "0.25"), CultureInfo.InvariantCulture);
        const int maxAttemptsFactor = 4;
        string loadAtStart = MachineLoad.LoadAverage();
        Console.WriteLine(Invariant($"# mlp-epoch {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm}: TorchSharp libtorch {TorchRuntime.Version}, {Environment.ProcessorCount} cores, {repeats} interleaved repeats after one warm-up round; load average at start {loadAtStart}; before each repeat it waits up to {maxWait.TotalSeconds:F0} s until other processes use at most {quiet:P0} of the CPUs, and discards (and runs again, up to {maxAttemptsFactor}x) a repeat during which they took more than {maxOthers:P0} while one engine ran"));
        Console.WriteLine($"# engines: hypergrad = MLNet.HyperGrad Trainer; torchsharp-nn = nn.Sequential + optim.SGD on the same libtorch; pytorch-1.13 = {peer} under /usr/bin/python3");
        Console.WriteLine(Invariant($"# SGD lr {Hyper.LearningRate}, momentum {Hyper.Momentum}, one epoch (last partial batch dropped); the .NET engines share seed r (initial weights and randperm order) in repeat r"));
        Console.WriteLine("# FLOPs counted: the GEMMs a step runs, 2·batch·(2·Σ in·out + Σ over layers but the first of in·out) (forward, weight gradient, input gradient except the first layer); [in brackets: the 6·batch·Σ in·out rule of thumb]");
        FashionMnistData data = FashionMnist.Load();
        using TensorDataset train = data.Train.ToTensors();
        using TensorDataset test = data.Test.ToTensors();

        double minVsNn = double.PositiveInfinity, minVsPyTorch = double.PositiveInfinity;
        foreach (MlpShape shape in Shapes)
        {
            // Warm-up round: JIT tiering for the .NET engines, page cache and allocator for all.
            OurTrainerEngine.Run(shape, train, test, seed: 1000, rows: 12_800);
            TorchSharpNnEngine.Run(shape, train, test, seed: 1000, rows: 12_800);
            OurTrainerEngine.Run(shape, train, test, seed: 1000, rows: 12_800);
            TorchSharpNnEngine.Run(shape, train, test, seed: 1000, rows: 12_800);
            PyTorchPeer.Run(peer, shape);
            GemmProbe.GigaflopsPerSecond(shape, 0.2);

            var gemm = new List<double>();
            var sps = Engines.ToDictionary(e => e, _ => new List<double>());
            var accuracy = Engines.ToDictionary(e => e, _ => new List<double>());
            var vsNn = new List<double>();
            var vsPyTorch = new List<double>();
            var others = new List<double>();
            double maxWeightDifference = 0;
            int attempts = 0;
            while (gemm.Count < repeats && attempts < repeats * maxAttemptsFactor)
            {
                attempts++;
                int r = gemm.Count;
                MachineLoad.WaitForQuiet(quiet, maxWait);
                var segmentOthers = new double[4];
                MachineLoad.Mark mark = MachineLoad.Now();
                double g = GemmProbe.GigaflopsPerSecond(shape);
                segmentOthers[0] = MachineLoad.OthersShareSince(mark);
                mark = MachineLoad.Now();
                EngineRun ours = OurTrainerEngine.Run(shape, train, test, seed: (ulong)r);
                segmentOthers[1] = MachineLoad.OthersShareSince(mark);
                mark = MachineLoad.Now();
                EngineRun nn = TorchSharpNnEngine.Run(shape, train, test, seed: (ulong)r);
                segmentOthers[2] = MachineLoad.OthersShareSince(mark);
                mark = MachineLoad.Now();
                EngineRun py = PyTorchPeer.Run(peer, shape);
                segmentOthers[3] = MachineLoad.OthersShareSince(mark);
                double difference = MaxAbsDifference(ours.FinalWeights!, nn.FinalWeights!);
                double worst = segmentOthers.Max();
                bool keep = worst <= maxOthers;
                Console.WriteLine(Invariant($"  {shape.Name} {(keep ? $"repeat {r + 1}" : "discarded")}: gemm {g:F1} GFLOP/s; hypergrad {ours.SamplesPerSecond:F0}, torchsharp-nn {nn.SamplesPerSecond:F0}, pytorch {py.SamplesPerSecond:F0} samples/s; ours/nn {ours.SamplesPerSecond / nn.SamplesPerSecond:F3}, ours/pytorch {ours.SamplesPerSecond / py.SamplesPerSecond:F3}; final weights ours vs nn: max |diff| {difference:G3}; other processes' share of the CPUs during gemm/ours/nn/pytorch {string.Join('/', segmentOthers.Select(o => (100 * o).ToString("F0", CultureInfo.InvariantCulture)))} %, load average {MachineLoad.LoadAverage()}"));
                if (!keep)
                {
                    continue;
                }

                others.Add(worst);
                maxWeightDifference = Math.Max(maxWeightDifference, difference);
                gemm.Add(g);
                Record(sps, accuracy, "hypergrad", ours);
                Record(sps, accuracy, "torchsharp-nn", nn);
                Record(sps, accuracy, "pytorch-1.13", py);
                vsNn.Add(ours.SamplesPerSecond / nn.SamplesPerSecond);
                vsPyTorch.Add(ours.SamplesPerSecond / py.SamplesPerSecond);
            }

            if (gemm.Count == 0)
            {
                Console.WriteLine(Invariant($"{shape.Name}: no repeat ran on a quiet enough machine in {attempts} attempts; no figure (raise --max-others or run later)"));
                return 1;
            }

            double gemmMedian = Median(gemm);
            Console.WriteLine(Invariant($"{shape.Name}: {gemm.Count} repeats kept of {attempts} ({attempts - gemm.Count} discarded: other processes took more than {maxOthers:P0} of the CPUs during one engine's run); in the kept repeats others took at most {others.Min():P0}-{others.Max():P0}, median {Median(others):P0}"));
            Console.WriteLine(Invariant($"  gemm rate (torch.mm, the step's products, {shape.Threads} thread(s)): median {gemmMedian:F1} GFLOP/s, range {gemm.Min():F1}-{gemm.Max():F1}"));
            foreach (string engine in Engines)
            {
                List<double> s = sps[engine];
                double median = Median(s);
                double flops = median * shape.GemmFlopsPerSample / 1e9;
                double convention = median * shape.ConventionFlopsPerSample / 1e9;
                Console.WriteLine(Invariant($"  {engine,-14} median {median,8:F0} samples/s, range {s.Min():F0}-{s.Max():F0}; {flops:F1} GFLOP/s = {flops / gemmMedian:F2} of the gemm rate [{convention:F1} GFLOP/s = {convention / gemmMedian:F2}]; test accuracy {accuracy[engine].Min():F4}-{accuracy[engine].Max():F4}"));
            }

            Console.WriteLine(Invariant($"  paired ratio ours/torchsharp-nn: median {Median(vsNn):F3}, range {vsNn.Min():F3}-{vsNn.Max():F3}; final weights of the two .NET engines: max |diff| {maxWeightDifference:G3} ({(maxWeightDifference == 0 ? "bit-identical" : "differ")})"));
            Console.WriteLine(Invariant($"  paired ratio ours/pytorch-1.13:  median {Median(vsPyTorch):F3}, range {vsPyTorch.Min():F3}-{vsPyTorch.Max():F3}"));
            minVsNn = Math.Min(minVsNn, Median(vsNn));
            minVsPyTorch = Math.Min(minVsPyTorch, Median(vsPyTorch));
        }

        Console.WriteLine($"# load average at end {MachineLoad.LoadAverage()}; PyTorch peer {PyTorchPeer.Version}");
        Console.WriteLine(Invariant($"throughput ratio vs torchsharp nn: {minVsNn:F3}"));
        Console.WriteLine(Invariant($"throughput ratio vs pytorch: {minVsPyTorch:F3}"));
        return 0;
    }

    private static void Record(Dictionary<string, List<double>> sps, Dictionary<string, List<double>> accuracy, string engine, EngineRun run)
    {
        sps[engine].Add(run.SamplesPerSecond);
        accuracy[engine].Add(run.TestAccuracy);
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length)
        {
            return double.PositiveInfinity;
        }

        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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
