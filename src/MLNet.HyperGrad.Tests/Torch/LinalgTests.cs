using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Torch;

public sealed class LinalgTests
{
    [Fact]
    public void CholeskySolveAndLogDet_OnSpdMatrix_MatchDirectSolve()
    {
        using var scope = DisposeScope.Begin();
        using var generator = new Generator(3);
        Tensor a = Tensor.Randn([5, 5], generator, ScalarType.Float64);
        Tensor spd = a.MatMul(a.T) + Tensor.Eye(5, ScalarType.Float64);
        Tensor b = Tensor.Randn([5, 2], generator, ScalarType.Float64);
        Tensor l = Linalg.Cholesky(spd);
        Assert.True(l.MatMul(l.T).AllClose(spd, 1e-10, 1e-10));
        Tensor x = Linalg.CholeskySolve(b, l);
        Assert.True(spd.MatMul(x).AllClose(b, 1e-9, 1e-9));
        Assert.True(Linalg.Solve(spd, b).AllClose(x, 1e-9, 1e-9));
        Tensor z = Linalg.SolveTriangular(l, b, upper: false);
        Assert.True(l.MatMul(z).AllClose(b, 1e-9, 1e-9));
        double logDetFromFactor = 2 * l.Diagonal().Log().Sum().ToDouble();
        Assert.Equal(logDetFromFactor, Linalg.LogDet(spd).ToDouble(), 9);
        Assert.True(Linalg.Inverse(spd).MatMul(spd).AllClose(Tensor.Eye(5, ScalarType.Float64), 1e-9, 1e-9));
        var (values, vectors) = Linalg.Eigh(spd);
        Assert.True(values.Min().ToDouble() > 0);
        Assert.True(vectors.MatMul(values.Diag()).MatMul(vectors.T).AllClose(spd, 1e-9, 1e-9));
    }

    [Fact]
    public void Grad_OfGaussianLogMarginalLikelihoodTerms_MatchesCentralDifferences()
    {
        using var scope = DisposeScope.Begin();
        using var generator = new Generator(5);
        Tensor a = Tensor.Randn([4, 4], generator, ScalarType.Float64);
        double[] baseMatrix = (a.MatMul(a.T) + Tensor.Eye(4, ScalarType.Float64)).ToArray<double>();
        Tensor y = Tensor.Randn([4, 1], generator, ScalarType.Float64);

        double Objective(double[] theta)
        {
            using var inner = DisposeScope.Begin();
            return Nll(Tensor.FromArray(theta, 4, 4), y).ToDouble();
        }

        Tensor k = Tensor.FromArray(baseMatrix, 4, 4).RequiresGrad_();
        double[] analytic = Autograd.Grad(Nll(k, y), k).ToArray<double>();
        FiniteDifferences.AssertClose(FiniteDifferences.Gradient(Objective, baseMatrix), analytic, 1e-6);
    }

    private static Tensor Nll(Tensor k, Tensor y)
    {
        Tensor sym = (k + k.T) * 0.5;
        Tensor l = Linalg.Cholesky(sym);
        Tensor alpha = Linalg.CholeskySolve(y, l);
        return (y * alpha).Sum() * 0.5 + l.Diagonal().Log().Sum();
    }
}
