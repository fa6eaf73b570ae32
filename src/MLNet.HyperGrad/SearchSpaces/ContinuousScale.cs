namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>The map between a real interval [min, max] (linear or log scale) and [0, 1].</summary>
/// <remarks>Linear: u = (x - min) / (max - min). Log: u = (ln x - ln min) / (ln max - ln min).</remarks>
internal readonly struct ContinuousScale
{
    private readonly double lo;
    private readonly double hi;

    public ContinuousScale(double min, double max, bool logBase)
    {
        Min = min;
        Max = max;
        LogBase = logBase;
        lo = logBase ? Math.Log(min) : min;
        hi = logBase ? Math.Log(max) : max;
    }

    public double Min { get; }

    public double Max { get; }

    public bool LogBase { get; }

    /// <summary>Validates a definition; messages name the option and the offending values.</summary>
    public static void Validate(string owner, double min, double max, bool logBase, double? defaultValue)
    {
        if (!double.IsFinite(min))
        {
            throw new ArgumentException($"{owner}: min must be a finite number, got {Parameter.Format(min)}.", nameof(min));
        }

        if (!double.IsFinite(max))
        {
            throw new ArgumentException($"{owner}: max must be a finite number, got {Parameter.Format(max)}.", nameof(max));
        }

        if (min >= max)
        {
            throw new ArgumentException(
                $"{owner}: min ({Parameter.Format(min)}) must be less than max ({Parameter.Format(max)}).", nameof(max));
        }

        if (!double.IsFinite(max - min))
        {
            throw new ArgumentException(
                $"{owner}: the range [{Parameter.Format(min)}, {Parameter.Format(max)}] is too wide; max - min must be a finite number.", nameof(max));
        }

        if (logBase && min <= 0)
        {
            throw new ArgumentException(
                $"{owner}: a log scale needs min > 0, got min = {Parameter.Format(min)} (max = {Parameter.Format(max)}).", nameof(min));
        }

        if (defaultValue is double d && !(d >= min && d <= max))
        {
            throw new ArgumentException(
                $"{owner}: defaultValue ({Parameter.Format(d)}) must lie in [min, max] = [{Parameter.Format(min)}, {Parameter.Format(max)}].",
                nameof(defaultValue));
        }
    }

    /// <summary>Decodes u in [0, 1]; 0 gives exactly min and 1 exactly max.</summary>
    public double FromUnit(double u)
    {
        if (u <= 0)
        {
            return Min;
        }

        if (u >= 1)
        {
            return Max;
        }

        double value = LogBase ? Math.Exp(lo + (u * (hi - lo))) : Min + (u * (Max - Min));
        return Math.Clamp(value, Min, Max);
    }

    /// <summary>Encodes x in [min, max].</summary>
    public double ToUnit(double x)
    {
        double u = LogBase ? (Math.Log(x) - lo) / (hi - lo) : (x - Min) / (Max - Min);
        return Math.Clamp(u, 0.0, 1.0);
    }

    /// <summary>Whether x lies in [min, max].</summary>
    public bool Contains(double x) => x >= Min && x <= Max;
}
