namespace MLNet.HyperGrad.Estimators;

/// <summary>The metric that scores a trial, computed by ML.NET's evaluators (as AutoML's metric managers choose among them).</summary>
/// <remarks>
/// <see cref="EvaluationMetricExtensions.Suits"/> says which tasks a metric suits and
/// <see cref="EvaluationMetricExtensions.IsMaximized"/> its direction. A trial's loss is the metric when it
/// is minimized and minus the metric when it is maximized, so smaller is always better.
/// </remarks>
public enum EvaluationMetric
{
    /// <summary>Micro accuracy: the fraction of rows classified right (binary: ML.NET's <c>Accuracy</c>). Maximized; classification.</summary>
    MicroAccuracy,

    /// <summary>Macro accuracy: the mean over classes of each class's recall (binary: the mean of positive and negative recall). Maximized; classification.</summary>
    MacroAccuracy,

    /// <summary>Log-loss: the mean negative log-probability of the true class. Minimized; classification (binary needs a calibrated trainer, one with a <c>Probability</c> column).</summary>
    LogLoss,

    /// <summary>Area under the ROC curve. Maximized; binary classification only.</summary>
    AreaUnderRocCurve,

    /// <summary>F1 score of the positive class. Maximized; binary classification only.</summary>
    F1Score,

    /// <summary>R², the coefficient of determination. Maximized; regression only.</summary>
    RSquared,

    /// <summary>Root mean squared error. Minimized; regression only.</summary>
    RootMeanSquaredError,

    /// <summary>Mean absolute error. Minimized; regression only.</summary>
    MeanAbsoluteError,
}
