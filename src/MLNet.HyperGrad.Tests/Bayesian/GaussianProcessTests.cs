using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class GaussianProcessTests
{
    private static readonly double[][] X = [[0.1, 0.2], [0.5, 0.9], [0.8, 0.4]];
    private static readonly double[] Y = [0.3, -1.2, 0.7];
    private static readonly GaussianProcessHyperparameters H = new([0.4, 0.7], 1.5, 0.01, 0.2);

    [Fact]
    public void Posterior_ThreePoints_MatchesAHandComputation()
    {
        double[] x = [0.4, 0.5];
        double[,] k = new double[3, 3];
        double[] kx = new double[3];
        for (int i = 0; i < 3; i++)
        {
            kx[i] = Cov(X[i], x);
            for (int j = 0; j < 3; j++)
            {
                k[i, j] = Cov(X[i], X[j]) + (i == j ? H.NoiseVariance : 0);
            }
        }

        double[] alpha = Solve(k, [.. Y.Select(y => y - H.Mean)]);
        double[] w = Solve(k, kx);
        double mean = H.Mean + kx.Zip(alpha, (a, b) => a * b).Sum();
        double variance = H.OutputScale - kx.Zip(w, (a, b) => a * b).Sum();

        using var gp = new GaussianProcess(Matern52Kernel.Instance, X, Y, H);
        (double[] m, double[] v) = gp.Predict([x]);
        Assert.Equal(mean, m[0], 12);
        Assert.Equal(variance, v[0], 12);
        Assert.Equal(0, gp.Jitter);
    }

    [Fact]
    public void Posterior_GradientInTheInputs_MatchesCentralDifferences()
    {
        using var gp = new GaussianProcess(Matern52Kernel.Instance, X, Y, H);
        double[] x = [0.35, 0.62];
        using var scope = torch.NewDisposeScope();
        torch.Tensor t = torch.tensor(x, [1, 2], torch.float64).requires_grad_(true);
        (torch.Tensor mean, torch.Tensor variance) = gp.Posterior(t);
        double[] gMean = TorchAutograd.Grad([mean.sum()], [t], retainGraph: true)[0].data<double>().ToArray();
        double[] gVar = TorchAutograd.Grad(variance.sum(), t).data<double>().ToArray();
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(p => gp.Predict([p]).Mean[0], x), gMean, 1e-6);
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(p => gp.Predict([p]).Variance[0], x), gVar, 1e-6);
    }

    [Fact]
    public void Posterior_ScoringWithoutGradient_EqualsTheDifferencePathAtObservedAndNewPoints()
    {
        var random = new Random(3);
        double[][] train = [.. Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() })];
        double[] targets = [.. train.Select(p => Math.Sin(4 * p[0]) + p[1] - (p[2] * p[2]))];
        var h = new GaussianProcessHyperparameters([0.3, 0.9, 0.05], 1.3, 1e-4, 0.1);
        using var gp = new GaussianProcess(Matern52Kernel.Instance, train, targets, h);
        double[][] points = [.. train.Take(10), .. Enumerable.Range(0, 30).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() })];
        using var scope = torch.NewDisposeScope();
        torch.Tensor byProducts = GaussianProcess.ToMatrix(points, 3);
        torch.Tensor byDifferences = GaussianProcess.ToMatrix(points, 3).requires_grad_(true);
        (torch.Tensor mean, torch.Tensor variance) = gp.Posterior(byProducts);
        (torch.Tensor referenceMean, torch.Tensor referenceVariance) = gp.Posterior(byDifferences);
        double[] m = mean.data<double>().ToArray();
        double[] v = variance.data<double>().ToArray();
        double[] rm = referenceMean.detach().data<double>().ToArray();
        double[] rv = referenceVariance.detach().data<double>().ToArray();
        for (int i = 0; i < points.Length; i++)
        {
            Assert.Equal(rm[i], m[i], 9);
            Assert.Equal(rv[i], v[i], 9);
        }
    }

    [Fact]
    public void Constructor_RepeatedPointsWithTinyNoise_RetriesWithJitterAndStillInterpolates()
    {
        double[][] x = [[0.2, 0.2], [0.2, 0.2], [0.2, 0.2], [0.6, 0.1]];
        var h = new GaussianProcessHyperparameters([1e2, 1e2], 1.0, 1e-18, 0.0);
        using var gp = new GaussianProcess(Matern52Kernel.Instance, x, [1.0, 1.0, 1.0, 2.0], h);
        Assert.True(gp.Jitter > 0, $"jitter {gp.Jitter}");
        Assert.Equal(1.5, gp.Predict([[0.4, 0.15]]).Mean[0], 1);
    }

    [Fact]
    public void Factor_MatrixThatNoJitterFixes_ThrowsNamingTheSize()
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor m = torch.tensor(new double[] { 1, 2, 2, 1 }, [2, 2], torch.float64) * -1e6;
        var e = Assert.Throws<NotPositiveDefiniteException>(() => Cholesky.Factor(m, out _));
        Assert.Contains("2x2", e.Message, StringComparison.Ordinal);
        Assert.Contains("jitter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Posterior_WrongShape_ThrowsNamingExpectedAndActual()
    {
        using var gp = new GaussianProcess(Matern52Kernel.Instance, X, Y, H);
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => gp.Posterior(torch.zeros(4, 3, dtype: torch.float64)));
        Assert.Contains("[m, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RaggedOrNonFiniteData_ThrowsNamingTheRow()
    {
        Assert.Contains("Row 1", Assert.Throws<ArgumentException>(() => new GaussianProcess(Matern52Kernel.Instance, [[0.1, 0.2], [0.3]], [1.0, 2.0], H)).Message, StringComparison.Ordinal);
        Assert.Contains("Target 0", Assert.Throws<ArgumentException>(() => new GaussianProcess(Matern52Kernel.Instance, [[0.1, 0.2]], [double.NaN], H)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Posterior_CategoricalDimension_UsesHammingDistance()
    {
        // On a categorical slot, 0.1 vs 0.9 is as far as 0.1 vs 0.2: only equality matters.
        var h = new GaussianProcessHyperparameters([0.5, 0.5], 1.0, 1e-4, 0.0);
        using var gp = new GaussianProcess(Matern52Kernel.Instance, [[0.3, 0.1]], [1.0], h, [false, true]);
        (double[] mean, _) = gp.Predict([[0.3, 0.2], [0.3, 0.9], [0.3, 0.1]]);
        Assert.Equal(mean[0], mean[1], 14);
        Assert.True(mean[2] > mean[0] + 0.1);
    }

    [Fact]
    public void Posterior_LoopOfManyCalls_LeavesNoLiveTensors()
    {
        using var gp = new GaussianProcess(Matern52Kernel.Instance, X, Y, H);
        gp.Predict([[0.5, 0.5]]);
        long before = TorchRuntime.LiveTensorCount;
        for (int i = 0; i < 20; i++)
        {
            gp.Predict([[i / 20.0, 0.5]]);
        }

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    private static double Cov(double[] a, double[] b)
    {
        double r2 = 0;
        for (int i = 0; i < a.Length; i++)
        {
            r2 += (a[i] - b[i]) * (a[i] - b[i]) / (H.LengthScales[i] * H.LengthScales[i]);
        }

        double r = Math.Sqrt(r2);
        return H.OutputScale * (1 + (Math.Sqrt(5) * r) + (5.0 / 3.0 * r2)) * Math.Exp(-Math.Sqrt(5) * r);
    }

    /// <summary>Gaussian elimination with partial pivoting.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        double[,] m = (double[,])a.Clone();
        double[] x = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int p = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j < n; j++)
            {
                (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            }

            (x[c], x[p]) = (x[p], x[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int j = c; j < n; j++)
                {
                    m[r, j] -= f * m[c, j];
                }

                x[r] -= f * x[c];
            }
        }

        for (int r = n - 1; r >= 0; r--)
        {
            for (int j = r + 1; j < n; j++)
            {
                x[r] -= m[r, j] * x[j];
            }

            x[r] /= m[r, r];
        }

        return x;
    }
}
