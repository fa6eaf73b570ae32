using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class AcquisitionTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.3)]
    [InlineData(-2.0, 0.5)]
    [InlineData(3.0, 1.0)]
    [InlineData(1.3, 0.25)]
    public void LogExpectedImprovement_WhereNaiveEiIsAccurate_AgreesWithIt(double mean, double variance)
    {
        const double best = 0.2;
        double sigma = Math.Sqrt(variance);
        double z = (best - mean) / sigma;
        double naive = sigma * (Phi(z) + (z * Cdf(z)));
        Assert.Equal(Math.Log(naive), Evaluate(new LogExpectedImprovement(best), mean, variance), 9);
    }

    [Theory]
    [InlineData(-40.0)]
    [InlineData(-1e3)]
    [InlineData(-1e8)]
    public void LogExpectedImprovement_FarInTheTailWhereNaiveEiUnderflows_IsFiniteWithAFiniteGradient(double z)
    {
        double naive = Phi(z) + (z * Cdf(z));
        Assert.True(naive <= 0 || naive < 1e-300, $"naive EI {naive}");
        using var scope = torch.NewDisposeScope();
        torch.Tensor mean = torch.tensor(new[] { -z }, torch.float64).requires_grad_(true);
        torch.Tensor value = new LogExpectedImprovement(0).Evaluate(mean, torch.ones(1, dtype: torch.float64));
        double v = value.item<double>();
        double asymptote = (-z * z / 2) - (0.5 * Math.Log(2 * Math.PI)) - (2 * Math.Log(-z));
        Assert.True(double.IsFinite(v));
        Assert.Equal(1.0, v / asymptote, 3);
        double g = TorchAutograd.Grad(value.sum(), mean).item<double>();
        Assert.True(double.IsFinite(g) && g < 0, $"gradient {g}");
    }

    [Fact]
    public void LogExpectedImprovement_GradientAcrossTheBranchJoint_MatchesCentralDifferences()
    {
        foreach (double m in new[] { 0.2, 1.19, 1.21, 3.0, 30.0 })
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor mean = torch.tensor(new[] { m }, torch.float64).requires_grad_(true);
            double g = TorchAutograd.Grad(new LogExpectedImprovement(0.2).Evaluate(mean, torch.ones(1, dtype: torch.float64)).sum(), mean).item<double>();
            double fd = FiniteDifferences.Gradient(p => Evaluate(new LogExpectedImprovement(0.2), p[0], 1.0), [m])[0];
            Assert.True(Math.Abs(fd - g) <= 1e-6 * Math.Abs(fd), $"mean {m}: autograd {g:R}, central differences {fd:R}");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(-3.0)]
    [InlineData(-50.0)]
    public void LogProbabilityOfImprovement_MatchesLogPhiAndStaysFinite(double z)
    {
        double value = Evaluate(new LogProbabilityOfImprovement(0, 0), -z, 1.0);
        if (z > -30)
        {
            Assert.Equal(Math.Log(Cdf(z)), value, 9);
        }
        else
        {
            // Mills-ratio expansion: log Φ(z) = -z²/2 - log(-z√(2π)) + log(1 - 1/z² + 3/z⁴ - ...).
            double expansion = (-z * z / 2) - Math.Log(-z * Math.Sqrt(2 * Math.PI)) + Math.Log(1 - (1 / (z * z)) + (3 / (z * z * z * z)));
            Assert.InRange(value - expansion, -1e-6, 1e-6);
        }
    }

    [Fact]
    public void UpperConfidenceBound_MatchesClosedFormAndSchedule()
    {
        Assert.Equal(-0.5 + (Math.Sqrt(2.0) * 0.5), Evaluate(new UpperConfidenceBound(2.0), 0.5, 0.25), 12);
        Assert.Equal(0.4 * Math.Log(3 * 100 * Math.PI * Math.PI / 0.6), UpperConfidenceBound.ScheduledBeta(3, 10), 12);
        Assert.Throws<ArgumentException>(() => new UpperConfidenceBound(-1));
    }

    [Fact]
    public void GpHedge_RewardsFavourOneAcquisition_ItIsChosenMostOften()
    {
        var hedge = new GpHedge(["a", "b", "c"]);
        Assert.All(hedge.Probabilities(), p => Assert.Equal(1.0 / 3, p, 12));
        hedge.Reward([0.0, 3.0, 0.0]);
        double[] p = hedge.Probabilities();
        Assert.Equal(Math.Exp(3) / (2 + Math.Exp(3)), p[1], 12);
        var random = new Random(1);
        int[] counts = new int[3];
        for (int i = 0; i < 1000; i++)
        {
            counts[hedge.Choose(random)]++;
        }

        Assert.InRange(counts[1] / 1000.0, 0.86, 0.95);
        Assert.Equal(1000, hedge.Choices.Count);
        Assert.Throws<ArgumentException>(() => hedge.Reward([1.0, double.NaN, 0]));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.6156903441929258)]
    [InlineData(3.0, 0.17900115118138998)]
    [InlineData(24.9, 0.022639987776049506)]
    [InlineData(25.1, 0.02245987581758139)]
    [InlineData(1e3, 0.0005641893014533876)]
    [InlineData(1e7, 5.641895835477534e-08)]
    public void Erfcx_AgainstSciPy_AgreesToTwelveDigits(double x, double expected)
    {
        using var scope = torch.NewDisposeScope();
        double actual = GaussianTails.Erfcx(torch.tensor(new[] { x }, torch.float64)).item<double>();
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected, $"erfcx({x}) = {actual:R}, SciPy {expected:R}");
    }

    private static double Evaluate(IAcquisitionFunction acquisition, double mean, double variance)
    {
        using var scope = torch.NewDisposeScope();
        return acquisition.Evaluate(torch.tensor(new[] { mean }, torch.float64), torch.tensor(new[] { variance }, torch.float64)).item<double>();
    }

    private static double Phi(double z) => Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);

    private static double Cdf(double z)
    {
        using var scope = torch.NewDisposeScope();
        return torch.special.ndtr(torch.tensor(new[] { z }, torch.float64)).item<double>();
    }
}
