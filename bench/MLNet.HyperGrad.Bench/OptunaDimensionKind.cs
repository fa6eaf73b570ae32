namespace MLNet.HyperGrad.Bench;

/// <summary>The Optuna distribution of an <see cref="OptunaDimension"/>.</summary>
internal enum OptunaDimensionKind
{
    /// <summary>Optuna's <c>FloatDistribution</c>.</summary>
    Float,

    /// <summary>Optuna's <c>IntDistribution</c>: whole numbers from low to high.</summary>
    Integer,

    /// <summary>Optuna's <c>CategoricalDistribution</c> over the indices 0 … high (unordered).</summary>
    Categorical,
}
