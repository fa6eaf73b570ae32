namespace MLNet.HyperGrad.Bayesian;

/// <summary>How a Gaussian-process tuner transforms observed losses before standardizing them for the model.</summary>
/// <remarks>Every option is monotone, so the best observation stays the best; the acquisition compares in warped units.</remarks>
public enum OutputWarping
{
    /// <summary>Standardize only: <c>(y - mean) / sd</c>.</summary>
    None,

    /// <summary>
    /// <c>log(y - min + δ)</c> with <c>δ = 0.1 · (median - min)</c> (or 1e-12 when they coincide), then standardize:
    /// compresses heavy upper tails (Rosenbrock, losses spanning decades) and stretches the region near the best.
    /// </summary>
    Log,

    /// <summary>
    /// Normal scores of the ranks, <c>Φ⁻¹((rank + 0.5) / n)</c> (ties share their mean rank), as in HEBO and
    /// rank-based GP models: only the order of the observations matters, so outliers have no leverage.
    /// </summary>
    Quantile,

    /// <summary>
    /// Box-Cox on <c>y - min + δ</c> (δ as for <see cref="Log"/>) with the exponent λ in [-2, 3] that makes the values
    /// most normal (maximum likelihood, as scikit-learn's <c>PowerTransformer</c> and HEBO choose it), then standardize:
    /// λ near 0 is the log warping for heavy upper tails (Rosenbrock), λ near 1 leaves well-behaved losses almost as
    /// they are, λ above 1 stretches a heavy lower tail.
    /// </summary>
    Power,
}
