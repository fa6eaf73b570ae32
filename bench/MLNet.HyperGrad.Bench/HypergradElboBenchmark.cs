using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// The variational criterion (issue 9): prior precisions of an MLP 784-300-10 with a diagonal Gaussian posterior,
/// one per weight, tuned on the negative ELBO by the greedy one-step and the implicit method, against random search.
/// </summary>
/// <remarks>
/// Data: Fashion-MNIST, the first 10,000 training images train, the next 10,000 validate, the official 10,000 test.
/// Inner training (every method, every evaluation): SGD with momentum (learning rate <c>--lr</c>, momentum 0.9), batch
/// <c>--batch</c>, <c>--steps</c> steps on the 10,000 training rows, σ starting at <c>--sigma</c>, from the same seeded
/// initial means. (a) Greedy: one such run with online updates of the log-precisions (β <c>--beta</c>); the learning rate
/// and momentum stay fixed; its outer criterion is the validation −ELBO on the first <c>--outer-rows</c> validation rows
/// (a subset, to fit the budget). (b) Implicit (HOAG-CG): the inner problem on the first <c>--implicit-train</c> training
/// rows (full batch, one fixed noise draw), Newton-CG truncated at <c>--newton</c> iterations of at most <c>--cg</c> CG
/// products, warm-started across <c>--implicit-steps</c> outer Adam steps (step <c>--adam-lr</c> in log-precision), same
/// outer rows as greedy. (c) Random search: <c>--random-trials</c> trials (default: as many as implicit's outer steps, so
/// the same number of training runs), each a log-uniform precision per layer in [1e-2, 1e4] (all weights of a layer
/// share it), scored by the validation ELBO on all 10,000 validation rows; the best trial wins. The precisions each
/// method ends with are then used in one fresh inner training run (the same protocol for all three), which is
/// evaluated: the ELBO in total (not per row) on the training and validation sets (3 noise draws), the accuracy of
/// the posterior mean on validation and test, and the test accuracy with N(0, 0.5²) noise added to every posterior
/// mean (<c>--noise-draws</c> draws, mean; also with N(0, 0.05²), since 0.5 is far above these weights' scale, about 0.04).
/// </remarks>
internal static class HypergradElboBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        var settings = new Settings
        {
            Steps = CsvLoadBenchmark.Int(options, "--steps", 200),
            Batch = CsvLoadBenchmark.Int(options, "--batch", 100),
            OuterRows = CsvLoadBenchmark.Int(options, "--outer-rows", 200),
            ImplicitTrain = CsvLoadBenchmark.Int(options, "--implicit-train", 1000),
            ImplicitSteps = CsvLoadBenchmark.Int(options, "--implicit-steps", 4),
            Newton = CsvLoadBenchmark.Int(options, "--newton", 3),
            ConjugateGradient = CsvLoadBenchmark.Int(options, "--cg", 10),
            NoiseDraws = CsvLoadBenchmark.Int(options, "--noise-draws", 5),
            Hidden = CsvLoadBenchmark.Int(options, "--hidden", 300),
            Seed = (ulong)CsvLoadBenchmark.Int(options, "--seed", 1),
            LearningRate = Double(options, "--lr", 0.05),
            Beta = Double(options, "--beta", 100),
            AdamLearningRate = Double(options, "--adam-lr", 2.0),
            Sigma = Double(options, "--sigma", 0.01),
        };
        int randomTrials = CsvLoadBenchmark.Int(options, "--random-trials", settings.ImplicitSteps);
        string? summary = options.GetValueOrDefault("--summary");
        var total = Stopwatch.StartNew();
        Console.WriteLine(Invariant($"# hypergrad-elbo: MLP 784-{settings.Hidden}-10 ReLU, T = {settings.Steps} SGD steps (lr {settings.LearningRate}, momentum 0.9, batch {settings.Batch}), sigma0 {settings.Sigma}, {Environment.ProcessorCount} cores; load average at start {MachineLoad.LoadAverage()}"));

        FashionMnistData data = FashionMnist.Load();
        TabularDataset train = data.Train.Subset([.. Enumerable.Range(0, 10_000)]);
        TabularDataset validation = data.Train.Subset([.. Enumerable.Range(10_000, 10_000)]);
        TabularDataset outerValidation = data.Train.Subset([.. Enumerable.Range(10_000, settings.OuterRows)]);
        var mlp = new Mlp([784, settings.Hidden, 10]);
        using var full = new VariationalMlpInnerProblem(mlp, train, validation, settings.Batch, settings.Seed, settings.Sigma);
        (Tensor testX, Tensor testY) = ToTensors(data.Test);
        var rows = new List<Row>();

        // (a) Greedy one-step, online during one training run.
        var stopwatch = Stopwatch.StartNew();
        HyperparameterSet greedyFinal;
        using (var problem = new VariationalMlpInnerProblem(mlp, train, outerValidation, settings.Batch, settings.Seed, settings.Sigma))
        {
            HyperparameterSet h = Schedule(settings.LearningRate).AddPrecisions(full, 1.0);
            var greedy = new GreedyOneStep(new ReverseModeOptions { Steps = settings.Steps }, settings.Beta, [.. full.PerWeightPriorPrecisions().Select(d => d.Name)]);
            HypergradientResult result = greedy.Compute(problem, h);
            greedyFinal = greedy.TunedHyperparameters!;
            Console.WriteLine(Invariant($"greedy: tuned run {stopwatch.Elapsed.TotalSeconds:F1} s, outer -ELBO per outer row at its end {result.OuterLoss:F4}, {Describe(greedyFinal)}"));
        }

        rows.Add(Evaluate("greedy", full, greedyFinal, settings, testX, testY, stopwatch.Elapsed.TotalSeconds));

        // (b) Implicit differentiation (HOAG-CG) with outer Adam steps.
        stopwatch.Restart();
        HyperparameterSet implicitSet = Schedule(settings.LearningRate).AddPrecisions(full, 1.0);
        using (var problem = new VariationalMlpInnerProblem(mlp, train.Subset([.. Enumerable.Range(0, settings.ImplicitTrain)]), outerValidation, settings.ImplicitTrain, settings.Seed, settings.Sigma))
        {
            HyperparameterSet h = new HyperparameterSet().AddPrecisions(full, 1.0);
            var method = new ImplicitDifferentiation(new ImplicitDifferentiationOptions
            {
                InitialTolerance = 1e-3,
                MaxNewtonIterations = settings.Newton,
                MaxConjugateGradientIterations = settings.ConjugateGradient,
            });
            var adam = new HyperparameterAdam(settings.AdamLearningRate);
            for (int k = 0; k < settings.ImplicitSteps; k++)
            {
                HypergradientResult result = method.Compute(problem, h);
                Console.WriteLine(Invariant($"implicit: outer step {k}, outer -ELBO per outer row {result.OuterLoss:F4}, inner gradient norm {method.LastInnerGradientNorm:E2}, {result.Cost.HessianVectorProducts} Hessian-vector products, {stopwatch.Elapsed.TotalSeconds:F1} s"));
                h = adam.Step(h, result);
            }

            foreach (Hyperparameter d in h.Definitions)
            {
                implicitSet.SetUnconstrained(d.Name, h.UnconstrainedValues(d.Name));
            }

            Console.WriteLine(Invariant($"implicit: {Describe(implicitSet)}"));
        }

        rows.Add(Evaluate("implicit", full, implicitSet, settings, testX, testY, stopwatch.Elapsed.TotalSeconds));

        // (c) Random search over one precision per layer, on the validation ELBO.
        stopwatch.Restart();
        var random = new Random((int)settings.Seed);
        Row? best = null;
        for (int trial = 0; trial < randomTrials; trial++)
        {
            double[] logPrecision = [.. Enumerable.Range(0, mlp.LayerCount).Select(_ => Math.Log(1e-2) + (random.NextDouble() * Math.Log(1e6)))];
            HyperparameterSet h = Schedule(settings.LearningRate);
            foreach (Hyperparameter d in full.PerWeightPriorPrecisions())
            {
                int layer = int.Parse(d.Name.AsSpan(d.Name.Length - 1), CultureInfo.InvariantCulture);
                h.Add(d, Math.Exp(logPrecision[layer]));
            }

            Row row = Evaluate("random", full, h, settings, testX, testY, 0, quiet: true);
            Console.WriteLine(Invariant($"random: trial {trial}, precisions per layer [{string.Join(", ", logPrecision.Select(x => Math.Exp(x).ToString("G3", CultureInfo.InvariantCulture)))}], validation ELBO {row.ValidationElbo:F0}, {stopwatch.Elapsed.TotalSeconds:F1} s"));
            if (best is null || row.ValidationElbo > best.ValidationElbo)
            {
                best = row;
            }
        }

        rows.Add(best! with { Seconds = stopwatch.Elapsed.TotalSeconds });

        Console.WriteLine();
        Console.WriteLine("| method | training runs | train ELBO | validation ELBO | validation accuracy | test accuracy | test accuracy, N(0, 0.5²) weight noise | test accuracy, N(0, 0.05²) weight noise | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        string[] runs = [Invariant($"1 tuned + 1 evaluation"), Invariant($"{settings.ImplicitSteps} inner solves (1k rows) + 1 evaluation"), Invariant($"{randomTrials}")];
        for (int i = 0; i < rows.Count; i++)
        {
            Row r = rows[i];
            Console.WriteLine(Invariant($"| {r.Method} | {runs[i]} | {r.TrainElbo:F0} | {r.ValidationElbo:F0} | {r.ValidationAccuracy:F4} | {r.TestAccuracy:F4} | {r.NoisyAccuracy:F4} | {r.SlightlyNoisyAccuracy:F4} | {r.Seconds:F0} |"));
        }

        string line = Invariant($"variational criterion: greedy ELBO {rows[0].ValidationElbo:F0}, implicit ELBO {rows[1].ValidationElbo:F0}, random ELBO {rows[2].ValidationElbo:F0}; accuracy under noise greedy {rows[0].NoisyAccuracy:F3}, implicit {rows[1].NoisyAccuracy:F3}, random {rows[2].NoisyAccuracy:F3}");
        Console.WriteLine(Invariant($"# total {total.Elapsed.TotalSeconds:F0} s; load average at end {MachineLoad.LoadAverage()}"));
        Console.WriteLine(line);
        if (summary is not null)
        {
            File.AppendAllText(summary, line + Environment.NewLine);
        }

        testX.Dispose();
        testY.Dispose();
        return 0;
    }

    private static HyperparameterSet Schedule(double learningRate) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), learningRate)
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.9);

    private static HyperparameterSet AddPrecisions(this HyperparameterSet set, VariationalMlpInnerProblem problem, double precision)
    {
        foreach (Hyperparameter d in problem.PerWeightPriorPrecisions())
        {
            set.Add(d, precision);
        }

        return set;
    }

    private static string Describe(HyperparameterSet h)
    {
        double[] logs = [.. h.Definitions.Where(d => d.Name.StartsWith(VariationalMlpInnerProblem.PriorPrecisionName, StringComparison.Ordinal)).SelectMany(d => h.UnconstrainedValues(d.Name))];
        Array.Sort(logs);
        return Invariant($"log-precisions of {logs.Length} weights: min {logs[0]:F2}, median {logs[logs.Length / 2]:F2}, max {logs[^1]:F2}");
    }

    /// <summary>One fresh training run at the given precisions (learning rate and momentum from the settings), then the evaluation.</summary>
    private static Row Evaluate(string method, VariationalMlpInnerProblem problem, HyperparameterSet h, Settings settings, Tensor testX, Tensor testY, double seconds, bool quiet = false)
    {
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<long[]> shapes = problem.WeightShapes;
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h.CreateTensors()));
        }

        double[] v = new double[w.Length];
        for (int t = 0; t < settings.Steps; t++)
        {
            using var scope = torch.NewDisposeScope();
            HyperparameterTensors leaves = h.CreateTensors();
            Tensor[] weights = FlatTensors.Leaves(w, shapes);
            Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(weights, leaves, t)], weights);
            double[] gradient = FlatTensors.Flatten(g);
            for (int i = 0; i < w.Length; i++)
            {
                v[i] = (0.9 * v[i]) + gradient[i];
                w[i] -= settings.LearningRate * v[i];
            }
        }

        using var evaluation = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor[] trained = FlatTensors.Unflatten(w, shapes);
        double trainElbo = problem.TrainingElbo(trained, h, samples: 3);
        double validationElbo = problem.ValidationElbo(trained, h, samples: 3);
        IReadOnlyList<Tensor> mean = problem.PosteriorMean(trained);
        double validationAccuracy = Accuracy(problem.Mlp, mean, problem, testX, testY, validation: true);
        double testAccuracy = Accuracy(problem.Mlp, mean, problem, testX, testY, validation: false);
        double NoisyAccuracy(double scale)
        {
            using var generator = new torch.Generator(settings.Seed + 1000);
            double sum = 0;
            for (int k = 0; k < settings.NoiseDraws; k++)
            {
                Tensor[] perturbed = [.. mean.Select(m => m + torch.empty(m.shape, ScalarType.Float64).normal_(0, scale, generator))];
                sum += Accuracy(problem.Mlp, perturbed, problem, testX, testY, validation: false) / settings.NoiseDraws;
            }

            return sum;
        }

        double noisy = NoisyAccuracy(0.5);
        double slightlyNoisy = NoisyAccuracy(0.05);
        var row = new Row(method, trainElbo, validationElbo, validationAccuracy, testAccuracy, noisy, slightlyNoisy, seconds + stopwatch.Elapsed.TotalSeconds);
        if (!quiet)
        {
            Console.WriteLine(Invariant($"{method}: evaluation run {stopwatch.Elapsed.TotalSeconds:F1} s: train ELBO {trainElbo:F0}, validation ELBO {validationElbo:F0}, accuracy validation {validationAccuracy:F4}, test {testAccuracy:F4}, test under noise 0.5 {noisy:F4}, 0.05 {slightlyNoisy:F4}"));
        }

        return row;
    }

    private static double Accuracy(Mlp mlp, IReadOnlyList<Tensor> weights, VariationalMlpInnerProblem problem, Tensor testX, Tensor testY, bool validation)
    {
        (Tensor x, Tensor y) = validation ? problem.ValidationData : (testX, testY);
        return 1 - ClassificationCriteria.ErrorRate(mlp.Forward(weights, x), y);
    }

    private static (Tensor X, Tensor Y) ToTensors(TabularDataset set) => ClassificationCriteria.ToFloat64(set);

    private static double Double(Dictionary<string, string> options, string name, double fallback) =>
        options.TryGetValue(name, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Settings
    {
        public int Steps { get; init; }

        public int Batch { get; init; }

        public int OuterRows { get; init; }

        public int ImplicitTrain { get; init; }

        public int ImplicitSteps { get; init; }

        public int Newton { get; init; }

        public int ConjugateGradient { get; init; }

        public int NoiseDraws { get; init; }

        public int Hidden { get; init; }

        public ulong Seed { get; init; }

        public double LearningRate { get; init; }

        public double Beta { get; init; }

        public double AdamLearningRate { get; init; }

        public double Sigma { get; init; }
    }

    private sealed record Row(string Method, double TrainElbo, double ValidationElbo, double ValidationAccuracy, double TestAccuracy, double NoisyAccuracy, double SlightlyNoisyAccuracy, double Seconds);
}
