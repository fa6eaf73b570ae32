namespace MLNet.HyperGrad.AutoML;

/// <summary>A study was resumed with other data or another task than it was created with (see <see cref="HyperGradExperiment.SetStudyIdentity"/>).</summary>
public sealed class StudyIdentityMismatchException : HyperGradException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="studyName">The study's name.</param>
    /// <param name="differences">What changed: each name with the study's value and this run's.</param>
    public StudyIdentityMismatchException(string studyName, IReadOnlyList<StudyIdentityDifference> differences)
        : base($"Cannot resume study '{studyName}' with other data or another task: {string.Join("; ", differences)}. Start a new study under another name.")
    {
        StudyName = studyName;
        Differences = differences;
    }

    /// <summary>Gets the study's name.</summary>
    public string StudyName { get; }

    /// <summary>Gets what changed, in the order the run declared it.</summary>
    public IReadOnlyList<StudyIdentityDifference> Differences { get; }
}
