using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>Compares what a study records about itself (see <see cref="HyperGradExperiment.SetStudyIdentity"/>) with a run's identity.</summary>
public static class StudyIdentity
{
    /// <summary>The prefix of the study attributes that record its identity.</summary>
    public const string AttributePrefix = "identity: ";

    /// <summary>The parts of the identity that the study records with another value; parts it does not record (a study created without them) are not differences.</summary>
    /// <param name="study">The stored study.</param>
    /// <param name="identity">This run's identity.</param>
    /// <returns>The differences, in the order of <paramref name="identity"/>; empty when the run may resume the study.</returns>
    public static IReadOnlyList<StudyIdentityDifference> Compare(StudyRecord study, IReadOnlyDictionary<string, string> identity)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(identity);
        var differences = new List<StudyIdentityDifference>();
        foreach ((string key, string value) in identity)
        {
            if (study.Attributes.TryGetValue(AttributePrefix + key, out string? stored) && !string.Equals(stored, value, StringComparison.Ordinal))
            {
                differences.Add(new StudyIdentityDifference(key, stored, value));
            }
        }

        return differences;
    }
}
