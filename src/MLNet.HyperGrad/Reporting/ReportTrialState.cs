namespace MLNet.HyperGrad.Reporting;

/// <summary>The states a <see cref="ReportTrial"/> can be in, as the strings stored in <see cref="ReportTrial.State"/>.</summary>
public static class ReportTrialState
{
    /// <summary>The trial finished and reported a metric.</summary>
    public const string Complete = "complete";

    /// <summary>The trial threw; <see cref="ReportTrial.Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>A pruner stopped the trial early.</summary>
    public const string Pruned = "pruned";

    /// <summary>The trial had not finished when the report was made.</summary>
    public const string Running = "running";
}
