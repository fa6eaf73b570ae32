namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A <see cref="float"/> hyperparameter uniform on [min, max] (linear or log scale); decodes to a <see cref="ParameterType.Number"/> that reads back as a <see cref="float"/> exactly.</summary>
public sealed class UniformSingleOption : UniformNumericOption
{
    private readonly ContinuousScale scale;
    private readonly double defaultValue;

    /// <summary>Creates the option.</summary>
    /// <param name="min">The smallest value, finite.</param>
    /// <param name="max">The largest value, finite and greater than <paramref name="min"/>.</param>
    /// <param name="logBase">Whether to spread values on a log scale (then <paramref name="min"/> must be positive). The default is <see langword="false"/>.</param>
    /// <param name="defaultValue">The default value in [min, max], or null for the mid-point of the scale.</param>
    /// <exception cref="ArgumentException">A bound is not finite, min ≥ max, a log scale has min ≤ 0, or the default lies outside [min, max].</exception>
    public UniformSingleOption(float min, float max, bool logBase = false, float? defaultValue = null)
        : base(min, max, logBase)
    {
        ContinuousScale.Validate(nameof(UniformSingleOption), min, max, logBase, defaultValue);
        this.scale = new ContinuousScale(min, max, logBase);
        this.defaultValue = defaultValue is float d ? this.scale.ToUnit(d) : 0.5;
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

        // Min and Max are floats, so rounding a value between them to float stays between them.
        return Parameter.FromFloat((float)this.scale.FromUnit(values[0]));
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        double x = NumericMapping.ReadSingle(value, this, nameof(value));
        NumericMapping.CheckInRange(x, this.scale, this, nameof(value));
        return [this.scale.ToUnit(x)];
    }

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Continuous, null, LogBase, Min, Max)];
}
