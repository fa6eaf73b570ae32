using System.Diagnostics;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// <c>hypergrad-core</c>: issue 9's must-show figures for the hypergradient methods on the fixed Fashion-MNIST split
/// (training images 0 … 9,999 train, 10,000 … 19,999 validate, the official test set tests): correctness against
/// finite differences, exact reversal, HOAG, reverse-mode tuning against random search, DrMAD, and cost.
/// </summary>
/// <remarks>
/// Options: <c>--summary FILE</c> appends the five summary lines to FILE; <c>--quick</c> is a smoke run (1,000 rows,
/// T = 20, few outer steps); <c>--only correctness,reverse,hoag,pixel,holdout,cost,greedy-region</c> runs some parts (greedy-region: greedy one-step from L2 1e-5, 1e-3, 1e-1 with the plain and the normalized (Adam) online step, <c>--greedy-steps N</c> inner steps (default 1,000: 20 epochs of the 10,000 rows), <c>--greedy-adam-rate B</c> (default 0.05), <c>--greedy-region-arms k:β[:rows[:f]],…</c> the Adam arms as update interval, step, validation rows per differentiated step (default <c>--greedy-validation-rows</c>, 200) and the fraction of the run differentiated at every step before the interval k (default 0) (default arm 1:B), <c>--greedy-region-gradient false</c> drops the gradient-step arm, <c>--greedy-region-seed N</c> the initial weights' seed (default 4); pixel: per-pixel HOAG on the whole validation set;
/// holdout: per-pixel HOAG watched on a held-out fifth of it, <c>--holdout-steps N</c> outer steps at most (default 15; the run ends 3 steps after the held-out stop rule fires); without hoag in the same
/// run, <c>--grid-optimum X</c> gives the single-θ optimum to compare with and <c>--grid-theta T</c> the θ the cost part uses); <c>--repeats N</c> random-search
/// repeats (default 10); <c>--cost-repeats N</c> (default 3); <c>--greedy-interval K</c> the greedy update interval measured beside k = 1 in the cost part (default 4), or <c>--cost-greedy-arms k[:rows[:f]],…</c> the greedy settings measured beside k = 1 (the runner's default setting is added when missing; the summary line's greedy figure is that setting); <c>--outer-steps N</c> reverse-mode outer steps (default 50);
/// <c>--hoag-outer hoag,adam</c> the HOAG part's outer optimizers, in order (default hoag: <c>AdaptiveStepOuterOptimizer</c>, HOAG's
/// step rule; adam: <c>HyperparameterAdam</c> step 0.5, the earlier default), the summary line from the first; <c>--hoag-steps N</c> (default 15);
/// with <c>--grid-optimum X --grid-theta T</c> the hoag part skips its grid and compares with X;
/// <c>--threads N</c> libtorch threads (default: libtorch's, or 1 when other processes take over half the CPUs). Prints the five lines last.
/// </remarks>
internal static class HypergradCoreBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        bool quick = options.ContainsKey("--quick");
        string[] parts = options.TryGetValue("--only", out string? only) ? only.Split(',') : ["correctness", "reverse", "hoag", "pixel", "holdout", "cost", "greedy-region"];
        int rows = quick ? 1000 : 10_000;
        int steps = quick ? 20 : 100;
        int outerSteps = CsvLoadBenchmark.Int(options, "--outer-steps", quick ? 3 : 50);
        int trials = quick ? 5 : 50;
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", quick ? 2 : 10);
        int costRepeats = CsvLoadBenchmark.Int(options, "--cost-repeats", quick ? 1 : 3);
        double rmadRate = options.TryGetValue("--rmad-rate", out string? rate) ? double.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) : 0.1;
        var clock = Stopwatch.StartNew();
        MachineLoad.Mark mark = MachineLoad.Now();
        Thread.Sleep(1000);
        double others = MachineLoad.OthersShareSince(mark);

        // On a machine that other processes keep busy, libtorch's intra-op threads wait on each other (measured here:
        // HOAG 10x slower with 2 threads than with 1 at load 20 on 2 cores), so a loaded machine gets one thread.
        int threads = CsvLoadBenchmark.Int(options, "--threads", others > 0.5 ? 1 : 0);
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }

        Console.WriteLine(Invariant($"# hypergrad-core {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC{(quick ? " (--quick smoke run)" : string.Empty)}: TorchSharp libtorch {TorchRuntime.Version}, {Environment.ProcessorCount} cores, float64; load average at start {MachineLoad.LoadAverage()}, other processes' share of the CPUs over 1 s {others:P0}{(others > 0.15 ? " (LOADED machine: timings are indicative)" : string.Empty)}; libtorch threads {torch.get_num_threads()}{(threads > 0 ? " (--threads, or 1 on a loaded machine)" : string.Empty)}"));
        FashionMnistData data = FashionMnist.Load();
        (var train, var validation) = data.SplitTrain(rows, rows);
        var split = new Split(train, validation, quick ? data.Test.Subset(Enumerable.Range(0, rows).ToArray()) : data.Test);
        Console.WriteLine(Invariant($"# data: Fashion-MNIST training images 0 … {rows - 1} train, {rows} … {(2 * rows) - 1} validate, {split.Test.Rows} official test images test; pixels in [0, 1]"));

        var lines = new List<string>();
        if (parts.Contains("correctness"))
        {
            double worst = HypergradCorrectness.Run(data);
            lines.Add(Invariant($"hypergradient max relative error vs finite differences: {worst:0.00E+00}"));
        }

        HypergradReverseMode.Outcome? reverse = null;
        if (parts.Contains("reverse"))
        {
            reverse = HypergradReverseMode.Run(split, steps, outerSteps, trials, repeats, rmadRate);
            lines.Add(Invariant($"exact reversal bit-exact: {(reverse.BitExact ? "yes" : "no")}; buffer bytes {reverse.BufferBytes} vs trajectory bytes {reverse.TrajectoryBytes}"));
        }

        double hoagTheta = options.TryGetValue("--grid-theta", out string? gridTheta) ? double.Parse(gridTheta, System.Globalization.CultureInfo.InvariantCulture) : -7;
        double gridOptimum = options.TryGetValue("--grid-optimum", out string? given) ? double.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        if (parts.Contains("hoag"))
        {
            string[] outers = options.TryGetValue("--hoag-outer", out string? outerList) ? outerList.Split(',') : ["hoag"];
            (double, double)? knownGrid = options.ContainsKey("--grid-optimum") ? (hoagTheta, gridOptimum) : null;
            HypergradImplicit.Outcome hoag = HypergradImplicit.Run(split, hoagSteps: CsvLoadBenchmark.Int(options, "--hoag-steps", quick ? 3 : 15), outerLearningRate: 0.5, outers, knownGrid);
            hoagTheta = hoag.GridTheta;
            gridOptimum = hoag.GridOptimum;
            lines.Add(Invariant($"hoag validation CE {hoag.HoagValidation:F4} after {hoag.HoagSteps} outer steps (grid optimum {hoag.GridOptimum:F4})"));
        }

        if (parts.Contains("pixel") || parts.Contains("holdout"))
        {
            int holdoutSteps = CsvLoadBenchmark.Int(options, "--holdout-steps", quick ? 3 : 15);
            HypergradImplicit.RunPerPixel(split, gridOptimum, pixelSteps: parts.Contains("pixel") ? (quick ? 2 : 10) : -1, holdoutSteps: parts.Contains("holdout") ? holdoutSteps : -1, learningRate: 0.5);
        }

        if (reverse is not null)
        {
            lines.Add(Invariant($"rmad validation CE after {outerSteps} outer steps: {reverse.TunedValidation:F4} (random search best-of-{trials} median {reverse.RandomMedian:F4})"));
        }

        if (parts.Contains("cost"))
        {
            HypergradCost.Outcome cost = HypergradCost.Run(split, steps, costRepeats, hoagTheta, greedySteps: quick ? 20 : 200, greedyRate: 100, greedyArms: options.TryGetValue("--cost-greedy-arms", out string? costArms)
                ? GreedyArm.ParseList(costArms, withRate: false, 100, 200)
                : [new GreedyArm(CsvLoadBenchmark.Int(options, "--greedy-interval", 4), 100, 200, 0)]);
            lines.Add(Invariant($"cost relative to one training run: reverse {cost.Reverse:F2}, drmad {cost.DrMad:F2}, hoag {cost.Hoag:F2}, greedy {cost.Greedy:F2}"));
        }

        if (parts.Contains("greedy-region"))
        {
            double adamRate = options.TryGetValue("--greedy-adam-rate", out string? ar) ? double.Parse(ar, System.Globalization.CultureInfo.InvariantCulture) : 0.05;
            // --greedy-region-arms "k:β,…": the normalized (Adam) arms as update interval k and step β (default "1:<adam rate>");
            // --greedy-region-gradient false leaves out the plain gradient-step arm.
            // An arm may add ":rows" (validation rows per differentiated step, default --greedy-validation-rows, 200) and
            // ":f" (every step differentiated in the first fraction f of the run, then every k-th).
            int validationRows = CsvLoadBenchmark.Int(options, "--greedy-validation-rows", 200);
            GreedyArm[] arms = options.TryGetValue("--greedy-region-arms", out string? armText)
                ? GreedyArm.ParseList(armText, withRate: true, adamRate, validationRows)
                : [new GreedyArm(1, adamRate, validationRows, 0)];
            bool gradientArm = !options.TryGetValue("--greedy-region-gradient", out string? ga) || bool.Parse(ga);
            HypergradGreedyRegion.Run(split, CsvLoadBenchmark.Int(options, "--greedy-steps", quick ? 20 : 1000), gradientRate: 100, arms, gradientArm, (ulong)CsvLoadBenchmark.Int(options, "--greedy-region-seed", 4));
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"# hypergrad-core took {clock.Elapsed.TotalMinutes:F1} min; load average at the end {MachineLoad.LoadAverage()}"));
        foreach (string line in lines)
        {
            Console.WriteLine(line);
        }

        if (options.TryGetValue("--summary", out string? summary) && summary.Length > 0)
        {
            File.AppendAllLines(summary, lines);
        }

        return 0;
    }
}
