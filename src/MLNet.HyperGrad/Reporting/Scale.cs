namespace MLNet.HyperGrad.Reporting;

/// <summary>Maps values of one axis to a position between 0 (the start of the axis) and 1 (its end), and lists its ticks.</summary>
internal abstract class Scale
{
    /// <summary>Gets a value indicating whether the scale is logarithmic.</summary>
    public virtual bool IsLog => false;

    /// <summary>Gets a value indicating whether the scale places named categories rather than numbers.</summary>
    public virtual bool IsCategorical => false;

    /// <summary>Maps a value to its position along the axis; values outside the domain map outside [0, 1].</summary>
    public abstract double Fraction(double value);

    /// <summary>Reports whether a value can be drawn (finite, and positive on a log scale).</summary>
    public virtual bool CanShow(double value) => double.IsFinite(value);

    /// <summary>Gets about <paramref name="targetCount"/> labelled ticks.</summary>
    public abstract IReadOnlyList<AxisTick> Ticks(int targetCount);

    /// <summary>Gets unlabelled ticks between the labelled ones (log scales only).</summary>
    public virtual IReadOnlyList<double> MinorTicks(int targetCount) => [];
}
