using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A <see cref="long"/> hyperparameter on min..max (inclusive) with the floor mapping of <see cref="UniformIntOption"/>; decodes to an <see cref="ParameterType.Integer"/>.</summary>
/// <remarks>The bins are computed in <see cref="double"/>: in a range wider than 2^53 not every integer can be reached.</remarks>
public sealed class UniformLongOption : OptionBase
{
    private readonly double defaultValue;

    /// <summary>Creates the option.</summary>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value, greater than <paramref name="min"/>.</param>
    /// <param name="logBase">Whether the bins are equal in log space (then <paramref name="min"/> must be positive). The default is <see langword="false"/>.</param>
    /// <param name="defaultValue">The default value in [min, max], or null for the mid-point of the slot.</param>
    /// <exception cref="ArgumentException">min ≥ max, a log scale has min ≤ 0, or the default lies outside [min, max].</exception>
    public UniformLongOption(long min, long max, bool logBase = false, long? defaultValue = null)
    {
        IntegerBins.Validate(nameof(UniformLongOption), min, max, logBase, defaultValue);
        Min = min;
        Max = max;
        LogBase = logBase;
        this.defaultValue = defaultValue is long d ? IntegerBins.ToUnit(min, max, logBase, d) : 0.5;
    }

    /// <summary>Gets the smallest value.</summary>
    public long Min { get; }

    /// <summary>Gets the largest value.</summary>
    public long Max { get; }

    /// <summary>Gets a value indicating whether the bins are equal in log space.</summary>
    public bool LogBase { get; }

    /// <inheritdoc />
    /// <value>Always 1.</value>
    public override int FeatureSpaceDim => 1;

    /// <inheritdoc />
    public override double[] Default => [this.defaultValue];

    /// <inheritdoc />
    /// <value>The number of integers in [min, max], or null when it exceeds <see cref="int.MaxValue"/>.</value>
    public override int?[] Step => [IntegerBins.Levels(Min, Max)];

    /// <inheritdoc />
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, 1, ToString(), nameof(values));
        return Parameter.FromLong(IntegerBins.Sample(Min, Max, LogBase, values[0]));
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        long k = NumericMapping.ReadInteger(value, this, nameof(value));
        NumericMapping.CheckInRange(k, Min, Max, this, nameof(value));
        return [IntegerBins.ToUnit(Min, Max, LogBase, k)];
    }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{nameof(UniformLongOption)}(min: {Min}, max: {Max}, logBase: {(LogBase ? "true" : "false")})");

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
        => [new FeatureDimension(offset, keyPath, FeatureDimensionKind.Integer, IntegerBins.Levels(Min, Max), LogBase, Min, Max)];
}
