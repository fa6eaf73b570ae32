namespace MLNet.HyperGrad.Reporting;

/// <summary>A log10 scale that spans whole decades around some positive values; ticks are powers of ten.</summary>
internal sealed class LogScale : Scale
{
    private const int MinExponent = -300;
    private const int MaxExponent = 300;

    /// <summary>Initializes a scale that shows every finite positive value of <paramref name="values"/>.</summary>
    /// <param name="values">The values; others are ignored. No positive value gives the decades [1, 10].</param>
    public LogScale(IEnumerable<double> values)
    {
        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        foreach (double value in values)
        {
            if (double.IsFinite(value) && value > 0)
            {
                double log = Math.Log10(value);
                low = Math.Min(low, log);
                high = Math.Max(high, log);
            }
        }

        if (low > high)
        {
            (low, high) = (0, 1);
        }

        LowDecade = Math.Clamp((int)Math.Floor(low + 1e-12), MinExponent, MaxExponent);
        HighDecade = Math.Clamp((int)Math.Ceiling(high - 1e-12), MinExponent, MaxExponent);
        if (HighDecade == LowDecade)
        {
            // One power of ten: show the decades on both sides so that it sits in the middle.
            LowDecade--;
            HighDecade++;
        }

        double pad = 0.04 * (HighDecade - LowDecade);
        MinLog = LowDecade - pad;
        MaxLog = HighDecade + pad;
    }

    /// <summary>Gets the exponent of the lowest labelled decade.</summary>
    public int LowDecade { get; }

    /// <summary>Gets the exponent of the highest labelled decade.</summary>
    public int HighDecade { get; }

    /// <summary>Gets the lower end of the domain, as a log10.</summary>
    public double MinLog { get; }

    /// <summary>Gets the upper end of the domain, as a log10.</summary>
    public double MaxLog { get; }

    /// <inheritdoc />
    public override bool IsLog => true;

    /// <inheritdoc />
    public override bool CanShow(double value) => double.IsFinite(value) && value > 0;

    /// <inheritdoc />
    public override double Fraction(double value)
        => (Math.Log10(Math.Max(value, double.Epsilon)) - MinLog) / (MaxLog - MinLog);

    /// <inheritdoc />
    public override IReadOnlyList<AxisTick> Ticks(int targetCount)
        => [.. NiceTicks.Decades(LowDecade, HighDecade, targetCount).Select(e => new AxisTick(NiceTicks.Pow10(e), Formatting.PowerOfTen(e)))];

    /// <inheritdoc />
    public override IReadOnlyList<double> MinorTicks(int targetCount)
    {
        if (HighDecade - LowDecade > 6)
        {
            return [];
        }

        var minor = new List<double>();
        for (int e = LowDecade - 1; e <= HighDecade; e++)
        {
            double decade = NiceTicks.Pow10(e);
            for (int m = 2; m <= 9; m++)
            {
                double value = m * decade;
                double log = Math.Log10(value);
                if (log >= MinLog && log <= MaxLog)
                {
                    minor.Add(value);
                }
            }
        }

        return minor;
    }
}
