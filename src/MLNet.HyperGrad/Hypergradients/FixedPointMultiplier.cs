namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// Exact multiplication of fixed-point integers by a rational n/d, d = 2^D, 1 ≤ n ≤ d, in 64-bit integer arithmetic,
/// and its inverse given the digit that the floor discards (the core of <see cref="FixedPointSgd"/>).
/// </summary>
/// <remarks>
/// y = ⌊x·n/d⌋ is computed without a 128-bit product by splitting x = x_h·d + x_l (x_h = x &gt;&gt; D, arithmetic;
/// 0 ≤ x_l &lt; d): x·n = x_h·n·d + x_l·n, so y = x_h·n + ⌊x_l·n / d⌋, and the remainder s = (x·n) mod d = (x_l·n) mod d.
/// The integers x' with ⌊x'·n/d⌋ = y are x − ⌊s/n⌋ … x + ⌊(d − 1 − s)/n⌋: their number m (the modulus) is
/// ⌊s/n⌋ + ⌊(d − 1 − s)/n⌋ + 1 and x's index among them (the digit) is ⌊s/n⌋. Those two quotients have 32-bit operands and
/// are taken by a multiply-high with a precomputed reciprocal (Lemire, Kaser and Kurz 2019, "Faster remainder by direct
/// computation": ⌊a/n⌋ = ⌊M·a / 2^64⌋ with M = ⌊(2^64 − 1)/n⌋ + 1, exact for all 32-bit a and n). Going back, the
/// first preimage ⌈y·d/n⌉ is estimated in float64 and corrected with the forward map (nondecreasing in steps of 0 or 1
/// since n ≤ d), or, when it is 2^52 or more in magnitude, found by integer division (y = q·n + r:
/// ⌈y·d/n⌉ = q·d + ⌈r·d/n⌉). Every intermediate stays below 2^63 for |x| &lt; 2^62 and D ≤ 30; results equal the 128-bit
/// definitions exactly (property tests against a reference on random and edge values).
/// </remarks>
internal readonly struct FixedPointMultiplier
{
    /// <summary>The largest denominator exponent D supported.</summary>
    public const int MaxDenominatorBits = 30;

    private const double FastLimit = 4503599627370496.0; // 2^52
    private readonly long numerator;
    private readonly int bits;
    private readonly long mask;
    private readonly ulong reciprocal;
    private readonly double ratio;

    /// <summary>Creates the multiplier by n / 2^D.</summary>
    /// <param name="numerator">n, 1 ≤ n ≤ 2^D.</param>
    /// <param name="denominatorBits">D, 1 … <see cref="MaxDenominatorBits"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">D or n is out of range.</exception>
    public FixedPointMultiplier(long numerator, int denominatorBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(denominatorBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(denominatorBits, MaxDenominatorBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(numerator, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numerator, 1L << denominatorBits);
        this.numerator = numerator;
        bits = denominatorBits;
        mask = (1L << denominatorBits) - 1;
        reciprocal = numerator == 1 ? 0 : (ulong.MaxValue / (ulong)numerator) + 1;
        ratio = Math.ScaleB(1.0, denominatorBits) / numerator;
    }

    /// <summary>Gets n.</summary>
    public long Numerator => numerator;

    /// <summary>Gets D.</summary>
    public int DenominatorBits => bits;

    /// <summary>Gets 2^D − 1.</summary>
    public long Mask => mask;

    /// <summary>Gets 2^D / n in float64 (the first preimage's estimate).</summary>
    public double Ratio => ratio;

    /// <summary>Gets whether n &gt; 2^D / 2, so that every product has one or two preimages (a modulus of 1 or 2, digits 0 or 1): momenta above 1/2.</summary>
    public bool AtMostTwoPreimages => 2 * numerator > (1L << bits);

    /// <summary>y = ⌊x·n / 2^D⌋, with x's index among the integers of that floor and their number.</summary>
    /// <param name="x">The fixed-point value, |x| &lt; 2^62.</param>
    /// <param name="digit">x − ⌈y·2^D/n⌉, in [0, modulus).</param>
    /// <param name="modulus">The number of integers x' with ⌊x'·n / 2^D⌋ = y (1 when nothing is lost).</param>
    /// <returns>y.</returns>
    public long MultiplyFloor(long x, out long digit, out long modulus)
    {
        long product = (x & mask) * numerator;
        uint s = (uint)(product & mask);
        uint below = Divide(s);
        digit = below;
        modulus = below + Divide((uint)mask - s) + 1;
        return ((x >> bits) * numerator) + (product >> bits);
    }

    /// <summary>The first integer x with ⌊x·n / 2^D⌋ = y, and how many there are.</summary>
    /// <param name="y">The product, |y| &lt; 2^62.</param>
    /// <param name="modulus">The number of integers x with ⌊x·n / 2^D⌋ = y.</param>
    /// <returns>⌈y·2^D / n⌉.</returns>
    /// <exception cref="OverflowException">The result does not fit in 64 bits (y was not the product of a valid x).</exception>
    public long FirstPreimage(long y, out long modulus)
    {
        double estimate = Math.Ceiling(y * ratio);
        if (Math.Abs(estimate) < FastLimit)
        {
            long x = (long)estimate;
            while (Floor(x) < y)
            {
                x++;
            }

            while (Floor(x - 1) >= y)
            {
                x--;
            }

            uint s = (uint)(((x & mask) * numerator) & mask);
            modulus = Divide((uint)mask - s) + 1;
            return x;
        }

        long q = y / numerator;
        long r = y - (q * numerator);
        if (r < 0)
        {
            q--;
            r += numerator;
        }

        long first = CeilDivide(r << bits, numerator);
        modulus = CeilDivide((r + 1) << bits, numerator) - first;
        return checked((q * (1L << bits)) + first);
    }

    // ⌈a / b⌉ for a ≥ 0, b > 0.
    private static long CeilDivide(long a, long b) => (long)(((ulong)a + (ulong)b - 1) / (ulong)b);

    // ⌊x·n / d⌋ for |x| < 2^62.
    private long Floor(long x) => ((x >> bits) * numerator) + (((x & mask) * numerator) >> bits);

    // ⌊a / n⌋ for a < 2^32 (Lemire, Kaser and Kurz 2019).
    private uint Divide(uint a) => reciprocal == 0 ? a : (uint)Math.BigMul(reciprocal, a, out _);
}
