using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;

namespace MLNet.HyperGrad.Estimators;

/// <summary>Keeps every trial of a <c>.WithHyperGrad()</c> tuning, without the fitted pipelines.</summary>
internal sealed class TuningHistoryMonitor : IMonitor
{
    private readonly List<TrialResult> trials = [];

    /// <summary>Gets the trials in the order they ended.</summary>
    public IReadOnlyList<TrialResult> Trials => trials;

    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    public void ReportCompletedTrial(TrialResult result) => trials.Add(result is PipelineTrialResult p ? WithoutModels(p) : result);

    public void ReportBestTrial(TrialResult result)
    {
    }

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null) =>
        trials.Add(TrialResult.Failed(settings, exception ?? new InvalidOperationException("The trial failed without an exception."), 0));

    /// <summary>The result without its fitted pipelines, so the history does not keep every trial's model alive.</summary>
    internal static PipelineTrialResult WithoutModels(PipelineTrialResult result) =>
        result with { Model = null, Transformer = null, Folds = [.. result.Folds.Select(WithoutModels)] };
}
