namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>How a <see cref="BlackBoxSearch"/> with several networks turns their proposals into one.</summary>
internal enum BlackBoxEnsembleCombination
{
    /// <summary>The coordinate-wise median of every network's proposal (all from the same noise).</summary>
    Median,

    /// <summary>The networks take turns: after n observations network (n − 1) mod N proposes; every network reads every observation.</summary>
    RoundRobin,
}
