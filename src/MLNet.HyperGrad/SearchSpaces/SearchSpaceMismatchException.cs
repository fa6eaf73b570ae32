namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A study cannot be resumed because this run tunes another search space.</summary>
/// <remarks>
/// The message names each changed option with both values; <see cref="Differences"/> lists them for callers
/// that explain them in their own terms (a command line names its flag). The experiment reports a study it
/// cannot resume as a storage failure, with this exception as its <see cref="Exception.InnerException"/>.
/// </remarks>
public sealed class SearchSpaceMismatchException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public SearchSpaceMismatchException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public SearchSpaceMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public SearchSpaceMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a study and the differences found.</summary>
    /// <param name="studyName">The study.</param>
    /// <param name="differences">What differs; at least one.</param>
    public SearchSpaceMismatchException(string studyName, IReadOnlyList<SearchSpaceDifference> differences)
        : base($"Cannot resume study '{studyName}': this run tunes another search space ({string.Join("; ", differences ?? [])}). A resumed study must tune the same search space; to tune another, use a new study name.")
    {
        ArgumentNullException.ThrowIfNull(differences);
        StudyName = studyName;
        Differences = [.. differences];
    }

    /// <summary>Gets the study's name, or null when not given.</summary>
    public string? StudyName { get; }

    /// <summary>Gets what differs, by key path.</summary>
    public IReadOnlyList<SearchSpaceDifference> Differences { get; } = [];
}
