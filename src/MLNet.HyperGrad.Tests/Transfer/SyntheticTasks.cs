using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>A family of related tasks for transfer tests: shifted and scaled copies of one 2-d function.</summary>
internal static class SyntheticTasks
{
    private static readonly Lazy<PretrainedGpPrior> Prior = new(() => GpPriorPretraining.Pretrain(Family(6, 40, matched: true), new GpPriorPretrainingOptions { Steps = 150, HiddenWidth = 16, MinibatchSize = 32, EmpiricalCovariance = false }));

    private static readonly Lazy<PretrainedGpPrior> EmpiricalPrior = new(() => GpPriorPretraining.AddEmpiricalCovariance(Prior.Value, Family(6, 40, matched: true), new GpPriorPretrainingOptions { Steps = 150, HiddenWidth = 16, MinibatchSize = 32, EmpiricalMoments = false }));

    /// <summary>
    /// Gets a stationary prior pre-trained (once per test run, seeded) on tasks 0-5 of the family, 40 shared points each, without
    /// the empirical-covariance term (the tests that use it check the stationary prior; the term is on by default since H35).
    /// </summary>
    public static PretrainedGpPrior FamilyPrior => Prior.Value;

    /// <summary>Gets <see cref="FamilyPrior"/> with the empirical-covariance term of the same six tasks (what <see cref="GpPriorPretraining.Pretrain"/> gives with the term on and EmpiricalCovarianceMinimumTasks at most 6).</summary>
    public static PretrainedGpPrior EmpiricalFamilyPrior => EmpiricalPrior.Value;

    /// <summary>The shared shape: a valley near (0.3, 0.7) with a ripple along x0.</summary>
    public static double Shape(double[] x) => (4 * (x[0] - 0.3) * (x[0] - 0.3)) + (3 * (x[1] - 0.7) * (x[1] - 0.7)) + (0.3 * Math.Sin(9 * x[0]));

    /// <summary>Task <paramref name="index"/>: <c>c + s·Shape(x + δ)</c> with seeded offset, scale and a small shift, on <paramref name="points"/>.</summary>
    public static TransferTask Task(int index, IReadOnlyList<double[]> points)
    {
        var random = new Random(1000 + index);
        double offset = (random.NextDouble() * 4) - 2;
        double scale = 0.5 + (random.NextDouble() * 2);
        double[] shift = [(random.NextDouble() - 0.5) * 0.1, (random.NextDouble() - 0.5) * 0.1];
        double[] losses = [.. points.Select(p => offset + (scale * Shape([p[0] + shift[0], p[1] + shift[1]])) + (0.01 * (random.NextDouble() - 0.5)))];
        return new TransferTask("task" + index, points, losses);
    }

    /// <summary><paramref name="count"/> seeded uniform points of the unit square.</summary>
    public static double[][] Points(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new[] { random.NextDouble(), random.NextDouble() })];
    }

    /// <summary>Tasks 0 … <paramref name="count"/>-1, all on the same points (matched) or each on its own (unmatched).</summary>
    public static List<TransferTask> Family(int count, int pointsPerTask, bool matched)
    {
        double[][] shared = Points(pointsPerTask, 7);
        return [.. Enumerable.Range(0, count).Select(t => Task(t, matched ? shared : Points(pointsPerTask, 100 + t)))];
    }
}
