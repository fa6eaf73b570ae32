using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>Wraps a tuner, records every call and fails the test if two calls ever overlap.</summary>
internal sealed class CountingTuner(ITuner inner) : ITuner
{
    private int inside;

    public List<TrialResult> Updates { get; } = [];

    public int Proposals { get; private set; }

    public bool Overlapped { get; private set; }

    public Parameter Propose(TrialSettings settings)
    {
        Enter();
        try
        {
            Proposals++;
            Thread.Sleep(2);
            return inner.Propose(settings);
        }
        finally
        {
            Interlocked.Decrement(ref inside);
        }
    }

    public void Update(TrialResult result)
    {
        Enter();
        try
        {
            Updates.Add(result);
            Thread.Sleep(2);
            inner.Update(result);
        }
        finally
        {
            Interlocked.Decrement(ref inside);
        }
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref inside) > 1)
        {
            Overlapped = true;
        }
    }
}
