using System.Globalization;
using MLNet.HyperGrad.Reporting;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class ScaleTests
{
    [Theory]
    [InlineData(3e-5, 0.2)]
    [InlineData(0.002, 0.008)]
    [InlineData(1, 1)]
    [InlineData(1e-300, 1e300)]
    public void LogScale_Ticks_ArePowersOfTenCoveringTheValues(double min, double max)
    {
        var scale = new LogScale([min, max]);

        IReadOnlyList<AxisTick> ticks = scale.Ticks(6);

        Assert.True(ticks.Count >= 2, $"only {ticks.Count} ticks");
        Assert.InRange(ticks.Count, 2, 7);
        Assert.All(ticks, t => Assert.Equal(Math.Round(Math.Log10(t.Value)), Math.Log10(t.Value), 12));
        Assert.All(ticks, t => Assert.Equal(t.Value, double.Parse(t.Label, CultureInfo.InvariantCulture)));
        Assert.InRange(scale.Fraction(min), 0, 1);
        Assert.InRange(scale.Fraction(max), 0, 1);
    }

    [Fact]
    public void LogScale_NarrowRange_LabelsTheEnclosingDecades()
    {
        IReadOnlyList<AxisTick> ticks = new LogScale([0.002, 0.008]).Ticks(6);

        Assert.Equal(["0.001", "0.01"], ticks.Select(t => t.Label));
    }

    [Theory]
    [InlineData(0.013, 0.087)]
    [InlineData(-3.7, 120.2)]
    [InlineData(0.6, 0.95)]
    [InlineData(1e6, 3.5e6)]
    [InlineData(-2e-7, 1e-7)]
    public void LinearScale_Ticks_AreMultiplesOfANiceStepInsideTheDomain(double min, double max)
    {
        var scale = new LinearScale([min, max]);

        AxisTick[] ticks = [.. scale.Ticks(6)];
        double step = ticks[1].Value - ticks[0].Value;
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));

        Assert.InRange(ticks.Length, 3, 12);
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
        Assert.All(ticks, t => Assert.InRange(t.Value, scale.Min, scale.Max));
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Value / step), t.Value / step, 6));
        Assert.Equal(ticks.Length, ticks.Select(t => t.Label).Distinct().Count());
        Assert.True(scale.Min <= min && scale.Max >= max);
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(0.0)]
    [InlineData(-1e-12)]
    [InlineData(1e16)]
    public void LinearScale_ConstantValues_GetsARangeAroundThem(double value)
    {
        var scale = new LinearScale([value, value, value]);

        Assert.True(scale.Min < value && value < scale.Max, $"[{scale.Min}, {scale.Max}] does not surround {value}");
        Assert.Equal(0.5, scale.Fraction(value), 9);
        Assert.True(scale.Ticks(5).Count >= 2);
    }

    [Fact]
    public void LinearScale_ExtremeRange_StaysFinite()
    {
        var scale = new LinearScale([-double.MaxValue, double.MaxValue, double.NaN, double.PositiveInfinity]);

        Assert.True(double.IsFinite(scale.Min) && double.IsFinite(scale.Max));
        Assert.All(scale.Ticks(6), t => Assert.True(double.IsFinite(t.Value)));
        Assert.True(double.IsFinite(scale.Fraction(double.MaxValue)));
    }

    [Fact]
    public void LinearScale_RangeTooNarrowForItsMagnitude_StillGivesTicks()
    {
        var scale = new LinearScale([1e16, 1e16 + 2]);

        IReadOnlyList<AxisTick> ticks = scale.Ticks(6);

        Assert.InRange(ticks.Count, 2, NiceTicks.MaxCount);
    }

    [Fact]
    public void LinearScale_IntegerTicks_NeverStepBelowOne()
    {
        IReadOnlyList<AxisTick> ticks = new LinearScale([0, 2], integerTicks: true).Ticks(10);

        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Value), t.Value));
    }

    [Fact]
    public void CategoricalScale_Categories_AreEvenlySpacedInBands()
    {
        var scale = new CategoricalScale(["b", "a", "b", "c"]);

        Assert.Equal(["b", "a", "c"], scale.Categories);
        Assert.Equal(1.0 / 6, scale.Fraction(scale.IndexOf("b")), 12);
        Assert.Equal(0.5, scale.Fraction(scale.IndexOf("a")), 12);
        Assert.Equal(-1, scale.IndexOf("z"));
    }

    [Theory]
    [InlineData(0.30000000000000004, 0.1, 1, "0.3")]
    [InlineData(2500000, 500000, 3e6, "2.5e+6")]
    [InlineData(0.00025, 0.00005, 0.0005, "2.5e-4")]
    [InlineData(-0.5, 0.5, 1, "-0.5")]
    [InlineData(1e-17, 0.1, 1, "0")]
    public void Formatting_Tick_ReadsAtTheStepsPrecision(double value, double step, double magnitude, string expected)
        => Assert.Equal(expected, Formatting.Tick(value, step, magnitude));
}
