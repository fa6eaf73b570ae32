namespace MLNet.HyperGrad.Models;

/// <summary>
/// A saved model (<c>model.json</c> or <c>weights.bin</c>, see <see cref="TrainedModel.Load"/>) is
/// missing, corrupt, from an unsupported version, or inconsistent; the message names the file and
/// says what must hold and what was found.
/// </summary>
/// <remarks>
/// The message begins with the file, for example
/// <c>/models/best/weights.bin: checksum mismatch: the SHA-256 of the payload is 3f…, the file's trailer records 9a…; the file is corrupt</c>.
/// </remarks>
public sealed class ModelFormatException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public ModelFormatException()
    {
    }

    /// <summary>Creates an exception with a message and no file.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause, and no file.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message is the file followed by the problem.</summary>
    /// <param name="filePath">The file that is wrong (or missing).</param>
    /// <param name="problem">What must hold and what was found, e.g. <c>expected format version 1, found 7</c>.</param>
    /// <param name="innerException">The failure that caused this one, or null.</param>
    public ModelFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException!)
    {
        FilePath = filePath;
    }

    /// <summary>Gets the file the problem is in, or null.</summary>
    public string? FilePath { get; }
}
