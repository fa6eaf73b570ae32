using MLNet.HyperGrad.Bayesian;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class GaussianProcessFitTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Objective_Gradient_MatchesFloat64CentralDifferences(bool usePrior)
    {
        (double[][] x, double[] y) = Data(12, 3, seed: 1);
        using var objective = new GaussianProcessFit.MarginalLikelihoodObjective(Matern52Kernel.Instance, x, y, [false, false, true], usePrior);
        double[] theta = [Math.Log(0.3), Math.Log(0.8), Math.Log(1.7), Math.Log(1.2), Math.Log(0.02), 0.1];
        (double value, double[] gradient) = objective.Evaluate(theta);
        Assert.True(double.IsFinite(value));
        double[] fd = FiniteDifferences.Gradient(t => objective.Evaluate(t).Value, theta, 1e-6);
        FiniteDifferences.AssertClose(fd, gradient, 1e-6);
    }

    [Theory]
    [InlineData("matern52", true)]
    [InlineData("matern52", false)]
    [InlineData("rbf", true)]
    [InlineData("rbf", false)]
    public void Objective_ClosedFormGradient_EqualsAutogradAndCentralDifferences(string kernelName, bool usePrior)
    {
        IKernel kernel = kernelName == "rbf" ? RbfKernel.Instance : Matern52Kernel.Instance;
        (double[][] x, double[] y) = Data(15, 3, seed: 4);
        using var objective = new GaussianProcessFit.MarginalLikelihoodObjective(kernel, x, y, [false, true, false], usePrior);
        foreach (double[] theta in new[]
        {
            new[] { Math.Log(0.2), Math.Log(1.1), Math.Log(3.0), Math.Log(0.7), Math.Log(1e-3), -0.4 },
            new[] { Math.Log(2.0), Math.Log(0.05), Math.Log(0.4), Math.Log(4.0), Math.Log(0.3), 1.3 },
        })
        {
            (double value, double[] gradient) = objective.Evaluate(theta);
            (double reference, double[] autograd) = objective.EvaluateByAutograd(theta);
            Assert.Equal(reference, value, 1e-9);
            FiniteDifferences.AssertClose(autograd, gradient, 1e-8);
            double[] fd = FiniteDifferences.Gradient(t => objective.Evaluate(t).Value, theta, 1e-6);
            FiniteDifferences.AssertClose(fd, gradient, 1e-6);
        }
    }

    [Fact]
    public void Fit_SmoothFunctionOfOneOfTwoInputs_LearnsTheIrrelevantInputIsLongScaleAndBeatsTheDefaults()
    {
        (double[][] x, double[] y) = Data(30, 2, seed: 2, f: p => Math.Sin(6 * p[0]));
        double[] standardized = OutputTransform.Apply(y, OutputWarping.None);
        GaussianProcessHyperparameters h = GaussianProcessFit.Fit(Matern52Kernel.Instance, x, standardized, seed: 3);
        Assert.True(h.LengthScales[1] > 3 * h.LengthScales[0], h.ToString());
        Assert.True(h.NoiseVariance < 1e-3, h.ToString());

        using var objective = new GaussianProcessFit.MarginalLikelihoodObjective(Matern52Kernel.Instance, x, standardized, null, usePrior: true);
        double fitted = objective.Evaluate(GaussianProcessFit.ToTheta(h)).Value;
        double start = objective.Evaluate(GaussianProcessFit.ToTheta(GaussianProcessHyperparameters.Default(2))).Value;
        Assert.True(fitted < start - 1, $"fitted {fitted}, default {start}");
    }

    [Fact]
    public void Fit_WarmStartAtTheOptimum_StaysThereAndIsReproducible()
    {
        (double[][] x, double[] y) = Data(20, 3, seed: 4);
        var options = new GaussianProcessFitOptions { RandomRestarts = 2 };
        GaussianProcessHyperparameters a = GaussianProcessFit.Fit(RbfKernel.Instance, x, y, options, seed: 5);
        GaussianProcessHyperparameters b = GaussianProcessFit.Fit(RbfKernel.Instance, x, y, options, seed: 5);
        Assert.Equal(a.ToString(), b.ToString());
        GaussianProcessHyperparameters warm = GaussianProcessFit.Fit(RbfKernel.Instance, x, y, new GaussianProcessFitOptions { RandomRestarts = 0 }, a);
        using var objective = new GaussianProcessFit.MarginalLikelihoodObjective(RbfKernel.Instance, x, y, null, usePrior: true);
        Assert.True(objective.Evaluate(GaussianProcessFit.ToTheta(warm)).Value <= objective.Evaluate(GaussianProcessFit.ToTheta(a)).Value + 1e-9);
    }

    [Fact]
    public void Validate_BadOptions_ReportsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new GaussianProcessFitOptions { MaxIterations = 0, RandomRestarts = -1, MinNoiseVariance = 0 }.Validate());
        Assert.Contains("MaxIterations", e.Message, StringComparison.Ordinal);
        Assert.Contains("RandomRestarts", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinNoiseVariance", e.Message, StringComparison.Ordinal);
    }

    private static (double[][] X, double[] Y) Data(int n, int d, int seed, Func<double[], double>? f = null)
    {
        var random = new Random(seed);
        f ??= p => Math.Sin(3 * p[0]) + (p.Length > 1 ? p[1] * p[1] : 0) + (0.1 * random.NextDouble());
        double[][] x = [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray())];
        return (x, [.. x.Select(f)]);
    }
}
