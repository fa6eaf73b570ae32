using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML;

/// <summary>One trial: its id, its hyperparameters and when it ran (ML.NET AutoML's <c>TrialSettings</c>).</summary>
/// <remarks>
/// Immutable: the experiment makes a copy with <c>with</c> when the trial ends
/// (<see cref="EndedAtUtc"/>). Two settings are equal when every property is.
/// </remarks>
public sealed record TrialSettings
{
    /// <summary>Gets the trial's id: its number in the study, from 0.</summary>
    public int TrialId { get; init; }

    /// <summary>Gets when the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; init; }

    /// <summary>Gets when the trial ended (UTC), or null while it runs.</summary>
    public DateTime? EndedAtUtc { get; init; }

    /// <summary>Gets the hyperparameters: an object whose keys are the experiment's search-space keys.</summary>
    public Parameter Parameter { get; init; } = Parameter.CreateNestedParameter();

    /// <summary>Gets the seed the runner should use for this trial (derived from the study seed and the id).</summary>
    public int Seed { get; init; }

    /// <summary>Gets the number of the trial this one retries after it was interrupted, or null.</summary>
    public int? RetryOf { get; init; }

    /// <summary>Gets where the runner reports the trial's progress after each step (<see cref="ITrialReporter"/>).</summary>
    /// <value>The experiment gives each trial a reporter that stores into its study. The default keeps nothing.</value>
    public ITrialReporter Reporter { get; init; } = NoTrialReporter.Instance;

    /// <inheritdoc />
    public override string ToString() => $"trial {TrialId}: {Parameter}";
}
