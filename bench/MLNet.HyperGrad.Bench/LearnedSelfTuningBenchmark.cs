using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// <c>learned-self-tuning</c>: issue 12's Self-Tuning Network figure on the fixed Fashion-MNIST split of issue 9 (training images
/// 0 … 9,999 train, 10,000 … 19,999 validate; pixels in [0, 1]).
/// </summary>
/// <remarks>
/// <para>MLP 784-256-256-10 (ReLU), dropout after each hidden layer, Adam (lr <c>--lr</c>, 0.001), batch <c>--batch</c> (128),
/// <c>--epochs</c> (30) epochs over shuffled training rows, the same initialization seed <c>--seed</c> (0) for all runs.</para>
/// <para>Fixed dropout: one run per rate of <c>--grid</c> (0, .1, .2, .3, .5), Bernoulli dropout at that rate on both hidden
/// layers, no L2. Self-tuning: <see cref="SelfTuningTrainer"/> (per-layer dropout and per-layer L2 tuned online; options
/// <c>--hyper-lr</c>, <c>--train-steps</c>, <c>--val-steps</c>, <c>--tau</c>, <c>--init-dropout</c>, <c>--init-l2</c>,
/// <c>--scale</c>, <c>--warmup</c>, <c>--temperature</c>, <c>--no-l2</c> to tune dropout alone). The figure is each run's
/// validation cross-entropy after its last epoch (dropout off); the self-tuning run's hyperparameter steps use the validation
/// rows, as in the paper (MacKay et al. 2019 report test figures with hyperparameters tuned on validation).</para>
/// <para>Prints the learned schedule, a table of the fixed runs and, last, <c>self-tuning dropout validation CE: x (best fixed y)</c>
/// (also appended to <c>--summary FILE</c>). <c>--only stn|fixed</c> runs one side (then no last line).</para>
/// </remarks>
internal static class LearnedSelfTuningBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int rows = CsvLoadBenchmark.Int(options, "--rows", 10_000);
        int epochs = CsvLoadBenchmark.Int(options, "--epochs", 30);
        int threads = CsvLoadBenchmark.Int(options, "--threads", 0);
        int seed = CsvLoadBenchmark.Int(options, "--seed", 0);
        int batch = CsvLoadBenchmark.Int(options, "--batch", 128);
        double learningRate = Double(options, "--lr", 1e-3);
        double[] grid = options.TryGetValue("--grid", out string? g) ? [.. g.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))] : [0, 0.1, 0.2, 0.3, 0.5];
        options.TryGetValue("--only", out string? only);
        options.TryGetValue("--summary", out string? summary);
        var defaults = new SelfTuningOptions();
        var stn = new SelfTuningOptions
        {
            HiddenLayers = [256, 256],
            Epochs = epochs,
            BatchSize = batch,
            LearningRate = learningRate,
            HyperLearningRate = Double(options, "--hyper-lr", defaults.HyperLearningRate),
            TrainSteps = CsvLoadBenchmark.Int(options, "--train-steps", defaults.TrainSteps),
            ValidationSteps = CsvLoadBenchmark.Int(options, "--val-steps", defaults.ValidationSteps),
            EntropyWeight = Double(options, "--tau", defaults.EntropyWeight),
            InitialDropout = Double(options, "--init-dropout", defaults.InitialDropout),
            InitialL2 = Double(options, "--init-l2", defaults.InitialL2),
            InitialPerturbationScale = Double(options, "--scale", defaults.InitialPerturbationScale),
            WarmupEpochs = CsvLoadBenchmark.Int(options, "--warmup", defaults.WarmupEpochs),
            ConcreteTemperature = Double(options, "--temperature", defaults.ConcreteTemperature),
            TuneL2 = !options.ContainsKey("--no-l2"),
            Seed = unchecked((ulong)seed),
        };
        stn.Validate();
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        MachineLoad.Mark mark = MachineLoad.Now();
        Thread.Sleep(1000);
        double others = MachineLoad.OthersShareSince(mark);
        Console.WriteLine(Invariant($"# learned-self-tuning {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC: TorchSharp libtorch {TorchRuntime.Version}, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}, float32; load average at start {MachineLoad.LoadAverage()}, other processes' share of the CPUs over 1 s {others:P0}{(others > 0.15 ? " (LOADED machine: timings are indicative)" : string.Empty)}"));
        FashionMnistData data = FashionMnist.Load();
        (TabularDataset trainSet, TabularDataset validationSet) = data.SplitTrain(rows, rows);
        using TensorDataset train = trainSet.ToTensors();
        using TensorDataset validation = validationSet.ToTensors();
        int[] sizes = [784, 256, 256, 10];
        Console.WriteLine(Invariant($"# data: Fashion-MNIST training images 0 … {rows - 1} train, {rows} … {2 * rows - 1} validate (issue 9's split), pixels in [0, 1]; MLP {string.Join("-", sizes)} ReLU, Adam lr {learningRate}, batch {batch}, {epochs} epochs, init seed {seed}"));

        double? selfTuned = null;
        if (only is null or "stn")
        {
            Console.WriteLine(Invariant($"# self-tuning: T_train {stn.TrainSteps}, T_val {stn.ValidationSteps}, hyper lr {stn.HyperLearningRate}, τ {stn.EntropyWeight}, σ₀ {stn.InitialPerturbationScale}, initial dropout {stn.InitialDropout}, initial L2 {stn.InitialL2}, warm-up {stn.WarmupEpochs} epoch(s), concrete temperature {stn.ConcreteTemperature}, tuned: dropout{(stn.TuneL2 ? " and L2" : " only")}"));
            var clock = Stopwatch.StartNew();
            var progress = new EpochPrinter(e => Console.WriteLine(Invariant($"  epoch {e.Epoch,3}: dropout [{string.Join(", ", e.Dropout.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)))}], L2 [{string.Join(", ", e.L2.Select(c => c.ToString("G3", CultureInfo.InvariantCulture)))}], mean σ {e.PerturbationScales.Average():F3}, train CE {e.TrainLoss:F4}, validation CE {e.ValidationLoss:F4}, accuracy {e.ValidationAccuracy:F4}, {e.Seconds:F1} s")));
            SelfTuningRun run = new SelfTuningTrainer(stn).Train(train.Features, train.Labels, validation.Features, validation.Labels, 10, progress);
            Console.WriteLine(Invariant($"# self-tuning run took {clock.Elapsed.TotalSeconds:F0} s (loaded machine: indicative)"));
            Console.WriteLine();
            Console.WriteLine("learned schedule (mean hyperparameters at the end of each epoch):");
            Console.WriteLine(run.FormatSchedule());
            Console.WriteLine(Invariant($"self-tuning: final validation CE {run.ValidationLoss:F4}, accuracy {run.ValidationAccuracy:F4}; best epoch's validation CE {run.Schedule.Min(e => e.ValidationLoss):F4}"));
            selfTuned = run.ValidationLoss;
        }

        (double Rate, double Loss)? bestFixed = null;
        if (only is null or "fixed")
        {
            Console.WriteLine();
            Console.WriteLine("| fixed dropout | final validation CE | final accuracy | best epoch's CE (epoch) | seconds |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (double rate in grid)
            {
                var clock = Stopwatch.StartNew();
                List<Evaluation> curve = FixedDropout(sizes, train, validation, rate, epochs, batch, learningRate, unchecked((ulong)seed));
                Evaluation last = curve[^1];
                int bestEpoch = Enumerable.Range(0, curve.Count).MinBy(i => curve[i].Loss);
                Console.WriteLine(Invariant($"| {rate} | {last.Loss:F4} | {last.Accuracy:F4} | {curve[bestEpoch].Loss:F4} ({bestEpoch + 1}) | {clock.Elapsed.TotalSeconds:F0} |"));
                if (bestFixed is null || last.Loss < bestFixed.Value.Loss)
                {
                    bestFixed = (rate, last.Loss);
                }
            }

            Console.WriteLine(Invariant($"# best fixed dropout {bestFixed!.Value.Rate}: final validation CE {bestFixed.Value.Loss:F4} (seconds: loaded machine, indicative)"));
        }

        if (selfTuned is double x && bestFixed is { } y)
        {
            string line = Invariant($"self-tuning dropout validation CE: {x:F4} (best fixed {y.Loss:F4})");
            Console.WriteLine(line);
            if (summary is not null)
            {
                File.AppendAllLines(summary, [line]);
            }
        }

        return 0;
    }

    /// <summary>A plain MLP with Bernoulli dropout at a fixed rate after every hidden layer, trained with Adam; the validation evaluation after each epoch.</summary>
    private static List<Evaluation> FixedDropout(int[] sizes, TensorDataset train, TensorDataset validation, double rate, int epochs, int batch, double learningRate, ulong seed)
    {
        var mlp = new Mlp(sizes);
        using var generator = new torch.Generator(seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        using var adam = new AdamState(weights, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = learningRate });
        long n = train.Features.shape[0];
        int batches = (int)(n / batch);
        var curve = new List<Evaluation>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            using Tensor order = torch.randperm(n, generator: generator);
            for (int b = 0; b < batches; b++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor index = order.narrow(0, (long)b * batch, batch);
                Tensor a = train.Features.index_select(0, index);
                for (int l = 0; l < sizes.Length - 1; l++)
                {
                    a = torch.nn.functional.linear(a, weights[2 * l], weights[(2 * l) + 1]);
                    if (l < sizes.Length - 2)
                    {
                        a = torch.nn.functional.relu(a);
                        if (rate > 0)
                        {
                            Tensor keep = torch.rand(a.shape, a.dtype, generator: generator).ge(rate).to(a.dtype);
                            a = a * keep / (1 - rate);
                        }
                    }
                }

                Tensor loss = Losses.Compute(LossKind.CrossEntropy, a, train.Labels.index_select(0, index));
                Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                using (torch.no_grad())
                {
                    adam.Step(weights, gradients);
                }
            }

            curve.Add(Trainer.Evaluate(mlp, weights, validation.Features, validation.Labels, LossKind.CrossEntropy));
        }

        return curve;
    }

    private static double Double(Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class EpochPrinter(Action<SelfTuningEpoch> report) : IProgress<SelfTuningEpoch>
    {
        public void Report(SelfTuningEpoch value) => report(value);
    }
}
