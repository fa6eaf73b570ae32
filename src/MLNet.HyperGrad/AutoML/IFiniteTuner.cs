namespace MLNet.HyperGrad.AutoML;

/// <summary>A tuner with a finite set of candidates (a grid); the experiment stops once it is exhausted.</summary>
public interface IFiniteTuner : ITuner
{
    /// <summary>Gets a value indicating whether every candidate has been proposed.</summary>
    bool IsExhausted { get; }
}
