namespace MLNet.HyperGrad.Transfer;

/// <summary>An earlier study that a filter selected but that cannot inform a transfer prior, and why.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Reason">Why it was left out, for people: <c>another search space (lightgbm.learning_rate: in the study, not in this run)</c>.</param>
public sealed record RejectedStudy(string Name, string Reason)
{
    /// <summary>Describes the rejection: <c>iris-gp: 3 complete trials, at least 5 needed</c>.</summary>
    /// <returns>The name and the reason.</returns>
    public override string ToString() => $"{Name}: {Reason}";
}
