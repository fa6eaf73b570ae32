using MLNet.HyperGrad.Bayesian;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class AcquisitionOptimizerTests
{
    private static readonly double[] Peak = [0.23, 0.71, 0.402];

    [Fact]
    public void Maximize_SmoothAcquisitionWithAKnownMaximum_FindsIt()
    {
        var optimizer = new AcquisitionOptimizer(new AcquisitionOptimizerOptions { CandidateCount = 64, RefinedCount = 3 });
        (double[] point, double value) = optimizer.Maximize(Bump, 3, seed: 1);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(Peak[j], point[j], 4);
        }

        Assert.Equal(0, value, 6);
    }

    [Fact]
    public void Maximize_MaximumOutsideTheCube_StopsOnTheBoundary()
    {
        var optimizer = new AcquisitionOptimizer(new AcquisitionOptimizerOptions { CandidateCount = 32 });
        (double[] point, _) = optimizer.Maximize(x => x.select(1, 0) - (x.select(1, 1) - 0.5).square(), 2, seed: 2);
        Assert.Equal(1.0, point[0], 12);
        Assert.Equal(0.5, point[1], 4);
    }

    [Fact]
    public void Maximize_FixedCoordinatesAndCanonicalization_KeepsFixedOnesAndReturnsACanonicalPoint()
    {
        // Coordinate 2 is an integer slot with 4 levels: canonical values are the bin centres 0.125 ... 0.875.
        static double[] Canonical(double[] x) => [x[0], x[1], (Math.Min((int)(x[2] * 4), 3) + 0.5) / 4];
        var optimizer = new AcquisitionOptimizer(new AcquisitionOptimizerOptions { CandidateCount = 128 });
        (double[] point, _) = optimizer.Maximize(Bump, 3, seed: 3, canonicalize: Canonical, refinable: _ => [true, true, false]);
        Assert.Equal(0.375, point[2], 12);
        Assert.Equal(Peak[0], point[0], 4);
        Assert.Equal(Peak[1], point[1], 4);
    }

    [Fact]
    public void Maximize_ExtraStartOutsideTheCube_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new AcquisitionOptimizer().Maximize(Bump, 3, 0, [[0.5, 1.5, 0.2]]));
        Assert.Contains("Extra start 0", e.Message, StringComparison.Ordinal);
    }

    private static torch.Tensor Bump(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor peak = torch.tensor(Peak, torch.float64);
        return (-(x - peak).square().sum(1) * 10).MoveToOuterDisposeScope();
    }
}
