namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A numeric hyperparameter spread uniformly over [<see cref="Min"/>, <see cref="Max"/>], on a linear or log scale; one slot of the unit cube.</summary>
/// <remarks>
/// Linear scale: u = (x - min) / (max - min). Log scale: u = (ln x - ln min) / (ln max - ln min), so
/// every decade gets the same share of the cube (the usual choice for learning rates and
/// regularization strengths).
/// </remarks>
public abstract class UniformNumericOption : OptionBase
{
    private protected UniformNumericOption(double min, double max, bool logBase)
    {
        Min = min;
        Max = max;
        LogBase = logBase;
    }

    /// <summary>Gets the smallest value.</summary>
    public double Min { get; }

    /// <summary>Gets the largest value.</summary>
    public double Max { get; }

    /// <summary>Gets a value indicating whether values are spread on a log scale.</summary>
    public bool LogBase { get; }

    /// <inheritdoc />
    /// <value>Always 1.</value>
    public override int FeatureSpaceDim => 1;

    /// <inheritdoc />
    public override string ToString()
        => $"{GetType().Name}(min: {Parameter.Format(Min)}, max: {Parameter.Format(Max)}, logBase: {(LogBase ? "true" : "false")})";
}
