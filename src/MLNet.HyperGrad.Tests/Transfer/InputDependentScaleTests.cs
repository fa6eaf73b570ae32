using MLNet.HyperGrad.Transfer;
using TorchSharp;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>Priors with configuration-specific covariance (issue 11, H28): the learned scale <c>σ² g(x) g(x') Matérn(x, x')</c> and the empirical-covariance term <c>s·k + λ·φφᵀ</c>.</summary>
public sealed class InputDependentScaleTests(ITestOutputHelper output)
{
    private static readonly Lazy<(PretrainedGpPrior Stationary, PretrainedGpPrior Scaled, PretrainedGpPrior Empirical)> AgreeingPriors = new(() =>
    {
        List<TransferTask> tasks = AgreeingFamily(6, SyntheticTasks.Points(50, 7));
        var stationary = new GpPriorPretrainingOptions { Steps = 50, HiddenWidth = 12, MinibatchSize = 25, EmpiricalCovariance = false, EmpiricalMoments = false };
        var scaled = new GpPriorPretrainingOptions { Steps = 50, HiddenWidth = 12, MinibatchSize = 25, InputDependentScale = true, EmpiricalCovariance = false };
        PretrainedGpPrior plain = GpPriorPretraining.Pretrain(tasks, stationary);
        return (plain, GpPriorPretraining.Pretrain(tasks, scaled), GpPriorPretraining.AddEmpiricalCovariance(plain, tasks, stationary));
    });

    /// <summary>The centre of the region where every task of <see cref="AgreeingFamily"/> has the same deep valley.</summary>
    private static readonly double[] Centre = [0.3, 0.7];

    [Theory]
    [InlineData(PriorMeanKind.Mlp, false, true)]
    [InlineData(PriorMeanKind.Mlp, true, true)]
    [InlineData(PriorMeanKind.Constant, false, false)]
    public void FullObjective_InputDependentScale_NllPlusKlGradientMatchesFiniteDifferences(PriorMeanKind mean, bool onFeatures, bool matched)
    {
        List<TransferTask> tasks = SyntheticTasks.Family(3, 8, matched);
        var options = new GpPriorPretrainingOptions { MeanKind = mean, HiddenWidth = 3, KernelOnFeatures = onFeatures, KlWeight = 0.7, InputDependentScale = true };
        (PriorModel model, double value, double[] gradient, double[] reference) = PretrainingObjectiveAtPerturbedStart.Evaluate(tasks, options, 0.3);
        double[] scaleBlock = gradient[model.ScaleOffset..model.LengthScaleOffset];
        output.WriteLine($"{mean} on features {onFeatures} matched {matched}: objective {value:G6}, |g| max {gradient.Max(Math.Abs):G4}, scale block |g| max {scaleBlock.Max(Math.Abs):G4}");
        Assert.True(scaleBlock.Max(Math.Abs) > 1e-3, "the scale function's parameters do not move the objective: the check would mean nothing");
        FiniteDifferences.AssertClose(reference, gradient, 1e-5);
    }

    [Fact]
    public void Posterior_InputDependentScale_MeanAndVarianceGradientsInXMatchFiniteDifferences()
    {
        PretrainedGpPrior prior = AgreeingPriors.Value.Scaled;
        double[][] observed = SyntheticTasks.Points(4, 41);
        double[] z = [0.2, -0.9, 1.3, -0.1];
        using var posterior = new PriorPosterior(prior, observed, z, refit: true, refitFrom: 3, centreOn: [true, true, true, true]);
        double[] x0 = [0.41, 0.63];
        double Part(double[] x, bool variance)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            (torch.Tensor m, torch.Tensor v) = posterior.Posterior(torch.tensor(x, [1, 2], torch.float64));
            return (variance ? v : m).item<double>();
        }

        foreach (bool variance in new[] { false, true })
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor x = torch.tensor(x0, [1, 2], torch.float64).requires_grad_(true);
            (torch.Tensor m, torch.Tensor v) = posterior.Posterior(x);
            double[] analytic = MLNet.HyperGrad.Torch.TorchAutograd.Grad((variance ? v : m).sum(), x).data<double>().ToArray();
            double[] numeric = FiniteDifferences.Gradient(p => Part(p, variance), x0, 1e-6);
            output.WriteLine($"{(variance ? "variance" : "mean")}: analytic {string.Join(", ", analytic.Select(g => g.ToString("G6")))}; numeric {string.Join(", ", numeric.Select(g => g.ToString("G6")))}");
            Assert.True(numeric.Max(Math.Abs) > 1e-3, "the gradient is too small for the check to mean anything");
            FiniteDifferences.AssertClose(numeric, analytic, 1e-5);
        }
    }

    [Fact]
    public void Variance_IsTheCovarianceDiagonal_ConstantOnlyWithoutTheScaleFunction()
    {
        (PretrainedGpPrior stationary, PretrainedGpPrior scaled, PretrainedGpPrior empirical) = AgreeingPriors.Value;
        double[][] points = SyntheticTasks.Points(50, 3);
        foreach (PretrainedGpPrior prior in new[] { stationary, scaled, empirical })
        {
            double[] variance = prior.Variance(points);
            double[][] k = prior.Covariance(points, points);
            for (int i = 0; i < points.Length; i++)
            {
                Assert.Equal(k[i][i], variance[i], 12);
            }
        }

        Assert.All(stationary.Variance(points), v => Assert.Equal(stationary.OutputScale, v, 12));
        double[] spread = scaled.Variance(points);
        output.WriteLine($"scaled prior: variance over 50 points {spread.Min():G4} … {spread.Max():G4}; stationary {stationary.OutputScale:G4}");
        Assert.True(spread.Max() > 2 * spread.Min(), $"the pre-trained scale function is nearly flat ({spread.Min()} … {spread.Max()})");
    }

    [Fact]
    public void FromJson_OfToJson_InputDependentScale_SameMeanCovarianceAndVariance()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(3, 12, matched: true), new GpPriorPretrainingOptions { HiddenWidth = 5, Steps = 10, InputDependentScale = true });
        PretrainedGpPrior copy = PretrainedGpPrior.FromJson(prior.ToJson());
        double[][] points = SyntheticTasks.Points(7, 3);
        Assert.True(copy.InputDependentScale);
        Assert.Contains("\"format\":5", prior.ToJson(), StringComparison.Ordinal);
        Assert.Equal(prior.Mean(points), copy.Mean(points));
        Assert.Equal(prior.Covariance(points, points[..3]), copy.Covariance(points, points[..3]));
        Assert.Equal(prior.Variance(points), copy.Variance(points));
        Assert.Equal(prior.Parameters, copy.Parameters);
    }

    [Fact]
    public void FromJson_FormatVersion1_ReadsAsAStationaryPrior()
    {
        // A prior cached before the scale function existed (format 1, no "inputDependentScale" field) still reads, unchanged.
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(3, 12, matched: true), new GpPriorPretrainingOptions { HiddenWidth = 5, Steps = 10 });
        string version1 = prior.ToJson().Replace("\"format\":5", "\"format\":1", StringComparison.Ordinal).Replace("\"inputDependentScale\":false,", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("inputDependentScale", version1, StringComparison.Ordinal);
        PretrainedGpPrior copy = PretrainedGpPrior.FromJson(version1);
        double[][] points = SyntheticTasks.Points(7, 3);
        Assert.False(copy.InputDependentScale);
        Assert.Equal(prior.Covariance(points, points), copy.Covariance(points, points));
        string version2Missing = prior.ToJson().Replace("\"inputDependentScale\":false,", string.Empty, StringComparison.Ordinal);
        Assert.Contains("inputDependentScale", Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(version2Missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmpiricalWeightObjective_Gradient_MatchesFloat64CentralDifferences()
    {
        List<TransferTask> tasks = AgreeingFamily(5, SyntheticTasks.Points(20, 7));
        var options = new GpPriorPretrainingOptions { Steps = 20, HiddenWidth = 4, MinibatchSize = 10 };
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(tasks, options);
        (double[][] points, double[][] values) = GpPriorPretraining.SharedData(tasks, options);
        double[] theta = [.. prior.Parameters];
        EmpiricalCovarianceTerm unit = EmpiricalCovarianceTerm.Build(prior.Model, theta, points, values, 1, 1);
        int[] subset = [0, 2, 3, 5, 8, 9, 11, 13, 17, 19];
        foreach (double[] at in new[] { new[] { 0.0, 0.0 }, new[] { -1.2, 0.4 }, new[] { 1.1, -0.7 } })
        {
            (double value, double[] analytic) = GpPriorPretraining.EmpiricalWeightObjective(prior.Model, theta, unit, values, subset, at);
            double[] numeric = FiniteDifferences.Gradient(p => GpPriorPretraining.EmpiricalWeightObjective(prior.Model, theta, unit, values, subset, p).Value, at, 1e-6);
            output.WriteLine($"at ({at[0]}, {at[1]}): objective {value:G6}; analytic {string.Join(", ", analytic.Select(g => g.ToString("G6")))}; numeric {string.Join(", ", numeric.Select(g => g.ToString("G6")))}");
            Assert.True(double.IsFinite(value));
            Assert.True(numeric.Max(Math.Abs) > 1e-3, "the gradient is too small for the check to mean anything");
            FiniteDifferences.AssertClose(numeric, analytic, 1e-5);
        }
    }

    [Fact]
    public void AddEmpiricalCovariance_CovarianceAtSharedPointsFollowsTheTasksAndRoundTripsThroughJson()
    {
        (PretrainedGpPrior stationary, _, PretrainedGpPrior empirical) = AgreeingPriors.Value;
        output.WriteLine($"empirical weight {empirical.EmpiricalCovarianceWeight:G4}, kernel weight {empirical.KernelWeight:G4}, {empirical.EmpiricalCovariancePoints} points");
        Assert.True(empirical.HasEmpiricalCovariance);
        Assert.False(stationary.HasEmpiricalCovariance);
        Assert.Equal(50, empirical.EmpiricalCovariancePoints);
        Assert.True(empirical.EmpiricalCovarianceWeight > 1e-3, $"the fitted weight {empirical.EmpiricalCovarianceWeight} leaves the term out");
        PretrainedGpPrior copy = PretrainedGpPrior.FromJson(empirical.ToJson());
        double[][] points = SyntheticTasks.Points(7, 3);
        Assert.Equal(empirical.Covariance(points, points), copy.Covariance(points, points));
        Assert.Equal(empirical.Variance(points), copy.Variance(points));
        Assert.Equal((empirical.EmpiricalCovarianceWeight, empirical.KernelWeight), (copy.EmpiricalCovarianceWeight, copy.KernelWeight));
        List<TransferTask> tasks = AgreeingFamily(7, SyntheticTasks.Points(50, 7));
        double plainFit = stationary.FitOf(tasks[6]).NegativeLogLikelihoodPerPoint;
        double termFit = empirical.FitOf(tasks[6]).NegativeLogLikelihoodPerPoint;
        output.WriteLine($"held-out task of the family: NLL per point {plainFit:F3} without the term, {termFit:F3} with it");
        Assert.True(termFit < plainFit, $"the empirical term does not explain a held-out task of the family better ({termFit} vs {plainFit})");
    }

    [Fact]
    public void AddEmpiricalCovariance_TasksWithoutSharedPoints_ThrowsSayingWhy()
    {
        List<TransferTask> tasks = SyntheticTasks.Family(3, 8, matched: false);
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 2, HiddenWidth = 3 });
        var e = Assert.Throws<ArgumentException>(() => GpPriorPretraining.AddEmpiricalCovariance(prior, tasks));
        Assert.Contains("sharing at least 2 points; got 3 tasks sharing 0 points", e.Message, StringComparison.Ordinal);
        PretrainedGpPrior unchanged = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 2, HiddenWidth = 3, EmpiricalCovariance = true, EmpiricalCovarianceMinimumTasks = 3 });
        Assert.False(unchanged.HasEmpiricalCovariance);
    }

    /// <summary>
    /// Tasks that agree in one region and differ elsewhere: the same deep valley at <see cref="Centre"/>, plus a task-specific
    /// random ripple (seeded sinusoids of equal amplitude, so that each task's standardization is alike and the tasks still agree in
    /// standardized units) that vanishes near the valley; all on <paramref name="points"/>.
    /// </summary>
    private static List<TransferTask> AgreeingFamily(int count, IReadOnlyList<double[]> points) =>
        [.. Enumerable.Range(0, count).Select(t =>
        {
            var random = new Random(500 + t);
            double[] a = [.. Enumerable.Range(0, 3).Select(_ => random.NextDouble() < 0.5 ? -0.6 : 0.6)];
            double[] fx = [.. Enumerable.Range(0, 3).Select(_ => 2 + (random.NextDouble() * 6))];
            double[] fy = [.. Enumerable.Range(0, 3).Select(_ => 2 + (random.NextDouble() * 6))];
            double[] phase = [.. Enumerable.Range(0, 3).Select(_ => random.NextDouble() * 2 * Math.PI)];
            double[] losses = [.. points.Select(p =>
            {
                double r2 = ((p[0] - Centre[0]) * (p[0] - Centre[0])) + ((p[1] - Centre[1]) * (p[1] - Centre[1]));
                double valley = -2.0 * Math.Exp(-r2 / (2 * 0.12 * 0.12));
                double ripple = Enumerable.Range(0, 3).Sum(j => a[j] * Math.Sin((fx[j] * p[0]) + (fy[j] * p[1]) + phase[j]));
                return valley + ((1 - Math.Exp(-r2 / (2 * 0.15 * 0.15))) * ripple);
            })];
            return new TransferTask("agree" + t, points, losses);
        })];
}
