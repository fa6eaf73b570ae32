using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Pruning.PrunerCurves;

namespace MLNet.HyperGrad.Tests.Pruning;

public sealed class LearningCurvePrunerTests
{
    private static readonly PrunerTrial[] Completed =
    [
        Trial(0, TrialState.Complete, Curve(t => 0.5 + (0.8 * Math.Pow(t, -0.8)), 20)),
        Trial(1, TrialState.Complete, Curve(t => 0.55 + (0.8 * Math.Pow(t, -0.8)), 20)),
        Trial(2, TrialState.Complete, Curve(t => 0.6 + (0.8 * Math.Pow(t, -0.8)), 20)),
    ];

    // Best final value so far: 0.5 + 0.8·20^-0.8 ≈ 0.5727.
    private static double BestFinal => Completed[0].Values[^1].Value;

    /// <summary>A small deterministic wiggle, as validation curves have.</summary>
    private static double Wiggle(double t) => 0.004 * Math.Sin(2.3 * t);

    [Fact]
    public void CurveFit_ExactPow3_RecoversItsParameters()
    {
        double[] t = [.. Enumerable.Range(1, 8).Select(i => (double)i)];
        double[] y = [.. t.Select(x => 0.3 + (1.2 * Math.Pow(x, -0.7)))];
        CurveFit.Result fit = CurveFit.Fit(CurveFamily.Pow3, t, y)!;
        Assert.Equal(0.3, fit.Parameters[0], 4);
        Assert.Equal(1.2, Math.Exp(fit.Parameters[1]), 4);
        Assert.Equal(0.7, Math.Exp(fit.Parameters[2]), 4);
    }

    [Fact]
    public void CurveFamilyGradient_EveryFamily_MatchesCentralDifferences()
    {
        // Parameters around each family's starts for a real-looking curve, and a spread of steps (an extrapolation to 40 included).
        double[] t = [.. Enumerable.Range(1, 8).Select(i => (double)i)];
        double[] y = [.. t.Select(x => 0.45 + (0.6 * Math.Pow(x, -0.6)) + Wiggle(x))];
        var random = new Random(7);
        int checkedEntries = 0;
        foreach (CurveFamily family in CurveFamily.All)
        {
            foreach (double[] start in family.Starts(t, y))
            {
                double[] theta = [.. start.Select(v => v + (0.3 * ((2 * random.NextDouble()) - 1)))];
                foreach (double step in new[] { 1.0, 2.5, 7.0, 15.0, 40.0 })
                {
                    var g = new double[family.ParameterCount];
                    double value = family.Gradient(theta, step, g);
                    Assert.Equal(family.Evaluate(theta, step), value, 12);
                    for (int i = 0; i < theta.Length; i++)
                    {
                        double h = 1e-6 * Math.Max(1, Math.Abs(theta[i]));
                        double[] up = [.. theta], down = [.. theta];
                        up[i] += h;
                        down[i] -= h;
                        double fd = (family.Evaluate(up, step) - family.Evaluate(down, step)) / (2 * h);
                        Assert.True(Math.Abs(g[i] - fd) <= 1e-6 * (1 + Math.Abs(fd)), $"{family.Name} θ{i} at t = {step}: analytic {g[i]}, central difference {fd}");
                        checkedEntries++;
                    }
                }
            }
        }

        Assert.True(checkedEntries > 400, $"{checkedEntries} entries checked");
    }

    [Fact]
    public void CurveFamilyEvaluateAllAndGradientAll_EveryFamily_EqualThePerPointFormsBitForBit()
    {
        // The fits evaluate every point at once (parameter transforms and ln t computed once); their values and Jacobians
        // must be exactly the per-point forms', so that the fits, and the pruner's decisions, do not move. Parameters
        // around the starts, and far out (overflow to infinity, 0 · ∞ = NaN) so that the non-finite cases match too.
        double[] t = [1, 2, 3, 4.5, 7, 10, 15, 40, 1000];
        double[] y = [.. t.Select(x => 0.45 + (0.6 * Math.Pow(x, -0.6)) + Wiggle(x))];
        var points = new CurvePoints(t);
        var random = new Random(11);
        int compared = 0, nonFinite = 0;
        foreach (CurveFamily family in CurveFamily.All)
        {
            int p = family.ParameterCount;
            IEnumerable<double[]> thetas = family.Starts(t, y)
                .SelectMany(start => new[] { 0.3, 3.0, 30.0 }.Select(spread => start.Select(v => v + (spread * ((2 * random.NextDouble()) - 1))).ToArray()));
            foreach (double[] theta in thetas)
            {
                var values = new double[t.Length];
                var gradientValues = new double[t.Length];
                var jacobian = new double[t.Length, p];
                family.EvaluateAll(theta, points, values);
                family.GradientAll(theta, points, gradientValues, jacobian);
                for (int k = 0; k < t.Length; k++)
                {
                    var g = new double[p];
                    double value = family.Gradient(theta, t[k], g);
                    AssertSameBits(family.Evaluate(theta, t[k]), values[k], $"{family.Name} value at t = {t[k]}");
                    AssertSameBits(value, gradientValues[k], $"{family.Name} gradient's value at t = {t[k]}");
                    for (int i = 0; i < p; i++)
                    {
                        AssertSameBits(g[i], jacobian[k, i], $"{family.Name} ∂/∂θ{i} at t = {t[k]}");
                        nonFinite += double.IsFinite(g[i]) ? 0 : 1;
                        compared++;
                    }
                }
            }
        }

        Assert.True(compared > 1000, $"{compared} Jacobian entries compared");
        Assert.True(nonFinite > 0, "no non-finite entry was compared: the parameters do not reach the overflow cases");

        static void AssertSameBits(double expected, double actual, string what) =>
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: per point {expected:R}, all points {actual:R}");
    }

    [Fact]
    public void Extrapolate_ExactPow3Curve_RecoversItsAsymptote()
    {
        double[] values = Curve(t => 0.3 + (1.2 * Math.Pow(t, -0.7)), 8);
        double far = LearningCurvePruner.Extrapolate(Trial(0, TrialState.Running, values).Values, 1_000_000);
        Assert.Equal(0.3 + (1.2 * Math.Pow(1e6, -0.7)), far, 3);
    }

    [Fact]
    public void ShouldPrune_CurveConvergingWellAboveTheBest_Prunes()
    {
        PrunerTrial trial = Trial(9, TrialState.Running, Curve(t => 0.9 + (0.6 * Math.Exp(-0.6 * t)) + Wiggle(t), 5)) with { FinalStep = 20 };
        double p = LearningCurvePruner.ProbabilityToBeat(trial.Values, 20, BestFinal);
        Assert.True(p < 0.05, $"P(beat best) = {p}");
        Assert.True(new LearningCurvePruner().ShouldPrune(trial, [.. Completed, trial]));
    }

    [Fact]
    public void ShouldPrune_CurveHeadingBelowTheBest_Keeps()
    {
        // 0.2 + t^-0.5: 1.2 at epoch 1, 0.65 at epoch 5 (still above the best 0.573), 0.42 at epoch 20.
        PrunerTrial trial = Trial(9, TrialState.Running, Curve(t => 0.2 + Math.Pow(t, -0.5) + Wiggle(t), 5)) with { FinalStep = 20 };
        double p = LearningCurvePruner.ProbabilityToBeat(trial.Values, 20, BestFinal);
        Assert.True(p > 0.5, $"P(beat best) = {p}");
        Assert.False(new LearningCurvePruner().ShouldPrune(trial, [.. Completed, trial]));
    }

    [Fact]
    public void ShouldPrune_BeforeStartupTrialsOrMinSteps_Keeps()
    {
        PrunerTrial hopeless = Trial(9, TrialState.Running, Curve(t => 2 + (0.1 / t), 6)) with { FinalStep = 20 };
        Assert.True(new LearningCurvePruner().ShouldPrune(hopeless, [.. Completed, hopeless]));
        Assert.False(new LearningCurvePruner(startupTrials: 4).ShouldPrune(hopeless, [.. Completed, hopeless]));
        Assert.False(new LearningCurvePruner(minSteps: 7).ShouldPrune(hopeless, [.. Completed, hopeless]));
        Assert.False(new LearningCurvePruner().ShouldPrune(hopeless with { FinalStep = null }, [.. Completed, hopeless]));
        Assert.False(new LearningCurvePruner().ShouldPrune(hopeless with { FinalStep = 6 }, [.. Completed, hopeless]));
    }

    [Fact]
    public void ShouldPrune_LatestValueNaN_Prunes()
    {
        PrunerTrial trial = Trial(9, TrialState.Running, 1.0, double.NaN) with { FinalStep = 20 };
        Assert.True(new LearningCurvePruner().ShouldPrune(trial, [.. Completed, trial]));
    }

    [Fact]
    public void NormalCdf_KnownPoints_MatchTables()
    {
        Assert.Equal(0.5, CurveEnsemble.NormalCdf(0), 6);
        Assert.Equal(0.975002, CurveEnsemble.NormalCdf(1.96), 6);
        Assert.Equal(0.158655, CurveEnsemble.NormalCdf(-1), 6);
    }

    [Fact]
    public void Constructor_BadSettings_ThrowsNamingEveryOne()
    {
        var error = Assert.Throws<ArgumentException>(() => new LearningCurvePruner(threshold: 1.5, minSteps: 2, startupTrials: 0));
        Assert.Contains("threshold must be in (0, 1), got 1.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("minSteps must be at least 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("startupTrials must be at least 1", error.Message, StringComparison.Ordinal);
    }
}
