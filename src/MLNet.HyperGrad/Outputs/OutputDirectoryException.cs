namespace MLNet.HyperGrad.Outputs;

/// <summary>A folder cannot hold a run's outputs: it is a file, lies under a file, or cannot be created or written.</summary>
/// <remarks>The message names the folder and what is wrong with it.</remarks>
public sealed class OutputDirectoryException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public OutputDirectoryException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public OutputDirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The I/O failure underneath.</param>
    public OutputDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
