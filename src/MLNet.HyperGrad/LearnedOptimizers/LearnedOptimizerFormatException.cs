namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>
/// A saved learned optimizer (<see cref="LstmOptimizer.Load"/>) is missing, corrupt, from an unsupported version,
/// or inconsistent; the message begins with the file and says what must hold and what was found.
/// </summary>
/// <remarks>For example <c>/opt/lstm.hgo: checksum mismatch: the SHA-256 of the payload is 3f…, the trailer records 9a…; the file is corrupt</c>.</remarks>
public sealed class LearnedOptimizerFormatException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public LearnedOptimizerFormatException()
    {
    }

    /// <summary>Creates an exception with a message and no file.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public LearnedOptimizerFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause, and no file.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public LearnedOptimizerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message is the file followed by the problem.</summary>
    /// <param name="filePath">The file that is wrong (or missing).</param>
    /// <param name="problem">What must hold and what was found.</param>
    /// <param name="innerException">The failure that caused this one, or null.</param>
    public LearnedOptimizerFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException!)
    {
        FilePath = filePath;
    }

    /// <summary>Gets the file the problem is in, or null.</summary>
    public string? FilePath { get; }
}
