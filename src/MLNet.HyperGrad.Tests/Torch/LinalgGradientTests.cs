using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// The linear algebra Gaussian processes need (Cholesky, Cholesky solve, log-determinant): values, and
/// float64 gradients through <see cref="TorchAutograd"/> against central differences.
/// </summary>
public sealed class LinalgGradientTests
{
    private const int N = 4;

    [Fact]
    public void CholeskySolveAndLogdet_OnSpdMatrix_AgreeWithTheMatrix()
    {
        using var scope = torch.NewDisposeScope();
        Tensor k = Float64.Of(SpdMatrix(), N, N);
        Tensor y = Float64.Of(Float64.Randn(N * 2, seed: 6), N, 2);
        Tensor l = torch.linalg.cholesky(k);
        Assert.True(l.mm(l.t()).allclose(k, 1e-12, 1e-12));
        Assert.True(l.triu(1).eq(0).all().item<bool>());
        Tensor x = torch.cholesky_solve(y, l);
        Assert.True(k.mm(x).allclose(y, 1e-10, 1e-10));
        Assert.Equal(2 * Float64.Value(l.diagonal().log().sum()), Float64.Value(torch.logdet(k)), 10);
    }

    [Fact]
    public void Grad_GaussianNegativeLogLikelihood_MatchesCentralDifferences()
    {
        double[] y = Float64.Randn(N, seed: 7);

        // ½ yᵀK⁻¹y + ½ log det K, with K⁻¹y by Cholesky solve and log det K from the factor's diagonal.
        Tensor Nll(Tensor[] x)
        {
            Tensor sym = (x[0] + x[0].t()) * 0.5;
            Tensor l = torch.linalg.cholesky(sym);
            Tensor target = Float64.Of(y, N, 1);
            Tensor alpha = torch.cholesky_solve(target, l);
            return ((target * alpha).sum() * 0.5) + l.diagonal().log().sum();
        }

        double[] analytic = Differentiable.AssertGradientMatches(Nll, [[N, N]], SpdMatrix());
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    [Fact]
    public void Grad_Logdet_MatchesCentralDifferencesAndTheInverse()
    {
        double[] point = SpdMatrix();
        double[] analytic = Differentiable.AssertGradientMatches(x => torch.logdet(x[0]), [[N, N]], point);

        // d log det K / dK = K⁻ᵀ.
        using var scope = torch.NewDisposeScope();
        double[] inverseTransposed = TensorData.ToArray<double>(torch.linalg.inv(Float64.Of(point, N, N)).t().contiguous());
        FiniteDifferences.AssertClose(inverseTransposed, analytic, 1e-10);
    }

    /// <summary>A A&#x1D40; + I for a seeded random A: symmetric positive definite and well conditioned.</summary>
    private static double[] SpdMatrix()
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = Float64.Of(Float64.Randn(N * N, seed: 5), N, N);
        return TensorData.ToArray<double>(a.mm(a.t()) + torch.eye(N, dtype: ScalarType.Float64));
    }
}
