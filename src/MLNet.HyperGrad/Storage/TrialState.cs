namespace MLNet.HyperGrad.Storage;

/// <summary>The life-cycle state of a trial (Optuna's <c>TrialState</c>).</summary>
/// <remarks>
/// A trial is created <see cref="Running"/> and moves exactly once to one of the four finished
/// states; a finished trial never changes again. Only <see cref="Interrupted"/> trials are retried
/// when a study is resumed: a trial that <see cref="Failed"/> by itself would fail again.
/// </remarks>
public enum TrialState
{
    /// <summary>The trial was created and has not finished yet (or its process was killed and nobody has noticed yet).</summary>
    Running = 0,

    /// <summary>The trial finished and reported its loss and metric.</summary>
    Complete = 1,

    /// <summary>The trial failed by itself: the runner threw (a bad configuration, out of memory, a bug).</summary>
    Failed = 2,

    /// <summary>The trial was stopped early by a pruner.</summary>
    Pruned = 3,

    /// <summary>
    /// The trial was stopped from outside before it finished: the time budget ran out, the caller
    /// cancelled the run (Ctrl+C), or the process running it died. A resumed study runs it again.
    /// </summary>
    Interrupted = 4,
}
