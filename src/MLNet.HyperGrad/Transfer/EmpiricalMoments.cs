namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The exact-mode part of an <see cref="EmpiricalCovarianceTerm"/>: the mean correction <c>μ_S − m_θ(S)</c> [m] at the shared points, the
/// shrinkage α of the empirical covariance towards v̄·I, and whether the pre-trained kernel enters only as its residual given the shared points.
/// </summary>
/// <param name="MeanCorrection">The empirical mean of the source tasks' standardized values less the pre-trained mean, per shared point.</param>
/// <param name="Shrinkage">α in [0, 1).</param>
/// <param name="KernelOffSharedPointsOnly">Whether the kernel part is <c>s·(k(x, x') − k(x, S)(K_SS + σ²I)⁻¹k(S, x'))</c> instead of <c>s·k(x, x')</c>.</param>
internal sealed record EmpiricalMoments(double[] MeanCorrection, double Shrinkage, bool KernelOffSharedPointsOnly = false);
