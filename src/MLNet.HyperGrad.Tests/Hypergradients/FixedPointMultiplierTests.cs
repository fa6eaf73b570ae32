using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class FixedPointMultiplierTests
{
    private const long Limit = 1L << 62;

    public static TheoryData<int> DenominatorBits => [1, 2, 3, 13, 24, 30];

    [Theory]
    [MemberData(nameof(DenominatorBits))]
    public void MultiplyFloor_RandomAndEdgeValues_EqualsInt128Reference(int bits)
    {
        long d = 1L << bits;
        var random = new Random(bits);
        int checkedCount = 0;
        foreach (long n in Numerators(d, random))
        {
            var multiplier = new FixedPointMultiplier(n, bits);
            foreach (long x in Values(d, n, random))
            {
                long expected = ReferenceMultiply(x, n, d, out long expectedDigit, out long expectedModulus);
                long y = multiplier.MultiplyFloor(x, out long digit, out long modulus);
                Assert.True(expected == y && expectedDigit == digit && expectedModulus == modulus, $"n = {n}, d = 2^{bits}, x = {x}: got y {y}, digit {digit}, modulus {modulus}; expected {expected}, {expectedDigit}, {expectedModulus}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 500, $"only {checkedCount} cases");
    }

    [Theory]
    [MemberData(nameof(DenominatorBits))]
    public void FirstPreimage_ProductsOfRandomAndEdgeValues_EqualsInt128ReferenceAndUndoesMultiplyFloor(int bits)
    {
        long d = 1L << bits;
        var random = new Random(100 + bits);
        foreach (long n in Numerators(d, random))
        {
            var multiplier = new FixedPointMultiplier(n, bits);
            foreach (long x in Values(d, n, random))
            {
                long y = multiplier.MultiplyFloor(x, out long digit, out long modulus);
                Assert.Equal(x, multiplier.FirstPreimage(y, out long back) + digit);
                Assert.Equal(modulus, back);

                // Neighbouring products too, where they are products of values in range (this covers both the float64
                // estimate and the integer-division path: |y·d/n| above and below 2^52).
                foreach (long z in new[] { y - 1, y + 1 })
                {
                    Int128 expectedFirst = ReferenceFirst(z, n, d, out long expectedModulus);
                    if (Int128.Abs(expectedFirst) >= Limit - d)
                    {
                        continue;
                    }

                    long first = multiplier.FirstPreimage(z, out long m);
                    Assert.True(expectedFirst == first && expectedModulus == m, $"n = {n}, d = 2^{bits}, y = {z}: got first {first}, modulus {m}; expected {expectedFirst}, {expectedModulus}");
                }
            }
        }
    }

    [Theory]
    [InlineData(0L, 24)]
    [InlineData(1L << 24, 23)]
    [InlineData(5L, 0)]
    [InlineData(5L, 31)]
    public void Constructor_OutOfRange_ThrowsArgumentOutOfRange(long numerator, int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointMultiplier(numerator, bits));
    }

    // 1, 2, 3, d/2, d/2 + 1, d − 1, d, the momenta 0.5, 0.9, 0.99, 0.999 as n/d, and random numerators (those in 1 … d).
    private static IEnumerable<long> Numerators(long d, Random random)
    {
        long[] fixedOnes = [1, 2, 3, d / 2, (d / 2) + 1, d - 1, d, (long)Math.Round(0.5 * d), (long)Math.Round(0.9 * d), (long)Math.Round(0.99 * d), (long)Math.Round(0.999 * d)];
        IEnumerable<long> randomOnes = Enumerable.Range(0, 6).Select(_ => random.NextInt64(1, d + 1));
        return fixedOnes.Concat(randomOnes).Where(n => n >= 1 && n <= d).Distinct();
    }

    // Zero, ±1, ±2, multiples of d and their neighbours, the extremes ±(2^62 − 1), values around where |x| crosses 2^52,
    // and random values of every magnitude 2^0 … 2^61, both signs.
    private static IEnumerable<long> Values(long d, long n, Random random)
    {
        var values = new List<long> { 0, 1, -1, 2, -2, d - 1, d, d + 1, -d, -d - 1, -d + 1, Limit - 1, -(Limit - 1), Limit - d, -(Limit - d) };
        foreach (long edge in new[] { 1L << 52, (long)((1L << 52) * (double)n / d) })
        {
            for (long k = -3; k <= 3; k++)
            {
                values.Add(edge + k);
                values.Add(-edge + k);
            }
        }

        for (int magnitude = 0; magnitude < 62; magnitude++)
        {
            for (int k = 0; k < 4; k++)
            {
                long v = random.NextInt64(1L << magnitude, magnitude == 61 ? Limit : 2L << magnitude);
                values.Add(random.Next(2) == 0 ? v : -v);
            }
        }

        return values.Where(v => Math.Abs(v) < Limit);
    }

    // The definitions in 128-bit arithmetic (the implementation FixedPointSgd had before FixedPointMultiplier).
    private static long ReferenceMultiply(long x, long n, long d, out long digit, out long modulus)
    {
        Int128 product = (Int128)x * n;
        Int128 y = FloorDivide(product, d);
        Int128 first = CeilDivide(y * d, n);
        modulus = (long)(CeilDivide((y + 1) * d, n) - first);
        digit = (long)(x - first);
        return (long)y;
    }

    private static Int128 ReferenceFirst(long y, long n, long d, out long modulus)
    {
        Int128 first = CeilDivide((Int128)y * d, n);
        modulus = (long)(CeilDivide(((Int128)y + 1) * d, n) - first);
        return first;
    }

    private static Int128 FloorDivide(Int128 a, long b)
    {
        Int128 q = Int128.DivRem(a, b).Quotient;
        return q * b > a ? q - 1 : q;
    }

    private static Int128 CeilDivide(Int128 a, long b)
    {
        Int128 q = Int128.DivRem(a, b).Quotient;
        return q * b < a ? q + 1 : q;
    }
}
