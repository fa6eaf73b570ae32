using Microsoft.ML;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Scores a transformed view with ML.NET's evaluator for a task and returns every metric it computes.</summary>
internal static class MetricEvaluator
{
    /// <summary>Evaluates scored rows.</summary>
    /// <param name="mlContext">The context whose evaluator runs.</param>
    /// <param name="scored">Rows with the label and the trainer's output columns (<c>Score</c>, <c>PredictedLabel</c>, <c>Probability</c> for a calibrated binary trainer).</param>
    /// <param name="task">Which evaluator to use.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <returns>Each metric of <see cref="EvaluationMetricExtensions.For"/> the evaluator computed; binary log-loss only when a <c>Probability</c> column exists.</returns>
    public static Dictionary<EvaluationMetric, double> Evaluate(MLContext mlContext, IDataView scored, PredictionTask task, string labelColumnName)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
                bool calibrated = scored.Schema.GetColumnOrNull("Probability") is not null;
                var binary = calibrated
                    ? mlContext.BinaryClassification.Evaluate(scored, labelColumnName)
                    : mlContext.BinaryClassification.EvaluateNonCalibrated(scored, labelColumnName);
                var metrics = new Dictionary<EvaluationMetric, double>
                {
                    [EvaluationMetric.MicroAccuracy] = binary.Accuracy,
                    [EvaluationMetric.MacroAccuracy] = (binary.PositiveRecall + binary.NegativeRecall) / 2,
                    [EvaluationMetric.AreaUnderRocCurve] = binary.AreaUnderRocCurve,
                    [EvaluationMetric.F1Score] = binary.F1Score,
                };
                if (binary is Microsoft.ML.Data.CalibratedBinaryClassificationMetrics c)
                {
                    metrics[EvaluationMetric.LogLoss] = c.LogLoss;
                }

                return metrics;
            case PredictionTask.MulticlassClassification:
                var multi = mlContext.MulticlassClassification.Evaluate(scored, labelColumnName);
                return new Dictionary<EvaluationMetric, double>
                {
                    [EvaluationMetric.MicroAccuracy] = multi.MicroAccuracy,
                    [EvaluationMetric.MacroAccuracy] = multi.MacroAccuracy,
                    [EvaluationMetric.LogLoss] = multi.LogLoss,
                };
            case PredictionTask.Regression:
                var regression = mlContext.Regression.Evaluate(scored, labelColumnName);
                return new Dictionary<EvaluationMetric, double>
                {
                    [EvaluationMetric.RSquared] = regression.RSquared,
                    [EvaluationMetric.RootMeanSquaredError] = regression.RootMeanSquaredError,
                    [EvaluationMetric.MeanAbsoluteError] = regression.MeanAbsoluteError,
                };
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, "Not a known task.");
        }
    }

    /// <summary>Gets the chosen metric from what the evaluator computed, or explains why it is missing.</summary>
    /// <exception cref="InvalidOperationException">The metric was not computed (binary log-loss from a trainer without a <c>Probability</c> column).</exception>
    public static double Pick(IReadOnlyDictionary<EvaluationMetric, double> metrics, EvaluationMetric metric, PredictionTask task)
    {
        if (metrics.TryGetValue(metric, out double value))
        {
            return value;
        }

        throw new InvalidOperationException(
            $"The pipeline's output has no \"Probability\" column, so ML.NET's {task} evaluator computes no {metric}: use a calibrated trainer (LightGBM, FastTree, SDCA or L-BFGS logistic regression, not FastForest) or another metric ({string.Join(", ", metrics.Keys)}).");
    }
}
