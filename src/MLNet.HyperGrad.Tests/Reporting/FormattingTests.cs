using MLNet.HyperGrad.Reporting;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class FormattingTests
{
    [Theory]
    [InlineData(0.934211234, "0.934211")]
    [InlineData(2000010, "2.00001e+6")]
    [InlineData(1.2e-11, "1.2e-11")]
    [InlineData(0, "0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "\u2212\u221E")]
    public void Value_Numbers_UseSixSignificantDigits(double value, string expected)
        => Assert.Equal(expected, Formatting.Value(value));

    [Theory]
    [InlineData(850, "850 ms")]
    [InlineData(12345, "12.3 s")]
    [InlineData(243000, "4 min 03 s")]
    [InlineData(7500000, "2 h 05 min")]
    [InlineData(-1, "-1")]
    public void Duration_Milliseconds_ReadsInTheLargestSensibleUnit(double milliseconds, string expected)
        => Assert.Equal(expected, Formatting.Duration(milliseconds));

    [Fact]
    public void FitMiddle_LongCategory_KeepsStartAndEndWithinWidth()
    {
        const string Category = "a-very-long-activation-name-number-11";

        string shown = TextMetrics.FitMiddle(Category, 96);

        Assert.StartsWith("a-very", shown, StringComparison.Ordinal);
        Assert.EndsWith("-11", shown, StringComparison.Ordinal);
        Assert.Contains("\u2026", shown, StringComparison.Ordinal);
        Assert.True(TextMetrics.Width(shown) <= 96);
        Assert.Same(Category, TextMetrics.FitMiddle(Category, 1000));
    }

    [Fact]
    public void PowerOfTen_Exponents_ReadAsDecimalsNearOneAndScientificFarAway()
    {
        Assert.Equal("0.001", Formatting.PowerOfTen(-3));
        Assert.Equal("1", Formatting.PowerOfTen(0));
        Assert.Equal("100000", Formatting.PowerOfTen(5));
        Assert.Equal("1e-4", Formatting.PowerOfTen(-4));
        Assert.Equal("1e+6", Formatting.PowerOfTen(6));
    }
}
