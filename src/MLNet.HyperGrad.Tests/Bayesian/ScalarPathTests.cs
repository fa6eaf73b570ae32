using MLNet.HyperGrad.Bayesian;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Bayesian;

/// <summary>The plain-double path gradient refinement uses: tails, kernels, acquisitions and the posterior, each held to the tensor path and to central differences.</summary>
public sealed class ScalarPathTests
{
    private static readonly double[] TailPoints = [-1e6, -3e4, -500, -40, -38.5, -12, -5, -2.5, -1.0000001, -1, -0.999, -0.3, 0, 1e-9, 0.4, 1, 2.7, 6, 9, 30];

    [Fact]
    public void Erfcx_AcrossItsRange_MatchesTheTensorVersionInRelativeTerms()
    {
        double[] x = [0, 1e-8, 0.1, 0.7, 1.5, 1.999, 2, 2.001, 3, 5, 10, 24.9, 25.1, 100, 1e4, 1e7, 4.7e7];
        double[] expected = Tensor(x, GaussianTails.Erfcx);
        for (int i = 0; i < x.Length; i++)
        {
            double actual = ScalarGaussianTails.Erfcx(x[i]);
            Assert.True(Math.Abs(actual - expected[i]) <= 1e-12 * expected[i], $"erfcx({x[i]:R}): tensor {expected[i]:R}, scalar {actual:R}");
        }
    }

    [Fact]
    public void LogHAndLogNormalCdf_FarIntoBothTails_MatchTheTensorVersionsAndTheirAutogradSlopes()
    {
        (double[] logH, double[] logHSlope) = TensorWithSlope(TailPoints, GaussianTails.LogH);
        (double[] logCdf, double[] logCdfSlope) = TensorWithSlope(TailPoints, GaussianTails.LogNormalCdf);
        for (int i = 0; i < TailPoints.Length; i++)
        {
            double z = TailPoints[i];
            (double h, double hSlope) = ScalarGaussianTails.LogH(z);
            (double c, double cSlope) = ScalarGaussianTails.LogNormalCdf(z);
            AssertRelative(logH[i], h, 1e-11, $"log h({z:R})");
            AssertRelative(logHSlope[i], hSlope, 1e-8, $"log h'({z:R})");
            AssertRelative(logCdf[i], c, 1e-11, $"log Φ({z:R})");
            AssertRelative(logCdfSlope[i], cSlope, 1e-8, $"log Φ'({z:R})");
        }
    }

    [Theory]
    [InlineData("matern52")]
    [InlineData("rbf")]
    public void CorrelationAndSlope_BuiltInKernels_MatchTheAutogradDefault(string name)
    {
        IKernel kernel = name == "rbf" ? RbfKernel.Instance : Matern52Kernel.Instance;
        IKernel throughTensors = new TensorOnlyKernel(kernel);
        foreach (double r2 in new[] { 0, 1e-10, 0.01, 0.3, 1, 4.5, 30 })
        {
            (double value, double slope) = kernel.CorrelationAndSlope(r2);
            (double expectedValue, double expectedSlope) = throughTensors.CorrelationAndSlope(r2);
            AssertRelative(expectedValue, value, 1e-13, $"{name} value at {r2}");
            AssertRelative(expectedSlope, slope, 1e-12, $"{name} slope at {r2}");
        }
    }

    [Theory]
    [InlineData("log-ei")]
    [InlineData("log-pi")]
    [InlineData("ucb")]
    public void EvaluateWithGradient_BuiltInAcquisitions_MatchEvaluateAndCentralDifferences(string name)
    {
        IAcquisitionFunction acquisition = name switch
        {
            "log-ei" => new LogExpectedImprovement(-0.4),
            "log-pi" => new LogProbabilityOfImprovement(-0.4, 0.05),
            _ => new UpperConfidenceBound(2.3),
        };
        IAcquisitionFunction throughTensors = new TensorOnlyAcquisition(acquisition);
        foreach ((double mean, double variance) in new[] { (0.1, 0.3), (-0.4, 1e-6), (3.0, 0.01), (-2.0, 0.5), (12.0, 0.02), (0.0, 1e-10) })
        {
            (double value, double byMean, double byVariance) = acquisition.EvaluateWithGradient(mean, variance);
            (double expected, double expectedByMean, double expectedByVariance) = throughTensors.EvaluateWithGradient(mean, variance);
            AssertRelative(expected, value, 1e-11, $"{name} value at ({mean}, {variance})");
            AssertRelative(expectedByMean, byMean, 1e-8, $"{name} d/dmean at ({mean}, {variance})");
            AssertRelative(expectedByVariance, byVariance, 1e-8, $"{name} d/dvariance at ({mean}, {variance})");
            double h = 1e-6 * Math.Max(1, Math.Abs(mean));
            double hv = 1e-4 * variance;
            double fdMean = (acquisition.EvaluateWithGradient(mean + h, variance).Value - acquisition.EvaluateWithGradient(mean - h, variance).Value) / (2 * h);
            double fdVariance = (acquisition.EvaluateWithGradient(mean, variance + hv).Value - acquisition.EvaluateWithGradient(mean, variance - hv).Value) / (2 * hv);
            AssertRelative(fdMean, byMean, 1e-5, $"{name} d/dmean vs central differences at ({mean}, {variance})");
            AssertRelative(fdVariance, byVariance, 1e-5, $"{name} d/dvariance vs central differences at ({mean}, {variance})");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PosteriorWithGradient_RandomModel_MatchesPosteriorAndCentralDifferences(bool withCategorical)
    {
        var random = new Random(7);
        const int d = 4;
        bool[] categorical = [false, withCategorical, false, false];
        double[][] inputs = [.. Enumerable.Range(0, 25).Select(_ => Enumerable.Range(0, d).Select(j => categorical[j] ? random.Next(3) / 2.0 : random.NextDouble()).ToArray())];
        double[] targets = [.. inputs.Select(x => Math.Sin(5 * x[0]) + (x[1] * x[2]) - (0.3 * x[3]) + (0.05 * random.NextDouble()))];
        var hyperparameters = new GaussianProcessHyperparameters([0.3, 0.7, 0.45, 1.2], 1.3, 1e-3, 0.1);
        using var model = new GaussianProcess(Matern52Kernel.Instance, inputs, targets, hyperparameters, categorical);
        double[][] points = [[0.2, 0.5, 0.33, 0.9], [0.77, 0.0, 0.1, 0.05], inputs[3].Select(v => v + 1e-3).ToArray()];
        (double[] means, double[] variances) = model.Predict(points);
        for (int p = 0; p < points.Length; p++)
        {
            double[] x = points[p];
            double[] meanGradient = new double[d];
            double[] varianceGradient = new double[d];
            (double mean, double variance) = model.PosteriorWithGradient(x, meanGradient, varianceGradient);
            AssertRelative(means[p], mean, 1e-9, $"mean at point {p}");
            Assert.True(Math.Abs(variances[p] - variance) <= 1e-9 * Math.Max(1, variances[p]), $"variance at point {p}: tensor {variances[p]:R}, scalar {variance:R}");
            double[] fdMean = FiniteDifferences.Gradient(v => model.PosteriorWithGradient(v, new double[d], new double[d]).Mean, x);
            double[] fdVariance = FiniteDifferences.Gradient(v => model.PosteriorWithGradient(v, new double[d], new double[d]).Variance, x);
            if (withCategorical)
            {
                fdMean[1] = 0;
                fdVariance[1] = 0;
            }

            FiniteDifferences.AssertClose(fdMean, meanGradient, 1e-5);
            FiniteDifferences.AssertClose(fdVariance, varianceGradient, 1e-5);
        }
    }

    [Fact]
    public void Maximize_WithThePointPath_FindsTheSamePointAsRefiningThroughTensors()
    {
        var random = new Random(3);
        double[][] inputs = [.. Enumerable.Range(0, 30).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() })];
        double[] targets = [.. inputs.Select(x => Math.Cos(4 * x[0]) + ((x[1] - 0.3) * (x[1] - 0.3)) + (0.5 * x[2]))];
        var hyperparameters = new GaussianProcessHyperparameters([0.4, 0.5, 0.9], 1.0, 1e-4, 0.0);
        using var model = new GaussianProcess(Matern52Kernel.Instance, inputs, targets, hyperparameters);
        var acquisition = new LogExpectedImprovement(targets.Min());
        torch.Tensor Batch(torch.Tensor x)
        {
            (torch.Tensor mean, torch.Tensor variance) = model.Posterior(x);
            return acquisition.Evaluate(mean, variance);
        }

        (double Value, double[] Gradient) Point(double[] x)
        {
            double[] gm = new double[3];
            double[] gv = new double[3];
            (double m, double v) = model.PosteriorWithGradient(x, gm, gv);
            (double a, double am, double av) = acquisition.EvaluateWithGradient(m, v);
            return (a, [.. gm.Select((g, j) => (am * g) + (av * gv[j]))]);
        }

        var optimizer = new AcquisitionOptimizer(new AcquisitionOptimizerOptions { CandidateCount = 256 });
        (double[] tensorPoint, double tensorValue) = optimizer.Maximize(Batch, 3, seed: 5);
        (double[] scalarPoint, double scalarValue) = optimizer.Maximize(Batch, 3, seed: 5, pointAcquisition: Point);
        Assert.Equal(tensorValue, scalarValue, 6);
        FiniteDifferences.AssertClose(tensorPoint, scalarPoint, 1e-4);
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1e-300, Math.Abs(expected)) || expected == actual, $"{what}: expected {expected:R}, got {actual:R}");

    private static double[] Tensor(double[] x, Func<torch.Tensor, torch.Tensor> f)
    {
        using var scope = torch.NewDisposeScope();
        return f(torch.tensor(x, torch.float64)).data<double>().ToArray();
    }

    private static (double[] Values, double[] Slopes) TensorWithSlope(double[] x, Func<torch.Tensor, torch.Tensor> f)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor input = torch.tensor(x, torch.float64).requires_grad_(true);
        torch.Tensor values = f(input);
        torch.Tensor slopes = MLNet.HyperGrad.Torch.TorchAutograd.Grad(values.sum(), input);
        return (values.data<double>().ToArray(), slopes.data<double>().ToArray());
    }

    /// <summary>A kernel that only has the tensor method, so the interface's autograd default answers the scalar question.</summary>
    private sealed class TensorOnlyKernel(IKernel inner) : IKernel
    {
        public string Name => inner.Name;

        public torch.Tensor Correlation(torch.Tensor squaredDistance) => inner.Correlation(squaredDistance);
    }

    /// <summary>An acquisition that only has the tensor method, so the interface's autograd default answers.</summary>
    private sealed class TensorOnlyAcquisition(IAcquisitionFunction inner) : IAcquisitionFunction
    {
        public string Name => inner.Name;

        public torch.Tensor Evaluate(torch.Tensor mean, torch.Tensor variance) => inner.Evaluate(mean, variance);
    }
}
