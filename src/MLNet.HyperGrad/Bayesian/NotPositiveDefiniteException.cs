namespace MLNet.HyperGrad.Bayesian;

/// <summary>A covariance matrix stayed non-positive-definite after every jitter retry of its Cholesky factorization.</summary>
public sealed class NotPositiveDefiniteException : HyperGradException
{
    /// <summary>Creates an exception with no message.</summary>
    public NotPositiveDefiniteException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed, with the matrix size and the jitters tried.</param>
    public NotPositiveDefiniteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure that caused this one.</param>
    public NotPositiveDefiniteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
