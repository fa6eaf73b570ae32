namespace MLNet.HyperGrad.Estimators;

/// <summary>What each <see cref="EvaluationMetric"/> suits and which way it improves.</summary>
public static class EvaluationMetricExtensions
{
    /// <summary>Gets whether larger values of the metric are better.</summary>
    /// <param name="metric">The metric.</param>
    /// <returns>True for accuracies, AUC, F1 and R²; false for log-loss, RMSE and MAE.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a defined value.</exception>
    public static bool IsMaximized(this EvaluationMetric metric) => metric switch
    {
        EvaluationMetric.MicroAccuracy or EvaluationMetric.MacroAccuracy or EvaluationMetric.AreaUnderRocCurve
            or EvaluationMetric.F1Score or EvaluationMetric.RSquared => true,
        EvaluationMetric.LogLoss or EvaluationMetric.RootMeanSquaredError or EvaluationMetric.MeanAbsoluteError => false,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Not a known metric."),
    };

    /// <summary>Gets whether the metric can score the task.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="task">The task.</param>
    /// <returns>True when ML.NET's evaluator for <paramref name="task"/> computes <paramref name="metric"/>.</returns>
    public static bool Suits(this EvaluationMetric metric, PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => metric is EvaluationMetric.MicroAccuracy or EvaluationMetric.MacroAccuracy or EvaluationMetric.LogLoss
            or EvaluationMetric.AreaUnderRocCurve or EvaluationMetric.F1Score,
        PredictionTask.MulticlassClassification => metric is EvaluationMetric.MicroAccuracy or EvaluationMetric.MacroAccuracy or EvaluationMetric.LogLoss,
        PredictionTask.Regression => metric is EvaluationMetric.RSquared or EvaluationMetric.RootMeanSquaredError or EvaluationMetric.MeanAbsoluteError,
        _ => false,
    };

    /// <summary>Gets the metrics that suit a task, in declaration order.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The metrics ML.NET's evaluator for the task computes.</returns>
    public static IReadOnlyList<EvaluationMetric> For(PredictionTask task) => [.. Enum.GetValues<EvaluationMetric>().Where(m => m.Suits(task))];

    /// <summary>Gets the metric a task is scored by when none is chosen, as AutoML's defaults: micro accuracy for classification, R² for regression.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The default metric.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="task"/> is not a defined value.</exception>
    public static EvaluationMetric DefaultFor(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification or PredictionTask.MulticlassClassification => EvaluationMetric.MicroAccuracy,
        PredictionTask.Regression => EvaluationMetric.RSquared,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Not a known task."),
    };

    /// <summary>Turns a metric value into a loss to minimize: itself when the metric is minimized, minus itself when it is maximized.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The loss; NaN stays NaN.</returns>
    public static double ToLoss(this EvaluationMetric metric, double value) => metric.IsMaximized() ? -value : value;

    /// <summary>Throws when the metric does not suit the task.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="task">The task.</param>
    /// <param name="paramName">The argument named in the exception.</param>
    /// <exception cref="ArgumentException">The metric does not suit the task; the message lists those that do.</exception>
    public static void ThrowIfUnsuited(this EvaluationMetric metric, PredictionTask task, string? paramName = null)
    {
        if (!metric.Suits(task))
        {
            throw new ArgumentException(
                $"The metric {metric} does not suit {task}: it can be scored by {string.Join(", ", For(task))}.",
                paramName ?? nameof(metric));
        }
    }
}
