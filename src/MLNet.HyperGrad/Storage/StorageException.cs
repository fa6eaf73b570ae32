namespace MLNet.HyperGrad.Storage;

/// <summary>
/// A failure of a study storage: a broken guarantee (changing a finished trial, resuming a study
/// with another search space), a missing study or trial, a database that cannot be opened or
/// migrated, or an I/O failure underneath.
/// </summary>
/// <remarks>The message names the database, the study and the trial involved where they are known.</remarks>
public sealed class StorageException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public StorageException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one (for example a database error).</param>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
