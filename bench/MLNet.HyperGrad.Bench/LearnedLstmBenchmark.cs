using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// <c>learned-lstm</c>: issue 12's figures for the coordinatewise LSTM optimizer (Andrychowicz et al. 2016) on the fixed
/// Fashion-MNIST split of issue 9 (training images 0 … 9,999).
/// </summary>
/// <remarks>
/// <para>Meta-training (unless <c>--load FILE</c>): <see cref="LstmMetaTrainer"/> on the 10,000 training rows, optimizee
/// MLP 784-20-10 sigmoid, batch 128, <c>--episodes</c> episodes (default 100) of <c>--episode-steps</c> (100) steps cut
/// into unrolls of <c>--unroll</c> (20), Adam on φ at <c>--meta-lr</c> (0.003), meta-gradient norm clipped at 1, seed
/// <c>--seed</c> (0); <c>--save FILE</c> keeps the best φ by the mean loss of five consecutive episodes (then evaluated).</para>
/// <para>Evaluation: <c>--inits</c> (20) fresh initializations (seeds 1000 + i, not used in meta-training, whose seeds
/// draw from one generator seeded with <c>--seed</c>) and minibatch sequences (seeds 2000 + i), the same for every optimizer;
/// for each optimizer and init, <c>--steps</c> (100) steps on minibatches of 128 drawn with replacement from the 10,000
/// rows; the figure is the mean cross-entropy over all 10,000 training rows after the last step, averaged over the inits.
/// Adam (β 0.9, 0.999) is tuned over <c>--adam-grid</c> and plain SGD over <c>--sgd-grid</c> on the same runs (the best
/// mean is reported). <c>--tasks</c> (default main,relu,200-steps,wider,deeper; the headline and the cost need main). Transfers: the same evaluation with a ReLU optimizee, 200 steps, a wider optimizee (784-40-10) and a
/// deeper one (784-20-20-10), each against Adam and SGD tuned for it. Cost: meta-training seconds, and the time of one
/// optimizee step (forward, backward, update) with the LSTM and with Adam, interleaved, median of <c>--cost-repeats</c>.</para>
/// <para>Prints tables and, last, <c>lstm optimizer loss at step 100: x (tuned adam y, sgd z)</c> (also appended to
/// <c>--summary FILE</c>).</para>
/// </remarks>
internal static class LearnedLstmBenchmark
{
    private const int Rows = 10_000;
    private const int Batch = 128;

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int episodes = CsvLoadBenchmark.Int(options, "--episodes", 100);
        int episodeSteps = CsvLoadBenchmark.Int(options, "--episode-steps", 100);
        int unroll = CsvLoadBenchmark.Int(options, "--unroll", 20);
        int seed = CsvLoadBenchmark.Int(options, "--seed", 0);
        int inits = CsvLoadBenchmark.Int(options, "--inits", 20);
        int steps = CsvLoadBenchmark.Int(options, "--steps", 100);
        int costRepeats = CsvLoadBenchmark.Int(options, "--cost-repeats", 5);
        int threads = CsvLoadBenchmark.Int(options, "--threads", 0);
        double metaRate = Double(options, "--meta-lr", 0.003);
        double[] adamGrid = Grid(options, "--adam-grid", [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1]);
        double[] sgdGrid = Grid(options, "--sgd-grid", [0.1, 0.3, 1, 3, 10]);
        string[] taskNames = options.TryGetValue("--tasks", out string? t) ? t.Split(',', StringSplitOptions.RemoveEmptyEntries) : ["main", "relu", "200-steps", "wider", "deeper"];
        options.TryGetValue("--load", out string? load);
        // Meta-training always keeps its best φ in a file (a temporary one without --save) and evaluates that.
        string save = options.TryGetValue("--save", out string? savePath) ? savePath : Path.Combine(Path.GetTempPath(), Invariant($"learned-lstm-{Environment.ProcessId}.hgo"));
        options.TryGetValue("--summary", out string? summary);
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        MachineLoad.Mark mark = MachineLoad.Now();
        Thread.Sleep(1000);
        double others = MachineLoad.OthersShareSince(mark);
        Console.WriteLine(Invariant($"# learned-lstm {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC: TorchSharp libtorch {TorchRuntime.Version}, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}, float32; load average at start {MachineLoad.LoadAverage()}, other processes' share of the CPUs over 1 s {others:P0}{(others > 0.15 ? " (LOADED machine: timings are indicative)" : string.Empty)}"));
        FashionMnistData data = FashionMnist.Load();
        (TabularDataset train, _) = data.SplitTrain(Rows, Rows);
        using TensorDataset tensors = train.ToTensors();
        Console.WriteLine(Invariant($"# data: Fashion-MNIST training images 0 … {Rows - 1} (issue 9's training split), pixels in [0, 1]; optimizee batch {Batch}"));

        double metaSeconds = 0;
        LstmOptimizer optimizer;
        if (load is not null)
        {
            optimizer = LstmOptimizer.Load(load);
            Console.WriteLine(Invariant($"# loaded {load}: {optimizer.ParameterCount} weights, H {optimizer.Options.HiddenSize}, {optimizer.Options.Layers} layers, k {optimizer.Options.PreprocessingK}, output scale {optimizer.Options.OutputScale}"));
        }
        else
        {
            optimizer = LstmOptimizer.Create(seed: unchecked((ulong)seed));
            var metaOptions = new LstmMetaTrainingOptions
            {
                Episodes = episodes,
                EpisodeSteps = episodeSteps,
                UnrollLength = unroll,
                MetaLearningRate = metaRate,
                Seed = unchecked((ulong)seed),
            };
            Console.WriteLine(Invariant($"# meta-training: {episodes} episodes x {episodeSteps} steps, unroll {unroll}, Adam lr {metaRate} on {optimizer.ParameterCount} weights, clip {metaOptions.MetaGradientClip}, seed {seed}; optimizee gradients treated as constants (second derivatives dropped, as in the paper)"));
            var clock = Stopwatch.StartNew();
            var recent = new Queue<double>();
            double best = double.PositiveInfinity;
            var progress = new Progress(e =>
            {
                if (e.Episode == 1 || e.Episode % 5 == 0 || e.Episode == episodes)
                {
                    Console.WriteLine(Invariant($"  episode {e.Episode,4}: mean loss {e.MeanLoss:F4}, final loss {e.FinalLoss:F4}, {e.Seconds:F1} s"));
                }

                // Keep the best φ by the mean episode loss of the last five episodes (meta-training loss, training rows only):
                // truncated-BPTT meta-training can fall from a good optimizer into one that stalls the optimizee.
                recent.Enqueue(e.MeanLoss);
                if (recent.Count > 5)
                {
                    recent.Dequeue();
                }

                if (recent.Count == 5 && recent.Average() < best)
                {
                    best = recent.Average();
                    optimizer.Save(save);
                    Console.WriteLine(Invariant($"  episode {e.Episode,4}: saved (mean loss of the last 5 episodes {best:F4})"));
                }
            });
            new LstmMetaTrainer(metaOptions).Train(optimizer, tensors.Features, tensors.Labels, progress);
            metaSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(Invariant($"# meta-training took {metaSeconds:F0} s"));
            {
                if (double.IsPositiveInfinity(best))
                {
                    optimizer.Save(save);
                }

                optimizer.Dispose();
                optimizer = LstmOptimizer.Load(save);
                Console.WriteLine(Invariant($"# evaluating {save} ({new FileInfo(save).Length} bytes): the best φ by the mean loss of five consecutive episodes ({best:F4})"));
            }
        }

        if (options.ContainsKey("--meta-only"))
        {
            optimizer.Dispose();
            return 0;
        }

        using (optimizer)
        {
            var tasks = new List<(string Name, int[] Sizes, Activation Activation, int Steps)>();
            foreach (string name in taskNames)
            {
                tasks.Add(name switch
                {
                    "main" => ("sigmoid 784-20-10", [784, 20, 10], Activation.Sigmoid, steps),
                    "relu" => ("relu 784-20-10", [784, 20, 10], Activation.Relu, steps),
                    "200-steps" => ("sigmoid 784-20-10, 200 steps", [784, 20, 10], Activation.Sigmoid, 2 * steps),
                    "wider" => ("sigmoid 784-40-10", [784, 40, 10], Activation.Sigmoid, steps),
                    "deeper" => ("sigmoid 784-20-20-10", [784, 20, 20, 10], Activation.Sigmoid, steps),
                    _ => throw new ArgumentException($"--tasks: unknown task \"{name}\"; known: main, relu, 200-steps, wider, deeper"),
                });
            }

            Console.WriteLine();
            Console.WriteLine(Invariant($"| optimizee | steps | LSTM | tuned Adam (lr) | tuned SGD (lr) | LSTM below Adam |"));
            Console.WriteLine("|---|---|---|---|---|---|");
            (double Lstm, double Adam, double Sgd)? headline = null;
            foreach ((string name, var task) in taskNames.Zip(tasks))
            {
                var mlp = new Mlp(task.Sizes, task.Activation);
                double lstm = Mean(mlp, tensors, inits, task.Steps, w => optimizer.CreateState(w));
                (double adam, double adamRate) = adamGrid.Select(lr => (Mean(mlp, tensors, inits, task.Steps, w => new AdamState(w, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = lr })), lr)).MinBy(x => x.Item1);
                (double sgd, double sgdRate) = sgdGrid.Select(lr => (Mean(mlp, tensors, inits, task.Steps, w => new SgdState(w, new TrainingOptions { LearningRate = lr, Momentum = 0 })), lr)).MinBy(x => x.Item1);
                Console.WriteLine(Invariant($"| {task.Name} | {task.Steps} | {lstm:F4} | {adam:F4} ({adamRate:G3}) | {sgd:F4} ({sgdRate:G3}) | {(lstm < adam ? "yes" : "no")} |"));
                if (name == "main")
                {
                    headline = (lstm, adam, sgd);
                }
            }

            Console.WriteLine(Invariant($"# losses: mean cross-entropy over the {Rows:N0} training rows after the last step, mean over {inits} initializations (seeds 1000+i, minibatch seeds 2000+i, the same for every optimizer); grids: Adam lr {{{string.Join(", ", adamGrid)}}}, SGD lr {{{string.Join(", ", sgdGrid)}}}"));

            // Cost: one optimizee step (forward, backward, update) with each optimizer, interleaved.
            costRepeats = taskNames.Contains("main") ? costRepeats : 0;
            var mlpCost = new Mlp([784, 20, 10], Activation.Sigmoid);
            var lstmTimes = new List<double>();
            var adamTimes = new List<double>();
            for (int r = 0; r < costRepeats; r++)
            {
                adamTimes.Add(TimePerStep(mlpCost, tensors, steps, w => new AdamState(w, new TrainingOptions { Optimizer = OptimizerKind.Adam, LearningRate = 0.03 })));
                lstmTimes.Add(TimePerStep(mlpCost, tensors, steps, w => optimizer.CreateState(w)));
            }

            if (costRepeats == 0)
            {
                return 0;
            }

            double lstmStep = HypergradBench.Median(lstmTimes);
            double adamStep = HypergradBench.Median(adamTimes);
            Console.WriteLine(Invariant($"cost: one optimizee step (784-20-10, batch {Batch}, forward + backward + update) {lstmStep * 1e3:F2} ms with the LSTM vs {adamStep * 1e3:F2} ms with Adam: {lstmStep / adamStep:F1}x (median of {costRepeats} interleaved runs of {steps} steps)"));
            if (metaSeconds > 0)
            {
                Console.WriteLine(Invariant($"cost: meta-training {metaSeconds:F0} s = {metaSeconds / (adamStep * steps):F0} Adam training runs of {steps} steps ({episodes} episodes x {episodeSteps} steps)"));
            }

            if (headline is (double x, double y, double z))
            {
                string line = Invariant($"lstm optimizer loss at step {steps}: {x:F4} (tuned adam {y:F4}, sgd {z:F4})");
                Console.WriteLine(line);
                if (summary is not null)
                {
                    File.AppendAllLines(summary, [line]);
                }
            }
        }

        return 0;
    }

    /// <summary>The mean full-training-set loss after training each of <paramref name="inits"/> initializations.</summary>
    internal static double Mean(Mlp mlp, TensorDataset data, int inits, int steps, Func<ParameterSet, IOptimizerState> create)
    {
        double sum = 0;
        for (int i = 0; i < inits; i++)
        {
            using var initGenerator = new torch.Generator((ulong)(1000 + i));
            using ParameterSet weights = mlp.CreateParameters(initGenerator);
            using var batchGenerator = new torch.Generator((ulong)(2000 + i));
            using IOptimizerState state = create(weights);
            TrainSteps(mlp, data, weights, state, batchGenerator, steps);
            double loss = Trainer.Evaluate(mlp, weights, data.Features, data.Labels, LossKind.CrossEntropy).Loss;
            sum += double.IsFinite(loss) ? loss : 1e6;
        }

        return sum / inits;
    }

    private static double TimePerStep(Mlp mlp, TensorDataset data, int steps, Func<ParameterSet, IOptimizerState> create)
    {
        using var initGenerator = new torch.Generator(7);
        using ParameterSet weights = mlp.CreateParameters(initGenerator);
        using var batchGenerator = new torch.Generator(8);
        using IOptimizerState state = create(weights);
        var clock = Stopwatch.StartNew();
        TrainSteps(mlp, data, weights, state, batchGenerator, steps);
        return clock.Elapsed.TotalSeconds / steps;
    }

    private static void TrainSteps(Mlp mlp, TensorDataset data, ParameterSet weights, IOptimizerState state, torch.Generator generator, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor index = torch.randint(data.Features.shape[0], [Batch], generator: generator);
            Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, data.Features.index_select(0, index)), data.Labels.index_select(0, index));
            Tensor[] gradients = TorchAutograd.Grad([loss], weights);
            using (torch.no_grad())
            {
                state.Step(weights, gradients);
            }
        }
    }

    private static double Double(Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static double[] Grid(Dictionary<string, string> options, string name, double[] fallback) =>
        options.TryGetValue(name, out string? text) ? [.. text.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))] : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Progress(Action<LstmMetaTrainingEpisode> report) : IProgress<LstmMetaTrainingEpisode>
    {
        public void Report(LstmMetaTrainingEpisode value) => report(value);
    }
}
