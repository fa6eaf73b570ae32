using System.Collections.Frozen;

namespace MLNet.HyperGrad.Storage;

/// <summary>An immutable snapshot of a study as a storage holds it.</summary>
/// <remarks>
/// A study is one tuning task: a search space, a direction and the trials run on it. Equality
/// compares every property, the attributes by content.
/// </remarks>
public sealed record StudyRecord
{
    /// <summary>Gets the identifier the storage gave the study; it is never reused after the study is deleted.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the name of the study, unique within a storage.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a free-text description of the task (data set, model), which transfer learning uses to relate studies.</summary>
    public required string TaskDescription { get; init; }

    /// <summary>Gets the search space, as JSON text.</summary>
    public required string SearchSpaceJson { get; init; }

    /// <summary>Gets whether the study minimizes or maximizes its objective.</summary>
    public required StudyDirection Direction { get; init; }

    /// <summary>Gets when the study was created, in UTC (<see cref="DateTimeKind.Utc"/>).</summary>
    public required DateTime CreatedAtUtc { get; init; }

    /// <summary>Gets the user attributes of the study, compared ordinally; a copy of what was given.</summary>
    /// <value>The default is empty.</value>
    public IReadOnlyDictionary<string, string> Attributes
    {
        get;
        init => field = (value ?? throw new ArgumentNullException(nameof(value))).ToFrozenDictionary(StringComparer.Ordinal);
    } = FrozenDictionary<string, string>.Empty;

    /// <summary>Compares every property, the attributes by content.</summary>
    /// <param name="other">The record to compare with.</param>
    /// <returns>Whether both records describe the same study in the same state.</returns>
    public bool Equals(StudyRecord? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Id != other.Id
            || !string.Equals(Name, other.Name, StringComparison.Ordinal)
            || !string.Equals(TaskDescription, other.TaskDescription, StringComparison.Ordinal)
            || !string.Equals(SearchSpaceJson, other.SearchSpaceJson, StringComparison.Ordinal)
            || Direction != other.Direction
            || CreatedAtUtc != other.CreatedAtUtc
            || Attributes.Count != other.Attributes.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> pair in Attributes)
        {
            if (!other.Attributes.TryGetValue(pair.Key, out string? value) || !string.Equals(pair.Value, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hashes the identity of the study.</summary>
    /// <returns>A hash consistent with <see cref="Equals(StudyRecord?)"/>.</returns>
    public override int GetHashCode() => HashCode.Combine(Id, Name, Direction, CreatedAtUtc, Attributes.Count);
}
