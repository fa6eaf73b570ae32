using System.Globalization;

namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>An array-valued continuous hyperparameter: <see cref="Length"/> <see cref="double"/>s, each uniform on [min, max], in consecutive slots of the unit cube.</summary>
/// <remarks>
/// Made for gradient-based tuners that tune many values at once (a learning rate per iteration, a
/// weight decay per layer). Each element uses the map of <see cref="UniformDoubleOption"/>; the value is a
/// dense array parameter (<see cref="Parameter.AsDoubleArray"/>), so encoding and decoding cost one
/// pass over the elements. Every slot is continuous and differentiable.
/// </remarks>
public sealed class UniformDoubleArrayOption : OptionBase
{
    private readonly ContinuousScale scale;
    private readonly double defaultValue;

    /// <summary>Creates the option.</summary>
    /// <param name="length">The number of elements (and slots), at least 1.</param>
    /// <param name="min">The smallest element value, finite.</param>
    /// <param name="max">The largest element value, finite and greater than <paramref name="min"/>.</param>
    /// <param name="logBase">Whether to spread values on a log scale (then <paramref name="min"/> must be positive). The default is <see langword="false"/>.</param>
    /// <param name="defaultValue">The default of every element, in [min, max], or null for the mid-point of the scale.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not positive, a bound is not finite, min ≥ max, a log scale has min ≤ 0, or the default lies outside [min, max].</exception>
    public UniformDoubleArrayOption(int length, double min, double max, bool logBase = false, double? defaultValue = null)
    {
        if (length < 1)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{nameof(UniformDoubleArrayOption)}: length must be at least 1, got {length}."), nameof(length));
        }

        ContinuousScale.Validate(nameof(UniformDoubleArrayOption), min, max, logBase, defaultValue);
        Length = length;
        this.scale = new ContinuousScale(min, max, logBase);
        this.defaultValue = defaultValue is double d ? this.scale.ToUnit(d) : 0.5;
    }

    /// <summary>Gets the number of elements.</summary>
    public int Length { get; }

    /// <summary>Gets the smallest element value.</summary>
    public double Min => this.scale.Min;

    /// <summary>Gets the largest element value.</summary>
    public double Max => this.scale.Max;

    /// <summary>Gets a value indicating whether element values are spread on a log scale.</summary>
    public bool LogBase => this.scale.LogBase;

    /// <inheritdoc />
    /// <value><see cref="Length"/>.</value>
    public override int FeatureSpaceDim => Length;

    /// <inheritdoc />
    public override double[] Default => UnitCube.Repeat(this.defaultValue, Length);

    /// <inheritdoc />
    /// <value>null in every slot: all slots are continuous.</value>
    public override int?[] Step => new int?[Length];

    /// <inheritdoc />
    /// <returns>A dense array parameter of <see cref="Length"/> numbers.</returns>
    public override Parameter SampleFromFeatureSpace(double[] values)
    {
        UnitCube.CheckFeatures(values, Length, ToString(), nameof(values));
        double[] decoded = new double[Length];
        for (int i = 0; i < decoded.Length; i++)
        {
            decoded[i] = this.scale.FromUnit(values[i]);
        }

        return Parameter.WrapDense(decoded);
    }

    /// <inheritdoc />
    public override double[] MappingToFeatureSpace(Parameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        double[] elements;
        if (value.DenseStorage is double[] dense)
        {
            elements = dense;
        }
        else
        {
            try
            {
                elements = value.AsDoubleArray();
            }
            catch (InvalidCastException ex)
            {
                throw new ArgumentException($"{this} expects an array of numbers: {ex.Message}", nameof(value), ex);
            }
        }

        if (elements.Length != Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{this} expects {Length} elements, got {elements.Length}."), nameof(value));
        }

        double[] encoded = new double[Length];
        for (int i = 0; i < encoded.Length; i++)
        {
            if (!this.scale.Contains(elements[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{this}: element {i} is {Parameter.Format(elements[i])}, outside [{Parameter.Format(Min)}, {Parameter.Format(Max)}]."),
                    nameof(value));
            }

            encoded[i] = this.scale.ToUnit(elements[i]);
        }

        return encoded;
    }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{nameof(UniformDoubleArrayOption)}(length: {Length}, min: {Parameter.Format(Min)}, max: {Parameter.Format(Max)}, logBase: {(LogBase ? "true" : "false")})");

    /// <inheritdoc />
    protected internal override IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset)
    {
        for (int i = 0; i < Length; i++)
        {
            yield return new FeatureDimension(
                offset + i, Parameter.IndexPath(keyPath, i), FeatureDimensionKind.Continuous, null, LogBase, Min, Max);
        }
    }
}
