using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML;

/// <summary>One trial: its id, its hyperparameters and when it ran (ML.NET AutoML's <c>TrialSettings</c>).</summary>
public sealed class TrialSettings
{
    /// <summary>Gets or sets the trial's id: its number in the study, from 0.</summary>
    public int TrialId { get; set; }

    /// <summary>Gets or sets when the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>Gets or sets when the trial ended (UTC), or null while it runs.</summary>
    public DateTime? EndedAtUtc { get; set; }

    /// <summary>Gets or sets the hyperparameters: an object whose keys are the experiment's search-space keys.</summary>
    public Parameter Parameter { get; set; } = Parameter.CreateNestedParameter();

    /// <summary>Gets or sets the seed the runner should use for this trial (derived from the study seed and the id).</summary>
    public int Seed { get; set; }

    /// <summary>Gets or sets the number of the trial this one retries after it was interrupted, or null.</summary>
    public int? RetryOf { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"trial {TrialId}: {Parameter}";
}
