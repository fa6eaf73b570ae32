using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Reporting;

/// <summary>How reports write a <see cref="TrialState"/>: its name in lower case, and the order states are listed in.</summary>
internal static class TrialStateNames
{
    /// <summary>Gets the name of a state as reports show it (<c>complete</c>, <c>interrupted</c>); an undefined value is <c>unknown</c>.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name, which is also the suffix of its CSS class.</returns>
    public static string Name(TrialState state) => state switch
    {
        TrialState.Complete => "complete",
        TrialState.Pruned => "pruned",
        TrialState.Interrupted => "interrupted",
        TrialState.Failed => "failed",
        TrialState.Running => "running",
        _ => "unknown",
    };

    /// <summary>Gets where a state comes in a list of counts: complete first, undefined values last.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The rank.</returns>
    public static int Order(TrialState state) => state switch
    {
        TrialState.Complete => 0,
        TrialState.Pruned => 1,
        TrialState.Interrupted => 2,
        TrialState.Failed => 3,
        TrialState.Running => 4,
        _ => 5,
    };
}
