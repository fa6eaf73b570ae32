namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A hyperparameter's definition: how its values are encoded in, and decoded from, consecutive slots of the unit cube.</summary>
/// <remarks>
/// Tuners work in the unit cube [0, 1]^d and never see parameter types; an option owns
/// <see cref="FeatureSpaceDim"/> slots and is the one place that maps them to values
/// (<see cref="SampleFromFeatureSpace"/>) and back (<see cref="MappingToFeatureSpace"/>).
/// Options are immutable once built and safe to share between threads.
/// </remarks>
public abstract class OptionBase
{
    /// <summary>Gets the number of unit-cube slots the option takes (0 for a single fixed choice).</summary>
    public abstract int FeatureSpaceDim { get; }

    /// <summary>Gets the default value encoded in the unit cube, length <see cref="FeatureSpaceDim"/> (a new array on every call).</summary>
    /// <value>The encoding of the option's default value, or the cube's mid-point 0.5 in every slot when the option has none.</value>
    public abstract double[] Default { get; }

    /// <summary>Gets, per slot, the number of grid points a grid search should use: the number of levels for discrete slots, null for continuous ones.</summary>
    public abstract int?[] Step { get; }

    /// <summary>Decodes a point of the option's slots to a value.</summary>
    /// <param name="values">The slots, length <see cref="FeatureSpaceDim"/>, each in [0, 1].</param>
    /// <returns>The decoded value.</returns>
    /// <exception cref="ArgumentException">The length is wrong or a value is NaN or outside [0, 1].</exception>
    public abstract Parameter SampleFromFeatureSpace(double[] values);

    /// <summary>Encodes a value into the option's slots; the inverse of <see cref="SampleFromFeatureSpace"/> up to the bins of discrete options.</summary>
    /// <param name="value">A value the option can produce.</param>
    /// <returns>The slots, length <see cref="FeatureSpaceDim"/>, each in [0, 1]; a discrete value maps to the centre of its bin.</returns>
    /// <exception cref="ArgumentException">The value has the wrong kind or lies outside the option's range or choices.</exception>
    public abstract double[] MappingToFeatureSpace(Parameter value);

    /// <summary>Describes the option's slots for <see cref="SearchSpace.FeatureDimensions"/>.</summary>
    /// <param name="keyPath">The key path of the option's value.</param>
    /// <param name="offset">The index of the option's first slot in the whole feature vector.</param>
    /// <returns>One description per slot, in slot order.</returns>
    protected internal abstract IEnumerable<FeatureDimension> DescribeFeatureSpace(string keyPath, int offset);
}
