namespace MLNet.HyperGrad;

/// <summary>The root of every exception that MLNet.HyperGrad throws for its own failures.</summary>
/// <remarks>Bad arguments are reported with the BCL's <see cref="ArgumentException"/> family instead.</remarks>
public class HyperGradException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public HyperGradException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    public HyperGradException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What must hold, what was found, and where.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public HyperGradException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
