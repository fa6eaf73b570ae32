namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>An <see cref="int"/> hyperparameter on min..max (inclusive), each integer owning an equal-width bin of its slot; decodes to an <see cref="ParameterType.Integer"/>.</summary>
/// <remarks>
/// Linear scale: u in [0, 1] maps to min + floor(u * (max - min + 1)), with u = 1 giving max, so every
/// integer gets the same width 1 / (max - min + 1). Log scale: the bins are equal in log space over
/// [min, max + 1), so integer k owns [ln k, ln(k + 1)). Encoding gives the centre of the value's bin.
/// The slot is piecewise constant (not differentiable).
/// </remarks>
public sealed class UniformIntOption : UniformNumericOption
{
    private readonly int min;
    private readonly int max;
    private readonly double defaultValue;

    /// <summary>Creates the option.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value, greater than <paramref name="min"/>.</param>
    /// <param name="logBase">Whether the bins are equal in log space (then <paramref name="min"/> must be positive). The default is <see langword="false"/>.</param>
    /// <param name="defaultValue">The default value in [min, max], or null for the mid-point of the slot.</param>
    /// <exception cref="ArgumentException">min ≥ max, a log scale has min ≤ 0, or the default lies outside [min, max].</exception>
    public UniformIntOption(int min, int max, bool logBase = false, int? defaultValue = null)
        : base(min, max, logBase)
    {
        IntegerBins.Validate(nameof(UniformIntOption), min, max, logBase, defaultValue);
        this.min = min;
        this.max = max;
        this.defaultValue = defaultValue is int d ? IntegerBins.ToUnit(min, max, logBase, d) : 0.5;
    }

    /// <inheritdoc />
    public override double[] Default => [this.defaultValue];

    /// <inheritdoc />
    /// <value>The number of integers in [min, max], or null when it exceeds <see cref="int.MaxValue"/>.</value>
    public override int?[] Step => [IntegerBins.Levels(this.min, this.max)];

    /// <inheritdoc />
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, 1, ToString(), nameof(values));
        return Parameter.FromInt((int)IntegerBins.Sample(this.min, this.max, LogBase, values[0]));
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        long k = NumericMapping.ReadInteger(value, this, nameof(value));
        NumericMapping.CheckInRange(k, this.min, this.max, this, nameof(value));
        return [IntegerBins.ToUnit(this.min, this.max, LogBase, k)];
    }

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Integer, IntegerBins.Levels(this.min, this.max), LogBase, Min, Max)];
}
