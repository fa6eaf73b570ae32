using MLNet.HyperGrad.Bayesian;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class OutputTransformTests
{
    [Theory]
    [InlineData(OutputWarping.None)]
    [InlineData(OutputWarping.Log)]
    [InlineData(OutputWarping.Quantile)]
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
    public void InverseNormalCdf_KnownQuantiles()
    {
        Assert.Equal(0, OutputTransform.InverseNormalCdf(0.5), 9);
        Assert.Equal(1.959963984540054, OutputTransform.InverseNormalCdf(0.975), 7);
        Assert.Equal(-2.326347874040841, OutputTransform.InverseNormalCdf(0.01), 7);
    }
}
