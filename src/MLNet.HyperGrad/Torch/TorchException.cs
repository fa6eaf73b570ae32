namespace MLNet.HyperGrad.Torch;

/// <summary>A failure inside libtorch, carrying libtorch's own message (shapes, dtypes, indices).</summary>
public sealed class TorchException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public TorchException()
    {
    }

    /// <summary>Creates an exception with libtorch's message.</summary>
    /// <param name="message">The message libtorch gave.</param>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
