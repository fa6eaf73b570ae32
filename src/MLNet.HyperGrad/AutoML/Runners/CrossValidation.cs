using System.Globalization;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// When trials are scored by k-fold cross-validation instead of one held-out validation split.
/// </summary>
/// <remarks>
/// ML.NET AutoML cross-validates (10 folds) a training set of fewer than 15,000 rows. A trial here trains an
/// MLP once per fold, which costs far more than ML.NET's fast learners, so the threshold is lower: fewer than
/// <see cref="SmallDataRows"/> rows, where a 20 % holdout is a few dozen rows and one row moves the accuracy
/// by several percent (trials tie), get <see cref="DefaultFolds"/> folds. An explicit fold count overrides it:
/// 0 or 1 is a holdout split, k ≥ 2 is k folds.
/// </remarks>
public static class CrossValidation
{
    /// <summary>Data with fewer rows than this is cross-validated unless told otherwise.</summary>
    public const int SmallDataRows = 200;

    /// <summary>The number of folds for small data.</summary>
    public const int DefaultFolds = 5;

    /// <summary>The number of folds for data of <paramref name="rows"/> rows: 0 for a holdout split, or k ≥ 2.</summary>
    /// <param name="rows">The rows available for training and validation.</param>
    /// <param name="requestedFolds">The user's choice (0 or 1: holdout; k ≥ 2: k folds), or null to choose by size.</param>
    /// <returns>0 (holdout) or the number of folds.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestedFolds"/> is negative or larger than <paramref name="rows"/>.</exception>
    public static int FoldsFor(int rows, int? requestedFolds)
    {
        switch (requestedFolds)
        {
            case null:
                return rows < SmallDataRows ? Math.Min(DefaultFolds, rows) : 0;
            case < 0:
                throw new ArgumentOutOfRangeException(nameof(requestedFolds), requestedFolds, string.Create(CultureInfo.InvariantCulture, $"The number of cross-validation folds must be 0 or 1 (a holdout split) or at least 2, got {requestedFolds}."));
            case 0 or 1:
                return 0;
            case int k when k > rows:
                throw new ArgumentOutOfRangeException(nameof(requestedFolds), requestedFolds, string.Create(CultureInfo.InvariantCulture, $"{k} cross-validation folds need at least {k} rows; the data has {rows}."));
            case int k:
                return k;
        }
    }

    /// <summary>
    /// The prefix of the trial attributes (<see cref="TrialResult.Attributes"/>) that hold each fold's metric of a cross-validated
    /// trial: <c>fold_metric_0</c>, <c>fold_metric_1</c>, ... Stored with the trial, so that a program that reads the study (the
    /// trial ran in another process) can show the folds' spread as the runner's result does.
    /// </summary>
    public const string FoldMetricAttributePrefix = "fold_metric_";

    /// <summary>The trial attributes that record the folds' metrics, in fold order (<see cref="FoldMetricAttributePrefix"/>).</summary>
    /// <param name="foldMetrics">Each fold's metric.</param>
    /// <returns>The attributes, keyed <c>fold_metric_i</c>.</returns>
    public static IReadOnlyDictionary<string, double> FoldMetricAttributes(IEnumerable<double> foldMetrics)
    {
        ArgumentNullException.ThrowIfNull(foldMetrics);
        return foldMetrics.Select((m, i) => (Key: FoldMetricAttributePrefix + i.ToString(CultureInfo.InvariantCulture), Metric: m))
            .ToDictionary(kv => kv.Key, kv => kv.Metric, StringComparer.Ordinal);
    }

    /// <summary>The folds' metrics that <see cref="FoldMetricAttributes"/> recorded, in fold order; empty when the trial was not cross-validated.</summary>
    /// <param name="attributes">A trial's attributes (<see cref="Storage.TrialRecord.Attributes"/>).</param>
    /// <returns>The metrics of folds 0, 1, ..., as far as they are consecutive from 0.</returns>
    public static IReadOnlyList<double> FoldMetricsOf(IReadOnlyDictionary<string, double> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var metrics = new List<double>();
        while (attributes.TryGetValue(FoldMetricAttributePrefix + metrics.Count.ToString(CultureInfo.InvariantCulture), out double metric))
        {
            metrics.Add(metric);
        }

        return metrics;
    }
}
