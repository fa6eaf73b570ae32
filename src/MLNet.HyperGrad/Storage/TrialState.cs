namespace MLNet.HyperGrad.Storage;

/// <summary>The life-cycle state of a trial.</summary>
/// <remarks>
/// A trial is created <see cref="Running"/> and moves exactly once to one of the three finished
/// states; a finished trial never changes again.
/// </remarks>
public enum TrialState
{
    /// <summary>The trial was created and has not finished yet (or its process was killed).</summary>
    Running = 0,

    /// <summary>The trial finished and reported its loss and metric.</summary>
    Complete = 1,

    /// <summary>The trial threw, or its process died while it ran.</summary>
    Failed = 2,

    /// <summary>The trial was stopped early by a pruner.</summary>
    Pruned = 3,
}
