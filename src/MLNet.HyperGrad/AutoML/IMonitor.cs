namespace MLNet.HyperGrad.AutoML;

/// <summary>Hears about trials as they run (ML.NET AutoML's <c>IMonitor</c>).</summary>
/// <remarks>Calls are serialized by the experiment; a monitor must return quickly and must not throw.</remarks>
public interface IMonitor
{
    /// <summary>A trial is about to run.</summary>
    /// <param name="settings">The trial.</param>
    void ReportRunningTrial(TrialSettings settings);

    /// <summary>A trial finished successfully, or was stopped early by a pruner (then <see cref="TrialResult.State"/> is <see cref="Storage.TrialState.Pruned"/>).</summary>
    /// <param name="result">Its result.</param>
    void ReportCompletedTrial(TrialResult result);

    /// <summary>A trial is the best so far.</summary>
    /// <param name="result">Its result.</param>
    void ReportBestTrial(TrialResult result);

    /// <summary>A trial failed or was cancelled.</summary>
    /// <param name="settings">The trial.</param>
    /// <param name="exception">Why, if known.</param>
    void ReportFailTrial(TrialSettings settings, Exception? exception = null);
}
