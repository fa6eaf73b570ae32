namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Exact multiplication of a fixed-point integer by a rational n/d, d = 2^D, in 64-bit integer arithmetic, and its
/// inverse given the digit that the floor discards (the core of <see cref="FixedPointSgd"/>).
/// </summary>
/// <remarks>
/// y = ⌊x·n/d⌋ is computed without a 128-bit product by splitting x = x_h·d + x_l (x_h = x &gt;&gt; D arithmetic,
/// 0 ≤ x_l &lt; d): x·n = x_h·n·d + x_l·n, so y = x_h·n + ⌊x_l·n / d⌋ and the remainder s = (x·n) mod d = (x_l·n) mod d.
/// The integers x' with ⌊x'·n/d⌋ = y are x − ⌊s/n⌋ … x + ⌊(d − 1 − s)/n⌋: their number m (the modulus) is
/// ⌊s/n⌋ + ⌊(d − 1 − s)/n⌋ + 1 and x's index among them (the digit) is ⌊s/n⌋. Going back, the first of them is
/// ⌈y·d/n⌉ = q·d + ⌈r·d/n⌉ with y = q·n + r, 0 ≤ r &lt; n, and m = ⌈(r + 1)·d/n⌉ − ⌈r·d/n⌉. Every intermediate is
/// below 2^62 for |x| &lt; 2^62, 1 ≤ n ≤ d and D ≤ 30, and the results equal the 128-bit definitions exactly (property
/// tests against a reference on random and edge values).
/// </remarks>
internal static class FixedPointArithmetic
{
    /// <summary>The largest denominator exponent D supported.</summary>
    public const int MaxDenominatorBits = 30;

    /// <summary>y = ⌊x·n / 2^D⌋, with x's index among the integers of that floor and their number.</summary>
    /// <param name="x">The fixed-point value, |x| &lt; 2^62.</param>
    /// <param name="numerator">n, 1 ≤ n ≤ 2^D.</param>
    /// <param name="denominatorBits">D, 1 … <see cref="MaxDenominatorBits"/>.</param>
    /// <param name="digit">x − ⌈y·2^D/n⌉, in [0, modulus).</param>
    /// <param name="modulus">The number of integers x' with ⌊x'·n / 2^D⌋ = y (1 when nothing is lost).</param>
    /// <returns>y.</returns>
    public static long MultiplyFloor(long x, long numerator, int denominatorBits, out long digit, out long modulus)
    {
        long mask = (1L << denominatorBits) - 1;
        long product = (x & mask) * numerator;
        uint s = (uint)(product & mask);
        uint n = (uint)numerator;
        uint below = s / n;
        digit = below;
        modulus = below + (((uint)mask - s) / n) + 1;
        return ((x >> denominatorBits) * numerator) + (product >> denominatorBits);
    }

    /// <summary>The first integer x with ⌊x·n / 2^D⌋ = y, and how many there are.</summary>
    /// <param name="y">The product, |y| &lt; 2^62.</param>
    /// <param name="numerator">n, 1 ≤ n ≤ 2^D.</param>
    /// <param name="denominatorBits">D, 1 … <see cref="MaxDenominatorBits"/>.</param>
    /// <param name="modulus">The number of integers x with ⌊x·n / 2^D⌋ = y.</param>
    /// <returns>⌈y·2^D / n⌉.</returns>
    /// <exception cref="OverflowException">The result does not fit in 64 bits (y was not a product of a valid x).</exception>
    public static long FirstPreimage(long y, long numerator, int denominatorBits, out long modulus)
    {
        long q = y / numerator;
        long r = y - (q * numerator);
        if (r < 0)
        {
            q--;
            r += numerator;
        }

        long first = CeilDivide(r << denominatorBits, numerator);
        modulus = CeilDivide((r + 1) << denominatorBits, numerator) - first;
        return checked((q * (1L << denominatorBits)) + first);
    }

    // ⌈a / b⌉ for a ≥ 0, b > 0.
    private static long CeilDivide(long a, long b) => (long)(((ulong)a + (ulong)b - 1) / (ulong)b);
}
