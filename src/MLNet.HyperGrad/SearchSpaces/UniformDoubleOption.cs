namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A <see cref="double"/> hyperparameter uniform on [min, max] (linear or log scale); decodes to a <see cref="ParameterType.Number"/>.</summary>
public sealed class UniformDoubleOption : UniformNumericOption
{
    private readonly ContinuousScale scale;
    private readonly double defaultValue;

    /// <summary>Creates the option.</summary>
    /// <param name="min">The smallest value, finite.</param>
    /// <param name="max">The largest value, finite and greater than <paramref name="min"/>.</param>
    /// <param name="logBase">Whether to spread values on a log scale (then <paramref name="min"/> must be positive). The default is <see langword="false"/>.</param>
    /// <param name="defaultValue">The default value in [min, max], or null for the mid-point of the scale (the geometric mean on a log scale).</param>
    /// <exception cref="ArgumentException">A bound is not finite, min ≥ max, a log scale has min ≤ 0, or the default lies outside [min, max].</exception>
    public UniformDoubleOption(double min, double max, bool logBase = false, double? defaultValue = null)
        : base(min, max, logBase)
    {
        ContinuousScale.Validate(nameof(UniformDoubleOption), min, max, logBase, defaultValue);
        this.scale = new ContinuousScale(min, max, logBase);
        this.defaultValue = defaultValue is double d ? this.scale.ToUnit(d) : 0.5;
    }

    /// <inheritdoc />
    public override double[] Default => [this.defaultValue];

    /// <inheritdoc />
    /// <value>Always <c>[null]</c>: the slot is continuous.</value>
    public override int?[] Step => [null];

    /// <inheritdoc />
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, 1, ToString(), nameof(values));
        return Parameter.NumberUnchecked(this.scale.FromUnit(values[0]));
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        double x = NumericMapping.ReadDouble(value, this, nameof(value));
        NumericMapping.CheckInRange(x, this.scale, this, nameof(value));
        return [this.scale.ToUnit(x)];
    }

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Continuous, null, LogBase, Min, Max)];
}
