namespace MLNet.HyperGrad.Bench;

/// <summary>One dimension of an Optuna search space: a float, an integer or a categorical index.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Low">The smallest value (a whole number for an integer; 0 for a categorical).</param>
/// <param name="High">The largest value, above <paramref name="Low"/> (a whole number for an integer; the last index for a categorical).</param>
/// <param name="Log">Whether Optuna samples it on a log scale (then <paramref name="Low"/> must be positive; never for a categorical).</param>
/// <param name="Kind">Optuna's distribution: <c>FloatDistribution</c>, <c>IntDistribution</c>, or <c>CategoricalDistribution</c> over the indices 0 … <paramref name="High"/>. The default is float.</param>
/// <param name="WhenName">For a conditional dimension, the earlier dimension it depends on; null when it is always suggested.</param>
/// <param name="WhenIn">For a conditional dimension, the values of <paramref name="WhenName"/> (categorical indices) under which it is suggested.</param>
internal sealed record OptunaDimension(string Name, double Low, double High, bool Log, OptunaDimensionKind Kind = OptunaDimensionKind.Float, string? WhenName = null, int[]? WhenIn = null)
{
    /// <summary>Gets the driver's name of <see cref="Kind"/>: "float", "int" or "categorical".</summary>
    public string TypeName => Kind switch
    {
        OptunaDimensionKind.Integer => "int",
        OptunaDimensionKind.Categorical => "categorical",
        _ => "float",
    };

    /// <summary>Says what is wrong with the dimension, or null when it is valid.</summary>
    /// <returns>The problem in words, or null.</returns>
    public string? Problem()
    {
        if (!(Low < High) || !double.IsFinite(Low) || !double.IsFinite(High) || (Log && Low <= 0))
        {
            return "needs finite low < high (low > 0 on a log scale)";
        }

        if (Kind != OptunaDimensionKind.Float && (Low != Math.Round(Low) || High != Math.Round(High)))
        {
            return "needs whole-number bounds for an integer or categorical dimension";
        }

        return Kind == OptunaDimensionKind.Categorical && (Low != 0 || Log) ? "needs low 0 and no log scale for a categorical dimension (its values are the indices 0 … high)" : null;
    }
}
