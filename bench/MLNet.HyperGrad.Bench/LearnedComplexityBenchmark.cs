using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Complexity control through a hypernetwork (Grebenkova, Bakhteev, Strijov 2021): one hypernetwork maps the KL weight λ to the
/// posterior (μ, log σ) of an MLP under the variational criterion; pruning by |μ|/σ; test accuracy against the fraction of
/// parameters kept for several λ, beside the same pruning of models trained separately at each λ.
/// </summary>
/// <remarks>
/// Data: Fashion-MNIST training images 0 … <c>--complexity-rows</c> − 1 (default 10,000) train, the official test set (first
/// <c>--complexity-test</c> rows, default 10,000) tests. Model: MLP 784-<c>--complexity-hidden</c> (50)-10 ReLU, diagonal Gaussian
/// posterior, prior N(0, 1), σ starting at 0.01 (<see cref="VariationalMlpInnerProblem"/>); criterion mean CE + λ·KL/N
/// (<see cref="KlWeightedVariationalProblem"/>). Hypernetwork: <see cref="BestResponseHypernetwork"/> with 8 tanh units on log λ
/// drawn uniformly on [ln 0.01, ln 10], trained once, <c>--complexity-steps</c> (1500) Adam steps of 2 draws (learning rate 0.003,
/// cosine decay), batch 100. Separate models: one per λ in <c>--complexity-lambdas</c> (0.01,0.1,1,10), each trained
/// <c>--complexity-steps</c> Adam steps (learning rate 0.003, cosine decay, batch 100) on the same criterion from the same initial
/// posterior. Accuracy of the pruned posterior mean at fractions 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01 of parameters kept.
/// <c>--complexity-plot FILE</c> also writes the table as an SVG plot (accuracy against the fraction kept, log axis; one colour per λ,
/// solid for the hypernetwork, dashed for the separately trained models). <c>--threads N</c> sets libtorch's thread count (when run alone).
/// </remarks>
internal static class LearnedComplexityBenchmark
{
    private static readonly double[] Fractions = [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        if (options.TryGetValue("--threads", out string? threads))
        {
            torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
        }

        Console.WriteLine(Invariant($"# learned-complexity {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, libtorch threads {torch.get_num_threads()}; load average at start {MachineLoad.LoadAverage()} (timings on a shared machine are indicative)"));
        return Run(args, FashionMnist.Load());
    }

    public static int Run(string[] args, FashionMnistData data)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int rows = CsvLoadBenchmark.Int(options, "--complexity-rows", 10_000);
        int testRows = CsvLoadBenchmark.Int(options, "--complexity-test", 10_000);
        int hidden = CsvLoadBenchmark.Int(options, "--complexity-hidden", 50);
        int steps = CsvLoadBenchmark.Int(options, "--complexity-steps", 1500);
        double[] lambdas = [.. options.GetValueOrDefault("--complexity-lambdas", "0.01,0.1,1,10").Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
        var clock = Stopwatch.StartNew();
        TabularDataset train = data.Train.Subset([.. Enumerable.Range(0, rows)]);
        TabularDataset test = data.Test.Subset([.. Enumerable.Range(0, Math.Min(testRows, data.Test.Rows))]);
        var mlp = new Mlp([784, hidden, 10]);
        using var variational = new VariationalMlpInnerProblem(mlp, train, test, batchSize: 100, seed: 1);
        var problem = new KlWeightedVariationalProblem(variational);
        (Tensor testX, Tensor testY) = variational.ValidationData;
        int n = 2 * mlp.LayerCount;
        Console.WriteLine();
        Console.WriteLine(Invariant($"## Complexity control (Grebenkova, Bakhteev, Strijov 2021): MLP 784-{hidden}-10, {variational.ParameterCount} parameters, criterion CE + λ·KL/N on {rows} training rows, test accuracy on {test.Rows} test rows after pruning by |μ|/σ"));

        // One hypernetwork for every λ.
        HyperparameterSet set = new HyperparameterSet().Add(KlWeightedVariationalProblem.KlWeight(), 1.0);
        var range = new HyperparameterRange(KlWeightedVariationalProblem.KlWeightName, Math.Log(0.01), Math.Log(10));
        var hyperStopwatch = Stopwatch.StartNew();
        using var network = new BestResponseHypernetwork(problem, set, [range], hiddenUnits: 8, seed: 1);
        HypernetworkSearch.Run(network, [0.0], new HypernetworkSearchOptions { TrainingSteps = steps, SamplesPerStep = 2, LearningRate = 0.003, HyperparameterSteps = 0, CurvePoints = 2, Seed = 1 });
        Console.WriteLine(Invariant($"hypernetwork: {steps} steps × 2 draws of λ, {hyperStopwatch.Elapsed.TotalSeconds:F0} s at this load (shared machine)"));
        var table = new List<(double Lambda, string Kind, double[] Accuracy)>();
        foreach (double lambda in lambdas)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            Tensor[] posterior = network.Forward(torch.tensor(new[] { Math.Log(lambda) }, ScalarType.Float64));
            table.Add((lambda, "hypernetwork", Accuracies(mlp, posterior, n, testX, testY)));
        }

        // Separately trained models, one per λ, same steps each.
        var separateStopwatch = Stopwatch.StartNew();
        foreach (double lambda in lambdas)
        {
            HyperparameterSet h = new HyperparameterSet().Add(KlWeightedVariationalProblem.KlWeight(), lambda);
            using ParameterSet weights = TrainAlone(problem, h, steps);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            table.Add((lambda, "separate", Accuracies(mlp, [.. weights], n, testX, testY)));
        }

        Console.WriteLine(Invariant($"separate models: {lambdas.Length} × {steps} steps, {separateStopwatch.Elapsed.TotalSeconds:F0} s at this load (shared machine)"));
        Console.WriteLine();
        Console.WriteLine("| λ | model | " + string.Join(" | ", Fractions.Select(f => Invariant($"{f:P0} kept"))) + " |");
        Console.WriteLine("|---|---|" + string.Concat(Fractions.Select(_ => "---|")));
        foreach ((double lambda, string kind, double[] accuracy) in table.OrderBy(r => r.Lambda).ThenBy(r => r.Kind, StringComparer.Ordinal))
        {
            Console.WriteLine(Invariant($"| {lambda:G3} | {kind} | ") + string.Join(" | ", accuracy.Select(a => Invariant($"{a:F4}"))) + " |");
        }

        Console.WriteLine(Invariant($"complexity control: {clock.Elapsed.TotalSeconds:F0} s in all at this load"));
        if (options.TryGetValue("--complexity-plot", out string? plot))
        {
            File.WriteAllText(plot, Svg(table, hidden, rows));
            Console.WriteLine($"plot written to {plot}");
        }

        return 0;
    }

    /// <summary>Accuracy against the fraction of parameters kept (log axis), one colour per λ, solid for the hypernetwork, dashed for separate models.</summary>
    private static string Svg(List<(double Lambda, string Kind, double[] Accuracy)> table, int hidden, int rows)
    {
        const double Width = 640, Height = 420, Left = 60, Right = 170, Top = 40, Bottom = 50;
        string[] colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
        double[] lambdas = [.. table.Select(r => r.Lambda).Distinct().Order()];
        double xMin = Math.Log10(Fractions.Min()), xMax = Math.Log10(Fractions.Max());
        double yMin = Math.Floor(table.SelectMany(r => r.Accuracy).Min() * 10) / 10, yMax = 1.0;
        double X(double f) => Left + ((Math.Log10(f) - xMin) / (xMax - xMin) * (Width - Left - Right));
        double Y(double a) => Height - Bottom - ((a - yMin) / (yMax - yMin) * (Height - Top - Bottom));
        var svg = new System.Text.StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Left}\" y=\"20\" font-size=\"13\">Test accuracy after pruning by |μ|/σ, MLP 784-{hidden}-10, {rows} training rows</text>"));
        svg.AppendLine(Invariant($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        svg.AppendLine(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>"));
        foreach (double f in Fractions)
        {
            svg.AppendLine(Invariant($"<line x1=\"{X(f):F1}\" y1=\"{Height - Bottom}\" x2=\"{X(f):F1}\" y2=\"{Height - Bottom + 5}\" stroke=\"black\"/><text x=\"{X(f):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{f * 100:G3}%</text>"));
        }

        for (double a = yMin; a <= yMax + 1e-9; a += 0.1)
        {
            svg.AppendLine(Invariant($"<line x1=\"{Left - 5}\" y1=\"{Y(a):F1}\" x2=\"{Width - Right}\" y2=\"{Y(a):F1}\" stroke=\"#ddd\"/><text x=\"{Left - 8}\" y=\"{Y(a) + 4:F1}\" text-anchor=\"end\">{a:F1}</text>"));
        }

        svg.AppendLine(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">fraction of parameters kept (log scale)</text>"));
        svg.AppendLine(Invariant($"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">test accuracy</text>"));
        for (int i = 0; i < lambdas.Length; i++)
        {
            string colour = colours[i % colours.Length];
            foreach ((double lambda, string kind, double[] accuracy) in table.Where(r => r.Lambda == lambdas[i]))
            {
                string dash = kind == "separate" ? " stroke-dasharray=\"6 4\"" : "";
                string points = string.Join(" ", Fractions.Select((f, k) => Invariant($"{X(f):F1},{Y(accuracy[k]):F1}")));
                svg.AppendLine(Invariant($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>"));
            }

            double legendY = Top + 10 + (i * 36);
            svg.AppendLine(Invariant($"<line x1=\"{Width - Right + 15}\" y1=\"{legendY}\" x2=\"{Width - Right + 45}\" y2=\"{legendY}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{Width - Right + 50}\" y=\"{legendY + 4}\">λ = {lambdas[i]:G3} hypernet</text>"));
            svg.AppendLine(Invariant($"<line x1=\"{Width - Right + 15}\" y1=\"{legendY + 16}\" x2=\"{Width - Right + 45}\" y2=\"{legendY + 16}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"{Width - Right + 50}\" y=\"{legendY + 20}\">λ = {lambdas[i]:G3} separate</text>"));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static double[] Accuracies(Mlp mlp, IReadOnlyList<Tensor> posterior, int n, Tensor x, Tensor y)
    {
        Tensor[] means = [.. posterior.Take(n)];
        Tensor[] logSigmas = [.. posterior.Skip(n).Take(n)];
        return [.. Fractions.Select(f =>
        {
            using var scope = torch.NewDisposeScope();
            Tensor[] pruned = PosteriorPruning.Prune(means, logSigmas, f);
            return 1 - ClassificationCriteria.ErrorRate(mlp.Forward(pruned, x), y);
        })];
    }

    /// <summary>Adam on the posterior alone (learning rate 0.003, cosine decay to 5%), from the problem's initial posterior.</summary>
    private static ParameterSet TrainAlone(KlWeightedVariationalProblem problem, HyperparameterSet h, int steps)
    {
        var weights = new ParameterSet();
        using (torch.NewDisposeScope())
        {
            Tensor[] initial = problem.InitialWeights(h.CreateTensors());
            for (int i = 0; i < initial.Length; i++)
            {
                weights.Add(Invariant($"p{i}"), initial[i].detach().clone().requires_grad_(true));
            }
        }

        using ParameterSet first = weights.ZerosLike();
        using ParameterSet second = weights.ZerosLike();
        for (int t = 0; t < steps; t++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor loss = problem.TrainingLoss([.. weights], h.CreateTensors(), t);
            Tensor[] g = TorchAutograd.Grad([loss], [.. weights]);
            double rate = 0.003 * (0.05 + (0.95 * 0.5 * (1 + Math.Cos(Math.PI * t / Math.Max(1, steps - 1)))));
            using var noGrad = torch.no_grad();
            for (int i = 0; i < weights.Count; i++)
            {
                first[i].mul_(0.9).add_(g[i], 0.1);
                second[i].mul_(0.999).addcmul_(g[i], g[i], 0.001);
                Tensor denominator = second[i].div(1 - Math.Pow(0.999, t + 1)).sqrt_().add_(1e-8);
                weights[i].addcdiv_(first[i], denominator, -rate / (1 - Math.Pow(0.9, t + 1)));
            }
        }

        return weights;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
