using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>Records what the experiment reports.</summary>
internal sealed class RecordingMonitor : IMonitor
{
    public List<int> Running { get; } = [];

    public List<TrialResult> Completed { get; } = [];

    public List<TrialResult> Best { get; } = [];

    public List<(int Id, Exception? Error)> Failed { get; } = [];

    public void ReportRunningTrial(TrialSettings settings) => Running.Add(settings.TrialId);

    public void ReportCompletedTrial(TrialResult result) => Completed.Add(result);

    public void ReportBestTrial(TrialResult result) => Best.Add(result);

    public void ReportFailTrial(TrialSettings settings, Exception? exception = null) => Failed.Add((settings.TrialId, exception));
}
