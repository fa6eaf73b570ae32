using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class KernelTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.04)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(7.3)]
    public void Correlation_Matern52AndRbf_MatchClosedForms(double r2)
    {
        using var scope = torch.NewDisposeScope();
        double r = Math.Sqrt(r2);
        double matern = (1 + (Math.Sqrt(5) * r) + (5.0 / 3.0 * r2)) * Math.Exp(-Math.Sqrt(5) * r);
        double rbf = Math.Exp(-r2 / 2);
        torch.Tensor t = torch.tensor(new[] { r2 }, torch.float64);
        Assert.Equal(matern, Matern52Kernel.Instance.Correlation(t).item<double>(), 14);
        Assert.Equal(rbf, RbfKernel.Instance.Correlation(t).item<double>(), 14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(2.0)]
    public void Correlation_Matern52Gradient_MatchesCentralDifferencesAndIsFiniteAtZero(double r2)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor t = torch.tensor(new[] { r2 }, torch.float64).requires_grad_(true);
        double grad = TorchAutograd.Grad(Matern52Kernel.Instance.Correlation(t).sum(), t).item<double>();
        double r = Math.Sqrt(r2);
        double expected = -5.0 / 6.0 * (1 + (Math.Sqrt(5) * r)) * Math.Exp(-Math.Sqrt(5) * r);
        Assert.Equal(expected, grad, 12);
        if (r2 > 0)
        {
            double[] fd = FiniteDifferences.Gradient(v => Value(v[0]), [r2]);
            Assert.Equal(fd[0], grad, 7);
        }
    }

    private static double Value(double r2)
    {
        using var scope = torch.NewDisposeScope();
        return Matern52Kernel.Instance.Correlation(torch.tensor(new[] { r2 }, torch.float64)).item<double>();
    }
}
