using System.Globalization;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>The fast decimal parser gives exactly what double.TryParse gives, or declines.</summary>
public sealed class FastDecimalTests
{
    [Fact]
    public void TryParse_RandomShortDecimals_MatchesDoubleParseBitForBit()
    {
        var random = new Random(11);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++)
        {
            string text = RandomDecimal(random);

            bool fast = FastDecimal.TryParse(text, out double value);

            Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double expected), text);
            if (fast)
            {
                accepted++;
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} instead of {expected:R}");
            }
        }

        // The generator stays mostly inside the fast path's form, so most strings must take it.
        Assert.True(accepted > 150_000, $"only {accepted} of 200000 took the fast path");
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("-0", -0.0)]
    [InlineData("+1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("007", 7.0)]
    [InlineData("1e5", 1e5)]
    [InlineData("1E-05", 1e-5)]
    [InlineData("-2.5e+3", -2500.0)]
    [InlineData("0.000000000000000000001", 1e-21)]
    [InlineData("123456789012345", 123456789012345.0)]
    [InlineData("0.1", 0.1)]
    [InlineData("4.5e21", 4.5e21)]
    public void TryParse_PlainForms_MatchDoubleParse(string text, double expected)
    {
        Assert.True(FastDecimal.TryParse(text, out double value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1.2.3")]
    [InlineData("1,5")]
    [InlineData("12a")]
    [InlineData(" 1")]
    [InlineData("0x10")]
    [InlineData("inf")]
    [InlineData("NaN")]
    [InlineData("1e9999")]
    [InlineData("1234567890123456")]
    [InlineData("1e23")]
    [InlineData("1e-23")]
    [InlineData("3.4028235e38")]
    public void TryParse_OtherForms_Declines(string text)
    {
        Assert.False(FastDecimal.TryParse(text, out _));
    }

    private static string RandomDecimal(Random random)
    {
        string sign = random.Next(4) switch { 0 => "-", 1 => "+", _ => string.Empty };
        string integer = Digits(random, random.Next(0, 9));
        string fraction = random.Next(5) == 0 ? string.Empty : "." + Digits(random, random.Next(0, 9));
        if (integer.Length == 0 && fraction.Length < 2)
        {
            integer = "0";
        }

        string exponent = random.Next(3) == 0 ? "e" + (random.Next(2) == 0 ? "-" : string.Empty) + random.Next(0, 16).ToString(CultureInfo.InvariantCulture) : string.Empty;
        return sign + integer + fraction + exponent;
    }

    private static string Digits(Random random, int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + random.Next(10))));
}
