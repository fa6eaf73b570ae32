namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A <see cref="double"/> hyperparameter uniform on [min, max] (linear or log scale); decodes to a <see cref="ParameterType.Number"/>.</summary>
public sealed class UniformDoubleOption : UniformNumericOption
{
    private readonly ContinuousScale _scale;
    private readonly double _default;

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
        _scale = new ContinuousScale(min, max, logBase);
        _default = defaultValue is double d ? _scale.ToUnit(d) : 0.5;
    }

    /// <inheritdoc />
    public override double[] Default => [_default];

    /// <inheritdoc />
    /// <value>Always <c>[null]</c>: the slot is continuous.</value>
    public override int?[] Step => [null];

    /// <inheritdoc />
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, 1, ToString(), nameof(values));
        return Parameter.NumberUnchecked(_scale.FromUnit(values[0]));
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        double x = NumericMapping.ReadDouble(value, this, nameof(value));
        NumericMapping.CheckInRange(x, _scale, this, nameof(value));
        return [_scale.ToUnit(x)];
    }

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Continuous, null, LogBase, Min, Max)];
}
