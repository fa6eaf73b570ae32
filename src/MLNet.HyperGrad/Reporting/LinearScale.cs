namespace MLNet.HyperGrad.Reporting;

/// <summary>A linear scale over the range of some values, padded a little and never empty.</summary>
internal sealed class LinearScale : Scale
{
    private const double Limit = 1e300;
    private readonly double minimumStep;

    /// <summary>Initializes a scale that shows every finite value of <paramref name="values"/>.</summary>
    /// <param name="values">The values; non-finite ones are ignored. No finite value gives the domain [0, 1].</param>
    /// <param name="padding">The fraction of the range added at each end.</param>
    /// <param name="integerTicks">Whether ticks must be whole numbers (trial numbers, epochs).</param>
    public LinearScale(IEnumerable<double> values, double padding = 0.05, bool integerTicks = false)
    {
        minimumStep = integerTicks ? 1 : 0;
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (double value in values)
        {
            if (double.IsFinite(value))
            {
                double clamped = Math.Clamp(value, -Limit, Limit);
                min = Math.Min(min, clamped);
                max = Math.Max(max, clamped);
            }
        }

        if (min > max)
        {
            (min, max) = (0, 1);
        }

        double center = (min / 2) + (max / 2);
        double span = max - min;
        if (span <= Math.Abs(center) * 1e-9 || span == 0)
        {
            // A constant: show it in the middle of a range that its magnitude makes sensible.
            double half = center == 0 ? 1 : Math.Abs(center) * 0.1;
            if (integerTicks)
            {
                half = Math.Max(half, 1);
            }

            (min, max, span) = (center - half, center + half, 2 * half);
            padding = 0;
        }

        Min = min - (span * padding);
        Max = max + (span * padding);
    }

    /// <summary>Gets the lower end of the domain.</summary>
    public double Min { get; }

    /// <summary>Gets the upper end of the domain.</summary>
    public double Max { get; }

    /// <inheritdoc />
    /// <remarks>Values beyond ±1e300 are drawn at ±1e300, so that the arithmetic cannot overflow.</remarks>
    public override double Fraction(double value) => (Math.Clamp(value, -Limit, Limit) - Min) / (Max - Min);

    /// <inheritdoc />
    public override IReadOnlyList<AxisTick> Ticks(int targetCount)
    {
        IReadOnlyList<double> values = NiceTicks.Linear(Min, Max, targetCount, minimumStep, out double step);
        if (values.Count == 2 && values[1] - values[0] != step)
        {
            step = values[1] - values[0];
        }

        double magnitude = Math.Max(Math.Abs(Min), Math.Abs(Max));
        return [.. values.Select(v => new AxisTick(v, Formatting.Tick(v, step, magnitude)))];
    }
}
