using System.Globalization;
using MLNet.HyperGrad.Pruning;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// The learning-curve pruner's own cost, load-robust: its decisions replayed (<see cref="PrunerReplay"/>) over recorded
/// real curves, timed by the calling thread's CPU clock (<see cref="CpuClock.ThreadSeconds"/>; the pruner is plain C#
/// on one thread).
/// </summary>
/// <remarks>
/// <c>pruning-cost [--curves FILE] [--repeats 5]</c>: FILE is a CSV <c>trial,epoch,value</c> written by
/// <c>pruning --curves FILE</c> (default: the tests' fixture, the no-pruner arm of <c>pruning</c> with its defaults). Per
/// repeat, one replay with a fresh pruner at its defaults; prints
/// the trials pruned and the epochs trained (the same in every repeat: the replay is deterministic), and the median CPU
/// milliseconds per decision. Repeat 1 includes the JIT compilation of the fitting code.
/// </remarks>
internal static class PruningCostBenchmark
{
    /// <summary>The recorded curves the tests replay, relative to the repository root.</summary>
    public const string DefaultCurves = "src/MLNet.HyperGrad.Tests/Pruning/Fixtures/fashion-mnist-mlp-curves.csv";

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        string file = options.GetValueOrDefault("--curves") ?? DefaultCurves;
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", 5);
        SortedDictionary<int, double[]> curves = PrunerReplay.ReadCurves(file);
        Console.WriteLine(Invariant($"# pruning-cost: {curves.Count} recorded curves of {curves.Values.Max(c => c.Length)} epochs from {file}; {repeats} repeats; load average at start {MachineLoad.LoadAverage()}"));

        var cpu = new List<double>();
        List<PrunerReplay.Decision> decisions = [];
        for (int r = 0; r < repeats; r++)
        {
            double begin = CpuClock.ThreadSeconds();
            decisions = PrunerReplay.Run(new LearningCurvePruner(), curves);
            cpu.Add(CpuClock.ThreadSeconds() - begin);
            Console.WriteLine(Invariant($"  repeat {r + 1}: {cpu[^1]:F3} s CPU over {decisions.Count} decisions ({cpu[^1] / decisions.Count * 1000:F2} ms each)"));
        }

        int pruned = decisions.Count(d => d.Prune);
        int epochs = curves.Sum(c => decisions.FirstOrDefault(d => d.Trial == c.Key && d.Prune)?.Epoch ?? c.Value.Length);
        Console.WriteLine(Invariant($"pruned trials: {string.Join(' ', decisions.Where(d => d.Prune).Select(d => $"{d.Trial}@{d.Epoch}"))}"));
        double first = cpu[0];
        double median = CsvLoadBenchmark.Median(cpu);
        Console.WriteLine(Invariant($"learning-curve pruner CPU per decision: {median / decisions.Count * 1000:F2} ms (median of {repeats}; repeat 1 {first / decisions.Count * 1000:F2} ms); {decisions.Count} decisions, {pruned} pruned, {epochs} epochs trained of {curves.Values.Sum(c => c.Length)}"));
        return 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
