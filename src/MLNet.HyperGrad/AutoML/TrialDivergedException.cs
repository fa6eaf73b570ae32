namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// A trial's training diverged, or its score is not a finite number: a NaN or infinite training loss, NaN or infinite
/// model scores on the validation rows, or a NaN or infinite metric. The trial is recorded as failed with this message.
/// </summary>
/// <remarks>
/// A divergence is a property of the trial's hyperparameters (a learning rate too large for its momentum, say), not of the
/// study's data or settings, so unlike other failures it does not stop a study whose earlier trials all failed: the
/// experiment goes on proposing. The message says what was not finite and where (the epoch, the rows, the metric).
/// </remarks>
public sealed class TrialDivergedException : HyperGradException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not finite and where, for example <c>training diverged at epoch 3 of 20 (training loss NaN)</c>.</param>
    public TrialDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What was not finite and where.</param>
    /// <param name="innerException">The failure that revealed it (for example an evaluator refusing NaN scores).</param>
    public TrialDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public TrialDivergedException()
    {
    }
}
