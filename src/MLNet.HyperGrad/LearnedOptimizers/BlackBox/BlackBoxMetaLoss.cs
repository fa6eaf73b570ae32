namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>What the observed-improvement loss of <see cref="BlackBoxMetaTrainer"/> measures values in.</summary>
public enum BlackBoxMetaLoss
{
    /// <summary>The function's values (Chen et al. 2017's L_OI): Σ_t min(f(x_t) − min_{j&lt;t} f(x_j), 0), which sums to the final best value minus the first value.</summary>
    ObservedImprovement,

    /// <summary>
    /// The same sum on the log regret g(x) = ln(max(f(x) − f*, 0) + δ), with f* each function's minimum estimated before
    /// the episode: it sums to ln of the final regret minus ln of the first, so halving a small regret counts as much as
    /// halving a large one (it rewards refining near the best point, which the plain values barely do).
    /// </summary>
    LogRegret,
}
