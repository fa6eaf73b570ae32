using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The names --metric accepts for ML.NET's metrics (<see cref="EvaluationMetric"/>).</summary>
internal static class CliMetrics
{
    /// <summary>Each metric's names, the first its display name.</summary>
    private static readonly (EvaluationMetric Metric, string[] Names)[] Known =
    [
        (EvaluationMetric.MicroAccuracy, ["micro-accuracy", "accuracy"]),
        (EvaluationMetric.MacroAccuracy, ["macro-accuracy"]),
        (EvaluationMetric.LogLoss, ["log-loss"]),
        (EvaluationMetric.AreaUnderRocCurve, ["auc"]),
        (EvaluationMetric.F1Score, ["f1"]),
        (EvaluationMetric.RSquared, ["r2"]),
        (EvaluationMetric.RootMeanSquaredError, ["rmse"]),
        (EvaluationMetric.MeanAbsoluteError, ["mae"]),
    ];

    /// <summary>The metric --metric names (a name above or the enum's name, any case), or the task's default; refused when it does not suit the task.</summary>
    public static EvaluationMetric Parse(string? text, PredictionTask task)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return EvaluationMetricExtensions.DefaultFor(task);
        }

        string wanted = text.Trim();
        EvaluationMetric metric = Known.FirstOrDefault(k => k.Names.Contains(wanted, StringComparer.OrdinalIgnoreCase) || string.Equals(k.Metric.ToString(), wanted, StringComparison.OrdinalIgnoreCase)) is { Names: not null } found
            ? found.Metric
            : throw new ArgumentException($"--metric: no metric is named \"{wanted}\"; the metrics are {string.Join(", ", Known.Select(k => k.Names[0]))}.");
        if (!metric.Suits(task))
        {
            throw new ArgumentException($"--metric {Name(metric)} does not suit {task}; the metrics for it are {string.Join(", ", EvaluationMetricExtensions.For(task).Select(Name))}.");
        }

        return metric;
    }

    /// <summary>The metric's display name, such as <c>micro-accuracy</c>.</summary>
    public static string Name(EvaluationMetric metric) => Known.First(k => k.Metric == metric).Names[0];
}
