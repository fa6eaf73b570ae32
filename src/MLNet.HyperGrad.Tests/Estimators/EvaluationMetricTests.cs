using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Tests.Estimators;

public sealed class EvaluationMetricTests
{
    [Theory]
    [InlineData(EvaluationMetric.MicroAccuracy, true)]
    [InlineData(EvaluationMetric.MacroAccuracy, true)]
    [InlineData(EvaluationMetric.LogLoss, false)]
    [InlineData(EvaluationMetric.AreaUnderRocCurve, true)]
    [InlineData(EvaluationMetric.F1Score, true)]
    [InlineData(EvaluationMetric.RSquared, true)]
    [InlineData(EvaluationMetric.RootMeanSquaredError, false)]
    [InlineData(EvaluationMetric.MeanAbsoluteError, false)]
    public void IsMaximized_EachMetric_MatchesItsDirection(EvaluationMetric metric, bool maximized)
    {
        Assert.Equal(maximized, metric.IsMaximized());
        Assert.Equal(maximized ? -0.25 : 0.25, metric.ToLoss(0.25));
    }

    [Fact]
    public void For_EachTask_ListsTheMetricsItsEvaluatorComputes()
    {
        Assert.Equal(
            [EvaluationMetric.MicroAccuracy, EvaluationMetric.MacroAccuracy, EvaluationMetric.LogLoss, EvaluationMetric.AreaUnderRocCurve, EvaluationMetric.F1Score],
            EvaluationMetricExtensions.For(PredictionTask.BinaryClassification));
        Assert.Equal([EvaluationMetric.MicroAccuracy, EvaluationMetric.MacroAccuracy, EvaluationMetric.LogLoss], EvaluationMetricExtensions.For(PredictionTask.MulticlassClassification));
        Assert.Equal([EvaluationMetric.RSquared, EvaluationMetric.RootMeanSquaredError, EvaluationMetric.MeanAbsoluteError], EvaluationMetricExtensions.For(PredictionTask.Regression));
    }

    [Fact]
    public void DefaultFor_EachTask_IsAccuracyOrRSquared()
    {
        Assert.Equal(EvaluationMetric.MicroAccuracy, EvaluationMetricExtensions.DefaultFor(PredictionTask.BinaryClassification));
        Assert.Equal(EvaluationMetric.MicroAccuracy, EvaluationMetricExtensions.DefaultFor(PredictionTask.MulticlassClassification));
        Assert.Equal(EvaluationMetric.RSquared, EvaluationMetricExtensions.DefaultFor(PredictionTask.Regression));
    }

    [Fact]
    public void ThrowIfUnsuited_RegressionMetricForClassification_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => EvaluationMetric.RootMeanSquaredError.ThrowIfUnsuited(PredictionTask.BinaryClassification, "metric"));

        Assert.Equal("metric", error.ParamName);
        Assert.StartsWith("The metric RootMeanSquaredError does not suit BinaryClassification: it can be scored by MicroAccuracy, MacroAccuracy, LogLoss, AreaUnderRocCurve, F1Score.", error.Message);
        EvaluationMetric.F1Score.ThrowIfUnsuited(PredictionTask.BinaryClassification);
    }
}
