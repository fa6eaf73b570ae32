using System.Diagnostics;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using static MLNet.HyperGrad.Bench.HypergradBench;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Parts 2-4 of <c>hypergrad-core</c> on the MLP 784-50-10 (tanh), SGD with momentum for T steps of batch 200 on the
/// fixed split: exact reversal (bit-exact? buffer vs trajectory bytes; agreement with store-everything autograd),
/// 50 outer Adam steps of reverse-mode tuning (a learning rate and a momentum per step, an init scale and an L2 per
/// layer) against random search over the 4 global hyperparameters (best of 50, repeated, median), and DrMAD.
/// </summary>
internal static class HypergradReverseMode
{
    // The starting point of gradient tuning (a common default) and random search's ranges (log-uniform except momentum).
    private const double StartLearningRate = 0.1;
    private const double StartMomentum = 0.9;
    private const double StartL2 = 3e-4;
    private const double StartInitScale = 1.0;
    private static readonly (double Min, double Max) LearningRateRange = (0.01, 1.0);
    private static readonly (double Min, double Max) MomentumRange = (0.5, 0.99);
    private static readonly (double Min, double Max) L2Range = (1e-6, 1e-1);
    private static readonly (double Min, double Max) InitScaleRange = (0.1, 10.0);

    internal sealed record Outcome(bool BitExact, long BufferBytes, long TrajectoryBytes, double TunedValidation, double RandomMedian);

    public static Outcome Run(HypergradBench.Split split, int steps, int outerSteps, int trials, int repeats, double outerLearningRate)
    {
        var options = new ReverseModeOptions { Steps = steps };
        var mlp = new Mlp([784, 50, 10], Activation.Tanh);
        using var problem = new MlpInnerProblem(mlp, split.Train, split.Validation, batchSize: 200, seed: 1);
        using var testProblem = new MlpInnerProblem(mlp, split.Train, split.Test, batchSize: 200, seed: 1);
        HyperparameterSet start = Schedule(steps, StartLearningRate, StartMomentum, StartL2, StartInitScale, 2);
        var exact = new ExactReversalReverseMode(options);

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 2. Exact reversal: MLP 784-50-10 tanh, T = {steps} SGD-momentum steps of batch 200, {split.Train.Rows} training / {split.Validation.Rows} validation rows; {start.ElementCount} hyperparameters (learning rate and momentum per step, L2 and init scale per layer); start lr {StartLearningRate}, momentum {StartMomentum}, L2 {StartL2}, init scale {StartInitScale}"));
        HypergradientResult first = exact.Compute(problem, start);
        HypergradientResult unrolled = new UnrolledReverseMode(options).Compute(problem, start);
        double[] exactGradient = first.Flatten(start);
        Console.WriteLine("| quantity | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(Invariant($"| initial weights and velocities recovered bit for bit | {(first.ExactlyReversed == true ? "yes" : "no")} |"));
        Console.WriteLine(Invariant($"| reversal buffer bytes / trajectory bytes (weights + velocities, float32, all steps) | {first.Cost.StoredBytes:N0} / {first.Cost.TrajectoryBytes:N0} = 1/{(double)first.Cost.TrajectoryBytes / first.Cost.StoredBytes:F0} |"));
        Console.WriteLine(Invariant($"| max relative difference vs store-everything autograd (float64), all {start.ElementCount} hypergradients | {MaxRelativeError(unrolled.Flatten(start), exactGradient):E2} |"));
        Console.WriteLine(Invariant($"| validation CE at the start (exact reversal / unrolled float64) | {first.OuterLoss:F4} / {unrolled.OuterLoss:F4} |"));
        Console.WriteLine(Invariant($"| seconds: exact reversal (forward + reverse) / unrolled autograd | {first.Cost.Elapsed.TotalSeconds:F1} / {unrolled.Cost.Elapsed.TotalSeconds:F1} |"));

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 3. Reverse-mode tuning (exact reversal, {outerSteps} outer HyperparameterAdam steps, step {outerLearningRate} in log/logit units; bounds lr 1e-3…3, momentum 0.05…0.99, L2 1e-7…1, init scale 0.05…20) vs random search over the 4 global hyperparameters"));
        var adam = new HyperparameterAdam(outerLearningRate)
            .Bound("learning_rate", 1e-3, 3)
            .Bound("momentum", 0.05, 0.99)
            .Bound(MlpInnerProblem.L2Name, 1e-7, 1)
            .Bound(MlpInnerProblem.InitScaleName, 0.05, 20);
        Console.WriteLine("| outer step | validation CE | mean lr | mean momentum | L2 per layer | init scale per layer | buffer 1/x | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        HyperparameterSet h = start;
        HypergradientResult result = first;
        var clock = Stopwatch.StartNew();
        int done = 0;
        for (int k = 0; ; k++)
        {
            if (k > 0)
            {
                try
                {
                    result = exact.Compute(problem, h);
                }
                catch (HyperGradException e)
                {
                    Console.WriteLine(Invariant($"| {k} | diverged: {e.Message} | | | | | | |"));
                    break;
                }
            }

            if (k <= 3 || k % 5 == 0 || k == outerSteps)
            {
                Console.WriteLine(Invariant($"| {k} | {result.OuterLoss:F4} | {h.Values("learning_rate").Average():F4} | {h.Values("momentum").Average():F3} | {Format(h.Values(MlpInnerProblem.L2Name))} | {Format(h.Values(MlpInnerProblem.InitScaleName))} | {(double)result.Cost.TrajectoryBytes / result.Cost.StoredBytes:F0} | {result.Cost.Elapsed.TotalSeconds:F1} |"));
            }

            done = k;
            if (k == outerSteps)
            {
                break;
            }

            h = adam.Step(h, result);
        }

        double[] tunedWeights = Train(problem, h, options);
        double tunedValidation = Outer(problem, h, tunedWeights);
        double tunedTest = Outer(testProblem, h, tunedWeights);
        Console.WriteLine(Invariant($"after {done} outer steps ({clock.Elapsed.TotalSeconds:F0} s): validation CE {tunedValidation:F4} (plain float64 training at the tuned hyperparameters; exact reversal's fixed-point run {result.OuterLoss:F4}), test CE {tunedTest:F4}; bit-exact after tuning: {(result.ExactlyReversed == true ? "yes" : "no")}, buffer 1/{(double)result.Cost.TrajectoryBytes / result.Cost.StoredBytes:F0} of the trajectory"));
        Console.WriteLine(Invariant($"learned learning-rate schedule (every {Math.Max(1, steps / 10)}th step): {Format([.. h.Values("learning_rate").Where((_, i) => i % Math.Max(1, steps / 10) == 0)])}"));
        Console.WriteLine(Invariant($"learned momentum schedule (every {Math.Max(1, steps / 10)}th step): {Format([.. h.Values("momentum").Where((_, i) => i % Math.Max(1, steps / 10) == 0)])}"));

        clock.Restart();
        var bests = new List<double>();
        double overallBest = double.PositiveInfinity;
        HyperparameterSet? overallBestSet = null;
        for (int r = 0; r < repeats; r++)
        {
            var random = new Random(1000 + r);
            double best = double.PositiveInfinity;
            for (int trial = 0; trial < trials; trial++)
            {
                HyperparameterSet candidate = Schedule(1, LogUniform(random, LearningRateRange), Uniform(random, MomentumRange), LogUniform(random, L2Range), LogUniform(random, InitScaleRange), 2);
                double ce = Outer(problem, candidate, Train(problem, candidate, options));
                ce = double.IsFinite(ce) ? ce : double.PositiveInfinity;
                if (ce < overallBest)
                {
                    overallBest = ce;
                    overallBestSet = candidate;
                }

                best = Math.Min(best, ce);
            }

            bests.Add(best);
        }

        double median = Median(bests);
        Console.WriteLine(Invariant($"random search ({repeats} seeded repeats of {trials} trials; lr log-uniform {LearningRateRange.Min}…{LearningRateRange.Max}, momentum uniform {MomentumRange.Min}…{MomentumRange.Max}, L2 log-uniform {L2Range.Min:G}…{L2Range.Max:G} for both layers, init scale log-uniform {InitScaleRange.Min}…{InitScaleRange.Max}; {clock.Elapsed.TotalSeconds:F0} s): best-of-{trials} validation CE per repeat [{Format([.. bests])}], median {median:F4}; best of all {repeats * trials} trials {overallBest:F4} (lr {overallBestSet?.Values("learning_rate")[0]:G3}, momentum {overallBestSet?.Values("momentum")[0]:G3}, L2 {overallBestSet?.Values(MlpInnerProblem.L2Name)[0]:G3}, init scale {overallBestSet?.Values(MlpInnerProblem.InitScaleName)[0]:G3})"));
        Console.WriteLine(Invariant($"reverse-mode tuning {(tunedValidation <= median ? "reaches" : "does NOT reach")} the random-search median: {tunedValidation:F4} vs {median:F4}"));

        Console.WriteLine();
        Console.WriteLine(Invariant($"## 4. DrMAD (straight-line reverse path) vs exact reversal, same problem and starting hyperparameters"));
        Console.WriteLine("| T | DrMAD stored bytes | exact-reversal buffer bytes | DrMAD seconds | exact-reversal seconds | max relative error vs exact | sign agreement: all / lr / momentum / L2 + init scale |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int t in new[] { steps / 4, steps / 2, steps })
        {
            var o = new ReverseModeOptions { Steps = t };
            HyperparameterSet s = Schedule(t, StartLearningRate, StartMomentum, StartL2, StartInitScale, 2);
            HypergradientResult drmad = new DrMad(o).Compute(problem, s);
            HypergradientResult reference = t == steps ? first : new ExactReversalReverseMode(o).Compute(problem, s);
            double[] e = reference.Flatten(s);
            double[] d = drmad.Flatten(s);
            Console.WriteLine(Invariant($"| {t} | {drmad.Cost.StoredBytes:N0} | {reference.Cost.StoredBytes:N0} | {drmad.Cost.Elapsed.TotalSeconds:F1} | {reference.Cost.Elapsed.TotalSeconds:F1} | {MaxRelativeError(e, d):E2} | {SignAgreement(e, d):P0} / {SignAgreement(e[..t], d[..t]):P0} / {SignAgreement(e[t..(2 * t)], d[t..(2 * t)]):P0} / {SignAgreement(e[(2 * t)..], d[(2 * t)..]):P0} |"));
        }

        return new Outcome(first.ExactlyReversed == true, first.Cost.StoredBytes, first.Cost.TrajectoryBytes, tunedValidation, median);
    }

    internal static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)));

    private static double LogUniform(Random random, (double Min, double Max) range) =>
        Math.Exp(Math.Log(range.Min) + (random.NextDouble() * (Math.Log(range.Max) - Math.Log(range.Min))));

    private static double Uniform(Random random, (double Min, double Max) range) => range.Min + (random.NextDouble() * (range.Max - range.Min));
}
