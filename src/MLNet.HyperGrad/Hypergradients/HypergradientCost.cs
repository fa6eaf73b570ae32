namespace MLNet.HyperGrad.Hypergradients;

/// <summary>What one hypergradient computation spent.</summary>
public sealed record HypergradientCost
{
    /// <summary>Gets the wall time.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the number of training-loss gradients evaluated (forward and reverse passes, inner solver).</summary>
    public long GradientEvaluations { get; init; }

    /// <summary>Gets the number of Hessian-vector (or mixed second-derivative) products.</summary>
    public long HessianVectorProducts { get; init; }

    /// <summary>Gets the bytes kept to run the reverse pass (an exact-reversal buffer, a stored trajectory, checkpoints); 0 for none.</summary>
    public long StoredBytes { get; init; }

    /// <summary>Gets the bytes that storing the whole trajectory (weights and velocities of every step, float32) would take; 0 where not applicable.</summary>
    public long TrajectoryBytes { get; init; }
}
