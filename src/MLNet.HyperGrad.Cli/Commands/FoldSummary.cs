using System.Globalization;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The line that shows the best cross-validated trial's mean, spread and folds, from the runner's result or from the study (worker processes ran the trials).</summary>
internal static class FoldSummary
{
    /// <summary>The line <c>best trial N: metric mean ± std (mean ± std over k folds: a, b, ...)</c>; std is the folds' population standard deviation.</summary>
    public static string Line(int trial, string metricName, double mean, double standardDeviation, IEnumerable<double> foldMetrics) =>
        string.Create(CultureInfo.InvariantCulture, $"best trial {trial}: {metricName} {mean:0.0000} ± {standardDeviation:0.0000} (mean ± std over {foldMetrics.Count()} folds: {string.Join(", ", foldMetrics.Select(m => m.ToString("0.0000", CultureInfo.InvariantCulture)))})");

    /// <summary>The line for the best of the study's trials, read from its fold attributes (<see cref="CrossValidation.FoldMetricAttributePrefix"/>); null when no complete trial was cross-validated.</summary>
    public static string? FromStudy(IEnumerable<TrialRecord> trials, string metricName)
    {
        if (Outputs.TrialRanking.Best(trials.Where(t => CrossValidation.FoldMetricsOf(t.Attributes).Count >= 2)) is not { } best)
        {
            return null;
        }

        IReadOnlyList<double> folds = CrossValidation.FoldMetricsOf(best.Attributes);
        double mean = best.Metric ?? folds.Average();
        return Line(best.Number, metricName, mean, Math.Sqrt(folds.Average(f => (f - mean) * (f - mean))), folds);
    }
}
