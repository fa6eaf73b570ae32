
namespace MLNet.HyperGrad.AutoML;

/// <summary>How a trial ended, as seen by the loop.</summary>
internal sealed record TrialOutcome(TrialSettings Settings, TrialResult? Result, Exception? Error, bool Interrupted, double DurationMilliseconds);
