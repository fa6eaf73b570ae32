using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class TrustRegionTests
{
    [Fact]
    public void Record_ThreeImprovementsInARow_DoublesTheLengthUpToTheMaximum()
    {
        var region = new TrustRegion(new TrustRegionOptions { InitialLength = 0.8, MaxLength = 1.6 }, 2);
        region.Record(10, counts: false);
        region.Record(9, counts: true);
        region.Record(8, counts: true);
        Assert.Equal(0.8, region.Length);
        region.Record(7, counts: true);
        Assert.Equal(1.6, region.Length);
        region.Record(6, counts: true);
        region.Record(5, counts: true);
        region.Record(4, counts: true);
        Assert.Equal(1.6, region.Length);
        Assert.Equal(4, region.Best);
    }

    [Fact]
    public void Record_FailuresInARow_HalveTheLengthAfterMax4D_AndRestartBelowTheMinimum()
    {
        // d = 6: the default failure tolerance is max(4, 6) = 6.
        var region = new TrustRegion(new TrustRegionOptions { InitialLength = 0.4, MinLength = 0.1 }, 6);
        region.Record(1.0, counts: false);
        for (int i = 0; i < 5; i++)
        {
            region.Record(1.0005, counts: true);
        }

        Assert.Equal(0.4, region.Length);
        region.Record(1.0, counts: true);
        Assert.Equal(0.2, region.Length);
        for (int i = 0; i < 6; i++)
        {
            region.Record(2.0, counts: true);
        }

        Assert.Equal(0.1, region.Length);
        Assert.Equal(0, region.Restarts);
        for (int i = 0; i < 6; i++)
        {
            region.Record(2.0, counts: true);
        }

        Assert.Equal(0.4, region.Length);
        Assert.Equal(1, region.Restarts);
    }

    [Fact]
    public void Record_ASuccessBreaksARunOfFailures()
    {
        var region = new TrustRegion(new TrustRegionOptions { FailureTolerance = 2 }, 2);
        region.Record(5, counts: false);
        region.Record(6, counts: true);
        region.Record(4, counts: true);
        region.Record(6, counts: true);
        Assert.Equal(0.8, region.Length);
        region.Record(6, counts: true);
        Assert.Equal(0.4, region.Length);
    }

    [Fact]
    public void Box_ScalesSidesByNormalizedLengthScales_ClampsToTheCube_AndLeavesUnboundedSlotsWhole()
    {
        var region = new TrustRegion(new TrustRegionOptions { InitialLength = 0.4 }, 3);
        (double[] lower, double[] upper) = region.Box([0.5, 0.05, 0.5], [0.4, 0.1, 1.0], [true, true, false]);

        // Geometric mean of 0.4 and 0.1 is 0.2: weights 2 and 0.5, sides 0.8 and 0.2.
        Assert.Equal(0.1, lower[0], 12);
        Assert.Equal(0.9, upper[0], 12);
        Assert.Equal(0.0, lower[1], 12);
        Assert.Equal(0.15, upper[1], 12);
        Assert.Equal(0.0, lower[2]);
        Assert.Equal(1.0, upper[2]);
    }

    [Fact]
    public void Constructor_BadOptions_ReportsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrustRegion(new TrustRegionOptions { InitialLength = 2, MaxLength = 1.6, SuccessTolerance = 0, FailureTolerance = 0 }, 2));
        Assert.Contains("InitialLength", e.Message, StringComparison.Ordinal);
        Assert.Contains("SuccessTolerance", e.Message, StringComparison.Ordinal);
        Assert.Contains("FailureTolerance", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TrustRegion(new TrustRegionOptions(), 0));
    }
}
