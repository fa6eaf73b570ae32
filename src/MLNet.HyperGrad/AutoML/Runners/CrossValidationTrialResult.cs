namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// The result of a <see cref="CrossValidationRunner"/> trial: <see cref="TrialResult.Metric"/> and
/// <see cref="TrialResult.Loss"/> are the means over the folds, the curves the per-epoch means, and the fold
/// results and the spread are kept.
/// </summary>
public sealed record CrossValidationTrialResult : LearningCurveTrialResult
{
    /// <summary>Gets each fold's result, fold 0 first (copied when set).</summary>
    public IReadOnlyList<TrialResult> Folds { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets each fold's metric, fold 0 first.</summary>
    public IReadOnlyList<double> FoldMetrics => [.. Folds.Select(f => f.Metric)];

    /// <summary>Gets the spread of the fold metrics: their standard deviation (population, over the k folds, as scikit-learn's <c>std_test_score</c>); NaN when a fold's metric is.</summary>
    public double MetricStandardDeviation { get; init; }
}
