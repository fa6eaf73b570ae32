namespace MLNet.HyperGrad.Storage;

/// <summary>An immutable snapshot of a trial as a storage holds it.</summary>
/// <remarks>
/// Loss, metric, intermediate values and attributes keep NaN and infinities exactly. Equality compares every
/// property, the intermediate values in order and the attributes by key; NaN equals NaN, as in <see cref="double.Equals(double)"/>.
/// </remarks>
public sealed record TrialRecord
{
    /// <summary>Gets the identifier of the study the trial belongs to.</summary>
    public required long StudyId { get; init; }

    /// <summary>Gets the number of the trial within its study: 0, 1, 2, ... in creation order, without gaps.</summary>
    public required int Number { get; init; }

    /// <summary>Gets the state of the trial.</summary>
    public required TrialState State { get; init; }

    /// <summary>Gets the parameters the trial was run with, as JSON text.</summary>
    public required string ParametersJson { get; init; }

    /// <summary>Gets the loss (smaller is better), or <see langword="null"/> while running, after a failure or an interruption, or when a pruned trial gave none.</summary>
    public double? Loss { get; init; }

    /// <summary>Gets the metric the trial reported, or <see langword="null"/> when it reported none.</summary>
    public double? Metric { get; init; }

    /// <summary>Gets how long the trial ran, in milliseconds, or <see langword="null"/> while running or when unknown (a killed process).</summary>
    public double? DurationMilliseconds { get; init; }

    /// <summary>Gets when the trial was created, in UTC (<see cref="DateTimeKind.Utc"/>).</summary>
    public required DateTime StartedAtUtc { get; init; }

    /// <summary>Gets when the trial finished, in UTC, or <see langword="null"/> while it is running.</summary>
    public DateTime? EndedAtUtc { get; init; }

    /// <summary>Gets the values the trial reported while running, ordered by step; a copy of what was given.</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyList<IntermediateValue> IntermediateValues
    {
        get;
        init => field = [.. value ?? throw new ArgumentNullException(nameof(value))];
    } = [];

    /// <summary>Gets the numeric attributes stored with the trial's result (<c>test_loss</c>), sorted by key; a copy of what was given.</summary>
    /// <value>The default is empty; only a trial completed with attributes has some (<see cref="IStudyStorage.CompleteTrialAsync"/>).</value>
    /// <exception cref="ArgumentException">Set with a key that is null, empty or white space.</exception>
    public IReadOnlyDictionary<string, double> Attributes
    {
        get;
        init => field = TrialAttributes.Copy(value, nameof(Attributes));
    } = TrialAttributes.Empty;

    /// <summary>Gets why the trial failed or was interrupted (or was pruned, when a reason was given), or <see langword="null"/>.</summary>
    /// <remarks>Free text for people; the state says what happened, never this text.</remarks>
    public string? Error { get; init; }

    /// <summary>Gets the worker (process or machine) that ran the trial, or <see langword="null"/> when not recorded.</summary>
    public string? WorkerId { get; init; }

    /// <summary>Gets the number of the earlier trial of the same study that this trial retries, or <see langword="null"/>.</summary>
    public int? RetryOf { get; init; }

    /// <summary>Gets whether the trial has finished (<see cref="TrialState.Complete"/>, <see cref="TrialState.Failed"/>, <see cref="TrialState.Pruned"/> or <see cref="TrialState.Interrupted"/>) and so can no longer change.</summary>
    public bool IsFinished => State != TrialState.Running;

    /// <summary>Compares every property, the intermediate values in order, the attributes by key.</summary>
    /// <param name="other">The record to compare with.</param>
    /// <returns>Whether both records describe the same trial in the same state.</returns>
    public bool Equals(TrialRecord? other)
    {
        if (other is null)
        {
            return false;
        }

        return ReferenceEquals(this, other)
            || (StudyId == other.StudyId
                && Number == other.Number
                && State == other.State
                && string.Equals(ParametersJson, other.ParametersJson, StringComparison.Ordinal)
                && Nullable.Equals(Loss, other.Loss)
                && Nullable.Equals(Metric, other.Metric)
                && Nullable.Equals(DurationMilliseconds, other.DurationMilliseconds)
                && StartedAtUtc == other.StartedAtUtc
                && Nullable.Equals(EndedAtUtc, other.EndedAtUtc)
                && IntermediateValues.SequenceEqual(other.IntermediateValues)
                && TrialAttributes.AreEqual(Attributes, other.Attributes)
                && string.Equals(Error, other.Error, StringComparison.Ordinal)
                && string.Equals(WorkerId, other.WorkerId, StringComparison.Ordinal)
                && Nullable.Equals(RetryOf, other.RetryOf));
    }

    /// <summary>Hashes the identity and state of the trial.</summary>
    /// <returns>A hash consistent with <see cref="Equals(TrialRecord?)"/>.</returns>
    public override int GetHashCode() => HashCode.Combine(StudyId, Number, State, StartedAtUtc, IntermediateValues.Count);
}
