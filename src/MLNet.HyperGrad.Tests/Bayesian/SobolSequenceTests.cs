using MLNet.HyperGrad.Bayesian;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class SobolSequenceTests
{
    [Fact]
    public void Point_Unscrambled_MatchesKnownValues()
    {
        // Natural-order points of PyTorch's SobolEngine (Joe-Kuo new-joe-kuo-6.21201), first six dimensions.
        var sobol = new SobolSequence(6, scramble: false);
        Assert.Equal([0, 0, 0, 0, 0, 0], sobol.Point(0));
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], sobol.Point(1));
        Assert.Equal([0.25, 0.75, 0.75, 0.75, 0.25, 0.25], sobol.Point(2));
        Assert.Equal([0.75, 0.25, 0.25, 0.25, 0.75, 0.75], sobol.Point(3));
        Assert.Equal([0.125, 0.625, 0.375, 0.125, 0.125, 0.375], sobol.Point(4));
        Assert.Equal([0.625, 0.125, 0.875, 0.625, 0.625, 0.875], sobol.Point(5));
    }

    [Fact]
    public void Point_AllFortyDimensionsFarIntoTheSequence_MatchPyTorch()
    {
        var sobol = new SobolSequence(40, scramble: false);
        double[] expected1000 = [0.0927734375, 0.1611328125, 0.4501953125, 0.9091796875, 0.9931640625, 0.1630859375, 0.0166015625, 0.6396484375, 0.9990234375, 0.1220703125, 0.2314453125, 0.9873046875, 0.1396484375, 0.9326171875, 0.8798828125, 0.0166015625, 0.6669921875, 0.4326171875, 0.7626953125, 0.4501953125, 0.2626953125, 0.6220703125, 0.4755859375, 0.3310546875, 0.7412109375, 0.8505859375, 0.9638671875, 0.8720703125, 0.4873046875, 0.1943359375, 0.1962890625, 0.4951171875, 0.3994140625, 0.0126953125, 0.3974609375, 0.4912109375, 0.1591796875, 0.0283203125, 0.7236328125, 0.4423828125];
        double[] expected12345 = [0.60955810546875, 0.43853759765625, 0.89434814453125, 0.56256103515625, 0.63006591796875, 0.11688232421875, 0.74212646484375, 0.70013427734375, 0.73822021484375, 0.35675048828125, 0.45062255859375, 0.80157470703125, 0.37567138671875, 0.35943603515625, 0.84881591796875, 0.79327392578125, 0.89593505859375, 0.13311767578125, 0.19671630859375, 0.78472900390625, 0.77801513671875, 0.42633056640625, 0.63079833984375, 0.26983642578125, 0.35845947265625, 0.78094482421875, 0.14080810546875, 0.37420654296875, 0.51141357421875, 0.57379150390625, 0.02630615234375, 0.29254150390625, 0.50445556640625, 0.46929931640625, 0.43450927734375, 0.07159423828125, 0.23321533203125, 0.92987060546875, 0.89434814453125, 0.53546142578125];
        Assert.Equal(expected1000, sobol.Point(1000));
        Assert.Equal(expected12345, sobol.Point(12345));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Points_FirstPowerOfTwo_PutOnePointInEveryIntervalOfEveryDimension(bool scramble)
    {
        const int n = 256;
        double[][] points = new SobolSequence(40, seed: 3, scramble).Points(0, n);
        for (int j = 0; j < 40; j++)
        {
            Assert.Equal(n, points.Select(p => (int)(p[j] * n)).Distinct().Count());
        }
    }

    [Fact]
    public void Points_TwoDimensions_HaveLowerStarDiscrepancyThanSeededRandomPoints()
    {
        const int n = 512;
        double[][] sobol = new SobolSequence(2, seed: 1).Points(0, n);
        var random = new Random(1);
        double[][] uniform = [.. Enumerable.Range(0, n).Select(_ => new[] { random.NextDouble(), random.NextDouble() })];
        double ds = Discrepancy(sobol);
        double du = Discrepancy(uniform);
        Assert.True(ds < du / 3, $"Sobol {ds}, random {du}");
        Assert.True(ds < 0.02, $"Sobol {ds}");
    }

    [Fact]
    public void Point_SameSeed_SameScrambleAndDifferentSeedsDiffer()
    {
        Assert.Equal(new SobolSequence(5, seed: 7).Point(9), new SobolSequence(5, seed: 7).Point(9));
        Assert.NotEqual(new SobolSequence(5, seed: 7).Point(9), new SobolSequence(5, seed: 8).Point(9));
        Assert.Equal(45, new SobolSequence(45, seed: 2).Point(3).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(0));
    }

    /// <summary>The star discrepancy on a 64x64 grid of anchored boxes (a lower bound of the exact one, enough to compare).</summary>
    private static double Discrepancy(double[][] points)
    {
        double worst = 0;
        for (int a = 1; a <= 64; a++)
        {
            for (int b = 1; b <= 64; b++)
            {
                double u = a / 64.0;
                double v = b / 64.0;
                double inside = points.Count(p => p[0] < u && p[1] < v) / (double)points.Length;
                worst = Math.Max(worst, Math.Abs(inside - (u * v)));
            }
        }

        return worst;
    }
}
