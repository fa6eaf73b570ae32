using MLNet.HyperGrad.Bayesian;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class OutputTransformTests
{
    [Theory]
    [InlineData(OutputWarping.None)]
    [InlineData(OutputWarping.Log)]
    [InlineData(OutputWarping.Quantile)]
    [InlineData(OutputWarping.Power)]
    public void Apply_AnyWarping_IsMonotoneAndStandardized(OutputWarping warping)
    {
        double[] y = [3.0, 1e5, -2.0, 40.0, 3.0, 7e3];
        double[] t = OutputTransform.Apply(y, warping);
        Assert.Equal(0, t.Average(), 12);
        Assert.Equal(1, Math.Sqrt(t.Select(v => v * v).Average()), 12);
        for (int i = 0; i < y.Length; i++)
        {
            for (int j = 0; j < y.Length; j++)
            {
                Assert.Equal(y[i].CompareTo(y[j]), t[i].CompareTo(t[j]));
            }
        }
    }

    [Fact]
    public void Apply_HeavyTail_LogAndQuantileGiveTheOutlierLessLeverage()
    {
        double[] y = [1, 2, 3, 4, 1e6];
        double spread(OutputWarping w) => OutputTransform.Apply(y, w) is var t ? t[1] - t[0] : 0;
        Assert.True(spread(OutputWarping.Log) > 100 * spread(OutputWarping.None));
        Assert.True(spread(OutputWarping.Quantile) > 100 * spread(OutputWarping.None));
    }

    [Fact]
    public void Apply_PowerOnLogNormalLosses_RemovesTheSkew_AndLeavesNormalLossesAlmostLinear()
    {
        double[] z = [.. Enumerable.Range(0, 60).Select(i => OutputTransform.InverseNormalCdf((i + 0.5) / 60))];
        double[] logNormal = [.. z.Select(v => Math.Exp(2 * v))];
        Assert.True(Skewness(OutputTransform.Apply(logNormal, OutputWarping.None)) > 2);
        double skew = Skewness(OutputTransform.Apply(logNormal, OutputWarping.Power));
        Assert.True(Math.Abs(skew) < 0.3, $"skewness after the power warping {skew}");

        double[] normal = [.. z.Select(v => 5 + v)];
        double[] plain = OutputTransform.Apply(normal, OutputWarping.None);
        double[] power = OutputTransform.Apply(normal, OutputWarping.Power);
        double correlation = plain.Zip(power, (a, b) => a * b).Average();
        Assert.True(correlation > 0.99, $"correlation with the plain standardization {correlation}");
    }

    [Fact]
    public void BoxCoxLambda_ExactlyNormalLogs_IsNearZero()
    {
        double[] logZ = [.. Enumerable.Range(0, 40).Select(i => 0.7 * OutputTransform.InverseNormalCdf((i + 0.5) / 40))];
        Assert.InRange(OutputTransform.BoxCoxLambda(logZ), -0.05, 0.05);
    }

    [Fact]
    public void InverseNormalCdf_KnownQuantiles()
    {
        Assert.Equal(0, OutputTransform.InverseNormalCdf(0.5), 9);
        Assert.Equal(1.959963984540054, OutputTransform.InverseNormalCdf(0.975), 7);
        Assert.Equal(-2.326347874040841, OutputTransform.InverseNormalCdf(0.01), 7);
    }

    private static double Skewness(double[] standardized) => standardized.Select(v => v * v * v).Average();
}
