using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class PretrainedGpPriorTests
{
    [Theory]
    [InlineData(PriorMeanKind.Mlp, true)]
    [InlineData(PriorMeanKind.Linear, false)]
    public void FromJson_OfToJson_SameMeanCovarianceAndSourceFits(PriorMeanKind mean, bool onFeatures)
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(3, 12, matched: true), new GpPriorPretrainingOptions { MeanKind = mean, KernelOnFeatures = onFeatures, HiddenWidth = 5, Steps = 10 });
        PretrainedGpPrior copy = PretrainedGpPrior.FromJson(prior.ToJson());
        double[][] points = SyntheticTasks.Points(7, 3);
        Assert.Equal(prior.Mean(points), copy.Mean(points));
        Assert.Equal(prior.Covariance(points, points[..3]), copy.Covariance(points, points[..3]));
        Assert.Equal(prior.SourceTaskFit, copy.SourceTaskFit);
        Assert.Equal(prior.SourceTasks, copy.SourceTasks);
        Assert.Equal((prior.MeanKind, prior.KernelOnFeatures, prior.HiddenWidth, prior.Dimension, prior.SharedPointCount), (copy.MeanKind, copy.KernelOnFeatures, copy.HiddenWidth, copy.Dimension, copy.SharedPointCount));
        Assert.Equal(prior.NoiseVariance, copy.NoiseVariance);
    }

    [Theory]
    [InlineData("{}", "lacks the field 'format'")]
    [InlineData("not json", "Not a valid GP prior JSON")]
    [InlineData("{\"format\": 9}", "format version 9 is not known")]
    public void FromJson_NotAPrior_ThrowsSayingWhy(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ParameterCountThatDoesNotFitTheForm_Throws()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(2, 6, matched: true), new GpPriorPretrainingOptions { MeanKind = PriorMeanKind.Constant, Steps = 1 });
        string json = prior.ToJson().Replace("\"hiddenWidth\":32", "\"hiddenWidth\":33", StringComparison.Ordinal).Replace("\"mean\":\"Constant\"", "\"mean\":\"Mlp\"", StringComparison.Ordinal);
        Assert.Contains("needs", Assert.Throws<ArgumentException>(() => PretrainedGpPrior.FromJson(json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Covariance_SamePoint_IsTheOutputScaleAndSymmetric()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(2, 6, matched: true), new GpPriorPretrainingOptions { Steps = 5, HiddenWidth = 4 });
        double[][] points = SyntheticTasks.Points(4, 1);
        double[][] k = prior.Covariance(points, points);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(prior.OutputScale, k[i][i], 12);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(k[i][j], k[j][i], 12);
            }
        }
    }

    [Fact]
    public void Mean_PointOfTheWrongDimension_Throws()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(SyntheticTasks.Family(2, 6, matched: true), new GpPriorPretrainingOptions { Steps = 1, HiddenWidth = 4 });
        var e = Assert.Throws<ArgumentException>(() => prior.Mean([[0.5]]));
        Assert.Equal("points", e.ParamName);
        Assert.Contains("expected 2", e.Message, StringComparison.Ordinal);
    }
}
