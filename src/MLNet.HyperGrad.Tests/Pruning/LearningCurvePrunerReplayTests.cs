using MLNet.HyperGrad.Bench;
using MLNet.HyperGrad.Pruning;

namespace MLNet.HyperGrad.Tests.Pruning;

/// <summary>
/// The learning-curve pruner on recorded real curves: the validation losses of the 24 trials × 15 epochs of the pruning
/// benchmark's no-pruner arm (Fashion-MNIST MLP random search, seed 1; <c>pruning --curves FILE</c>), replayed as the
/// experiment asks the pruner (<see cref="PrunerReplay"/>).
/// </summary>
public sealed class LearningCurvePrunerReplayTests
{
    /// <summary>
    /// What the pruner decided on these curves before its fits were warm-started and given exact Jacobians (cold fits from
    /// every start, central-difference Jacobians: commit 31850be, replayed by <c>pruning-cost</c>), as trial@epoch of each
    /// trial it pruned.
    /// </summary>
    private static readonly string[] PrunedBeforeWarmStart = [];

    private const double MeanTolerance = 1e-3;

    private const double ProbabilityTolerance = 0.01;

    private static SortedDictionary<int, double[]> Curves { get; } =
        PrunerReplay.ReadCurves(Path.Combine(AppContext.BaseDirectory, "Pruning", "Fixtures", "fashion-mnist-mlp-curves.csv"));

    [Fact]
    public void ShouldPrune_RecordedCurvesColdFits_DecideAsBeforeExactJacobians()
    {
        List<PrunerReplay.Decision> cold = PrunerReplay.Run(new LearningCurvePruner { WarmStart = false }, Curves);
        Assert.Equal(PrunedBeforeWarmStart, Pruned(cold));
    }

    [Fact]
    public void ShouldPrune_RecordedCurvesWarmStarted_MakesEveryColdDecision()
    {
        List<PrunerReplay.Decision> cold = PrunerReplay.Run(new LearningCurvePruner { WarmStart = false }, Curves);
        List<PrunerReplay.Decision> warm = PrunerReplay.Run(new LearningCurvePruner(), Curves);
        Assert.Equal(PrunedBeforeWarmStart, Pruned(warm));
        Assert.Equal(cold, warm);
    }

    [Fact]
    public void CurveEnsembleFit_WarmChainOnEveryRecordedCurve_AgreesWithColdFit()
    {
        // Every prefix of 4 to 14 epochs of every trial, fitted cold and warm-started from the previous prefix's fits:
        // the extrapolated mean at the final epoch and the probability of beating the best final value.
        double best = Curves.Values.Min(c => c[^1]);
        double worstMean = 0, worstProbability = 0;
        foreach (double[] curve in Curves.Values)
        {
            Dictionary<string, double[]>? previous = null;
            for (int n = 4; n < curve.Length; n++)
            {
                double[] t = [.. Enumerable.Range(1, n).Select(i => (double)i)];
                double[] y = curve[..n];
                CurveEnsemble cold = CurveEnsemble.Fit(t, y)!;
                CurveEnsemble warm = CurveEnsemble.Fit(t, y, previous)!;
                previous = warm.Fits.ToDictionary(f => f.Family.Name, f => f.Parameters);
                worstMean = Math.Max(worstMean, Math.Abs(warm.Mean(curve.Length) - cold.Mean(curve.Length)) / Math.Abs(cold.Mean(curve.Length)));
                worstProbability = Math.Max(worstProbability, Math.Abs(warm.ProbabilityBelow(curve.Length, best) - cold.ProbabilityBelow(curve.Length, best)));
            }
        }

        Assert.True(worstMean < MeanTolerance, $"largest relative difference of the extrapolated mean: {worstMean}");
        Assert.True(worstProbability < ProbabilityTolerance, $"largest difference of P(beat the best): {worstProbability}");
    }

    private static string[] Pruned(List<PrunerReplay.Decision> decisions) => [.. decisions.Where(d => d.Prune).Select(d => $"{d.Trial}@{d.Epoch}")];
}
