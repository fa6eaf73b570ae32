using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Transfer;
using TorchSharp;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// <see cref="GpPriorPretrainingOptions.EmpiricalMoments"/> (issue 11, H40): on matched data the prior's mean at the shared points is the
/// source tasks' empirical mean and its empirical part their shrunk empirical covariance, exactly; off them both are interpolated.
/// </summary>
public sealed class EmpiricalMomentsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Five shared points of a 2-D space.</summary>
    private static readonly double[][] Shared = [[0.1, 0.2], [0.4, 0.9], [0.7, 0.3], [0.9, 0.8], [0.25, 0.6]];

    /// <summary>Four tasks' losses at <see cref="Shared"/>, made up by hand (different levels and scales, partly agreeing).</summary>
    private static readonly double[][] Losses =
    [
        [1.0, 3.0, 2.0, 5.0, 0.5],
        [10.0, 14.0, 13.0, 19.0, 11.0],
        [0.2, 0.1, 0.5, 0.9, 0.3],
        [-3.0, -1.0, -4.0, 2.0, -2.5],
    ];

    public void Dispose() => directory.Dispose();

    private static List<TransferTask> HandMadeHistory() => [.. Losses.Select((l, t) => new TransferTask("hand" + t, Shared, l))];

    private static GpPriorPretrainingOptions ExactOptions(double shrinkage = 0.2, bool offShared = false) => new()
    {
        EmpiricalKernelOffSharedPointsOnly = offShared,
        Steps = 5,
        HiddenWidth = 3,
        MinibatchSize = 5,
        EmpiricalMoments = true,
        EmpiricalShrinkage = shrinkage,
        EmpiricalCovarianceMinimumTasks = 3,
    };

    /// <summary>Each task standardized by its own mean and (population) standard deviation, as pre-training does.</summary>
    private static double[][] Standardized(double[][] losses) => [.. losses.Select(l =>
    {
        double mean = l.Average();
        double std = Math.Sqrt(l.Sum(v => (v - mean) * (v - mean)) / l.Length);
        return l.Select(v => (v - mean) / std).ToArray();
    })];

    /// <summary>The empirical mean [m] and covariance [m][m] (divisor T − 1) of <paramref name="z"/> [T][m], the covariance shrunk by α towards v̄·I.</summary>
    private static (double[] Mean, double[][] Covariance) Moments(double[][] z, double alpha)
    {
        int m = z[0].Length;
        double[] mean = [.. Enumerable.Range(0, m).Select(i => z.Average(r => r[i]))];
        double[][] covariance = [.. Enumerable.Range(0, m).Select(i => Enumerable.Range(0, m).Select(j => z.Sum(r => (r[i] - mean[i]) * (r[j] - mean[j])) / (z.Length - 1)).ToArray())];
        double meanVariance = Enumerable.Range(0, m).Average(i => covariance[i][i]);
        return (mean, [.. covariance.Select((row, i) => row.Select((v, j) => ((1 - alpha) * v) + (i == j ? alpha * meanVariance : 0)).ToArray())]);
    }

    /// <summary>The pre-trained stationary kernel k_θ(a, b) of <paramref name="prior"/>.</summary>
    private static double[][] Kernel(PretrainedGpPrior prior, double[][] a, double[][] b)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double[] flat = prior.Model.Covariance(torch.tensor(prior.Parameters.ToArray(), torch.float64), prior.Matrix(a), prior.Matrix(b)).data<double>().ToArray();
        return [.. Enumerable.Range(0, a.Length).Select(i => flat.AsSpan(i * b.Length, b.Length).ToArray())];
    }

    [Fact]
    public void Pretrain_EmpiricalMoments_MeanAndCovarianceAtTheSharedPointsAreTheEmpiricalOnes()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions());
        (double[] mean, double[][] covariance) = Moments(Standardized(Losses), 0.2);

        Assert.True(prior.HasEmpiricalMoments);
        Assert.Equal(0.2, prior.EmpiricalShrinkage);
        double[] priorMean = prior.Mean(Shared);
        output.WriteLine($"prior mean {string.Join(", ", priorMean.Select(v => v.ToString("F6")))}; empirical {string.Join(", ", mean.Select(v => v.ToString("F6")))}; λ {prior.EmpiricalCovarianceWeight:G4}, s {prior.KernelWeight:G4}");
        for (int i = 0; i < Shared.Length; i++)
        {
            Assert.Equal(mean[i], priorMean[i], 1e-10);
        }

        // Covariance at the shared points = s·k_θ + λ·((1 − α)Σ̂ + α v̄ I), Σ̂ the tasks' empirical covariance.
        double[][] k = Kernel(prior, Shared, Shared);
        double[][] actual = prior.Covariance(Shared, Shared);
        double[] variance = prior.Variance(Shared);
        for (int i = 0; i < Shared.Length; i++)
        {
            for (int j = 0; j < Shared.Length; j++)
            {
                double expected = (prior.KernelWeight * k[i][j]) + (prior.EmpiricalCovarianceWeight * covariance[i][j]);
                Assert.Equal(expected, actual[i][j], 1e-10);
            }

            Assert.Equal(actual[i][i], variance[i], 1e-10);
        }

        // The option matters: the smoothed term keeps the pre-trained mean, which is not the empirical one here.
        PretrainedGpPrior smoothed = GpPriorPretraining.Pretrain(HandMadeHistory(), new GpPriorPretrainingOptions { Steps = 5, HiddenWidth = 3, MinibatchSize = 5, EmpiricalCovarianceMinimumTasks = 3, EmpiricalMoments = false });
        Assert.True(smoothed.HasEmpiricalCovariance);
        Assert.False(smoothed.HasEmpiricalMoments);
        Assert.True(smoothed.Mean(Shared).Zip(mean).Max(p => Math.Abs(p.First - p.Second)) > 1e-2, "the pre-trained mean happens to equal the empirical one; the test cannot tell the modes apart");
    }

    [Fact]
    public void Covariance_EmpiricalMomentsWithoutShrinkage_EmpiricalPartIsTheSampleCovarianceOfRankTMinus1()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions(shrinkage: 0));
        (_, double[][] covariance) = Moments(Standardized(Losses), 0);
        double[][] k = Kernel(prior, Shared, Shared);
        double[][] actual = prior.Covariance(Shared, Shared);
        for (int i = 0; i < Shared.Length; i++)
        {
            for (int j = 0; j < Shared.Length; j++)
            {
                Assert.Equal((prior.KernelWeight * k[i][j]) + (prior.EmpiricalCovarianceWeight * covariance[i][j]), actual[i][j], 1e-10);
            }
        }
    }

    [Fact]
    public void Covariance_KernelOffSharedPointsOnly_KernelPartIsTheResidualGivenTheSharedPoints()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions(offShared: true));
        (_, double[][] empirical) = Moments(Standardized(Losses), 0.2);
        double[][] far = [[0.95, 0.05], [0.05, 0.95]];
        double[][] points = [.. Shared, .. far];
        double[][] k = Kernel(prior, points, points);
        double[][] kss = Kernel(prior, Shared, Shared);
        double[][] actual = prior.Covariance(points, points);
        double[] expected;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            // k(x, x') − k(x, S)(K_SS + σ²I)⁻¹k(S, x') by a plain solve, then + λ·(shrunk empirical covariance) where both are shared points.
            double[][] cross = Kernel(prior, points, Shared);
            torch.Tensor kxs = torch.tensor(cross.SelectMany(r => r).ToArray(), [points.Length, Shared.Length], torch.float64);
            torch.Tensor a = torch.tensor(kss.SelectMany(r => r).ToArray(), [Shared.Length, Shared.Length], torch.float64).Plus(torch.eye(Shared.Length, dtype: torch.float64).Times(prior.NoiseVariance));
            torch.Tensor residual = torch.tensor(k.SelectMany(r => r).ToArray(), [points.Length, points.Length], torch.float64) - kxs.matmul(torch.linalg.solve(a, kxs.t()));
            expected = residual.data<double>().ToArray();
        }

        for (int i = 0; i < points.Length; i++)
        {
            for (int j = 0; j < points.Length; j++)
            {
                double value = (prior.KernelWeight * expected[(i * points.Length) + j]) + (i < Shared.Length && j < Shared.Length ? prior.EmpiricalCovarianceWeight * empirical[i][j] : 0);
                if (i >= Shared.Length || j >= Shared.Length)
                {
                    continue; // off the shared points the empirical part is interpolated; checked by the gradient and round-trip tests
                }

                Assert.Equal(value, actual[i][j], 1e-9);
            }
        }

        // Far from the shared points the kernel part reverts towards s·k (the residual keeps most of the prior variance).
        Assert.True(expected[(Shared.Length * points.Length) + Shared.Length] > 0.5 * k[Shared.Length][Shared.Length], $"residual variance {expected[(Shared.Length * points.Length) + Shared.Length]} vs k {k[Shared.Length][Shared.Length]}");
    }

    [Fact]
    public void FromJson_OfToJson_EmpiricalMoments_SameMeanAndCovarianceOnAndOffTheSharedPoints()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions(offShared: true));
        string json = prior.ToJson();
        PretrainedGpPrior copy = PretrainedGpPrior.FromJson(json);
        double[][] points = [.. Shared, .. SyntheticTasks.Points(4, 17)];

        Assert.Contains("\"format\":5", json, StringComparison.Ordinal);
        Assert.True(copy.HasEmpiricalMoments);
        Assert.True(copy.EmpiricalKernelOffSharedPointsOnly);
        Assert.Equal(prior.EmpiricalShrinkage, copy.EmpiricalShrinkage);
        Assert.Equal(prior.Mean(points), copy.Mean(points));
        Assert.Equal(prior.Covariance(points, points), copy.Covariance(points, points));
        Assert.Equal(prior.Variance(points), copy.Variance(points));

        // Off the shared points the moments are interpolated, not read: the mean there differs from every shared point's.
        double[] offMean = copy.Mean(SyntheticTasks.Points(4, 17));
        Assert.All(offMean, v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Posterior_EmpiricalMoments_MeanAndVarianceGradientsInXOffTheSharedPointsMatchFiniteDifferences(bool offShared)
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions(offShared: offShared));
        Assert.Equal(offShared, prior.EmpiricalKernelOffSharedPointsOnly);
        double[][] observed = [Shared[0], Shared[2], [0.55, 0.45]];
        double[] z = [0.3, -1.1, 0.4];
        using var posterior = new PriorPosterior(prior, observed, z, refit: false);
        double[] x0 = [0.33, 0.52];
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmpiricalWeightObjective_ExactTerm_GradientMatchesFloat64CentralDifferences(bool offShared)
    {
        List<TransferTask> tasks = HandMadeHistory();
        GpPriorPretrainingOptions options = ExactOptions();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 5, HiddenWidth = 3, MinibatchSize = 5, EmpiricalCovariance = false });
        (double[][] points, double[][] values) = GpPriorPretraining.SharedData(tasks, options);
        double[] theta = [.. prior.Parameters];
        EmpiricalCovarianceTerm unit = EmpiricalCovarianceTerm.BuildExact(prior.Model, theta, points, values, 0.2, 1, 1, offShared);
        int[] subset = [0, 1, 2, 3, 4];
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
    public void Pretrain_AutomaticEmpiricalMoments_ExactOnlyWhenEveryTaskHoldsExactlyTheSharedPoints()
    {
        var defaults = new GpPriorPretrainingOptions { Steps = 5, HiddenWidth = 3, MinibatchSize = 5, EmpiricalCovarianceMinimumTasks = 3, EmpiricalMoments = null };
        PretrainedGpPrior byDefault = GpPriorPretraining.Pretrain(HandMadeHistory(), new GpPriorPretrainingOptions { Steps = 5, HiddenWidth = 3, MinibatchSize = 5, EmpiricalCovarianceMinimumTasks = 3 });
        PretrainedGpPrior fullyMatched = GpPriorPretraining.Pretrain(HandMadeHistory(), defaults);

        // The same tasks, each with one point of its own as well: they share the five points but are not fully matched.
        List<TransferTask> partly = [.. Losses.Select((l, t) => new TransferTask("hand" + t, [.. Shared, [0.05 + (0.2 * t), 0.5]], [.. l, 1.0 + t]))];
        PretrainedGpPrior partlyMatched = GpPriorPretraining.Pretrain(partly, defaults);

        Assert.False(new GpPriorPretrainingOptions().EmpiricalMoments);
        Assert.False(byDefault.HasEmpiricalMoments);
        Assert.True(byDefault.HasEmpiricalCovariance);
        Assert.Equal(0.001, defaults.EmpiricalKernelWeight);
        Assert.True(fullyMatched.HasEmpiricalMoments);
        Assert.Equal(0.001, fullyMatched.KernelWeight, 1e-12);
        Assert.True(partlyMatched.HasEmpiricalCovariance);
        Assert.False(partlyMatched.HasEmpiricalMoments);
        Assert.Equal(5, partlyMatched.EmpiricalCovariancePoints);
    }

    [Fact]
    public void EffectiveAcquisition_Automatic_LogPiWithExactMomentsLogEiOtherwiseAndAnExplicitChoiceWins()
    {
        PretrainedGpPrior exact = GpPriorPretraining.Pretrain(HandMadeHistory(), ExactOptions());
        var automatic = new MetaGaussianProcessTunerOptions();
        var explicitEi = new MetaGaussianProcessTunerOptions { Acquisition = MLNet.HyperGrad.Bayesian.AcquisitionKind.LogExpectedImprovement };

        Assert.Null(automatic.Acquisition);
        Assert.Equal(MLNet.HyperGrad.Bayesian.AcquisitionKind.LogProbabilityOfImprovement, automatic.EffectiveAcquisition(exact));
        Assert.Equal(MLNet.HyperGrad.Bayesian.AcquisitionKind.LogExpectedImprovement, automatic.EffectiveAcquisition(SyntheticTasks.FamilyPrior));
        Assert.Equal(MLNet.HyperGrad.Bayesian.AcquisitionKind.LogExpectedImprovement, automatic.EffectiveAcquisition(SyntheticTasks.EmpiricalFamilyPrior));
        Assert.Equal(MLNet.HyperGrad.Bayesian.AcquisitionKind.LogExpectedImprovement, explicitEi.EffectiveAcquisition(exact));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Validate_ShrinkageOutsideZeroToOne_SaysWhatMustHold(double shrinkage)
    {
        var e = Assert.Throws<ArgumentException>(() => new GpPriorPretrainingOptions { EmpiricalShrinkage = shrinkage }.Validate());

        Assert.Contains("EmpiricalShrinkage must be in [0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferHistory_StoredStudiesOnTheSamePoints_ExactPriorHasTheirEmpiricalMeanAndSurvivesTheStudyRecord()
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1), ["b"] = new UniformDoubleOption(0, 1) };
        using var storage = new SqliteStudyStorage(directory.File("history.db"));
        for (int t = 0; t < Losses.Length; t++)
        {
            StudyRecord study = await storage.CreateStudyAsync("earlier-" + t, "test", SearchSpaceDescription.ToJson(space), StudyDirection.Minimize);
            for (int i = 0; i < Shared.Length; i++)
            {
                TrialRecord trial = await storage.CreateTrialAsync(study.Id, space.SampleFromFeatureSpace(Shared[i]).ToString());
                await storage.CompleteTrialAsync(study.Id, trial.Number, Losses[t][i], -Losses[t][i], 1);
            }
        }

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.NamePrefix("earlier-"));
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(history.Tasks, ExactOptions());
        var summary = new TransferSummary { Filter = history.Filter, Sources = [.. history.Tasks.Select(task => new TransferSource(task.Name, task.Inputs.Count, double.NaN))], PriorJson = prior.ToJson() };
        PretrainedGpPrior recorded = PretrainedGpPrior.FromJson(TransferSummary.FromAttributes(summary.ToAttributes())!.PriorJson!);
        double[][] points = [.. history.Tasks[0].Inputs];
        int[] order = [.. points.Select(p => Array.FindIndex(Shared, s => Math.Abs(s[0] - p[0]) < 1e-12 && Math.Abs(s[1] - p[1]) < 1e-12))];
        (double[] mean, _) = Moments(Standardized(Losses), 0.2);

        Assert.Equal(["earlier-0", "earlier-1", "earlier-2", "earlier-3"], recorded.SourceTasks);
        Assert.True(recorded.HasEmpiricalMoments);
        Assert.DoesNotContain(-1, order);
        double[] recordedMean = recorded.Mean(points);
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(mean[order[i]], recordedMean[i], 1e-10);
        }
    }
}
