using System.Numerics;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// One arbitrary-precision integer per element that stores, exactly, the digits an integer division
/// discards (Maclaurin, Duvenaud and Adams 2015, "information buffer").
/// </summary>
/// <remarks>
/// <see cref="Push"/> appends a digit r in base m (B ← B·m + r); <see cref="Pop"/> removes one
/// (r = B mod m, B ← ⌊B / m⌋). Pushing in one base and popping in another is a bijection on the
/// integers, so a sequence of pushes and pops is undone exactly by the mirrored sequence. Values stay in
/// a 64-bit word while they are small and become <see cref="BigInteger"/>s when they grow.
/// </remarks>
internal sealed class InformationBuffer
{
    private readonly ulong[] small;
    private readonly BigInteger?[] big;
    private int bigCount;

    public InformationBuffer(int count)
    {
        small = new ulong[count];
        big = new BigInteger?[count];
    }

    /// <summary>The largest value an element may hold in its 64-bit word before a push moves it to a <see cref="BigInteger"/>.</summary>
    public const ulong SmallLimit = 1UL << 38;

    /// <summary>Gets the number of elements.</summary>
    public int Count => small.Length;

    /// <summary>Gets whether every element is held in its 64-bit word (none has grown into a <see cref="BigInteger"/>), so that <see cref="Words"/> holds the whole buffer.</summary>
    public bool AllSmall => bigCount == 0;

    /// <summary>
    /// Gets the elements' 64-bit words, for the vectorized base-2 pushes and pops of <see cref="FixedPointSgd"/>: valid as
    /// the elements' values only while <see cref="AllSmall"/>; a caller that writes them must keep each below
    /// <see cref="SmallLimit"/> (a push that would pass it goes through <see cref="Push"/>).
    /// </summary>
    public Span<ulong> Words => small;

    /// <summary>Gets whether every element is zero (the state before any push).</summary>
    public bool IsEmpty => small.All(v => v == 0) && big.All(b => b is null);

    /// <summary>Gets the total number of bits stored (the sum of each element's bit length).</summary>
    public long TotalBits
    {
        get
        {
            long bits = 0;
            for (int i = 0; i < small.Length; i++)
            {
                bits += big[i] is BigInteger b ? (long)b.GetBitLength() : 64 - BitOperations.LeadingZeroCount(small[i]);
            }

            return bits;
        }
    }

    /// <summary>Appends digit <paramref name="digit"/> in base <paramref name="modulus"/> to element <paramref name="index"/>.</summary>
    public void Push(int index, long digit, long modulus)
    {
        if (big[index] is BigInteger b)
        {
            big[index] = (b * modulus) + digit;
        }
        else if (small[index] < SmallLimit && modulus <= (1L << 25))
        {
            small[index] = (small[index] * (ulong)modulus) + (ulong)digit;
        }
        else
        {
            big[index] = (new BigInteger(small[index]) * modulus) + digit;
            small[index] = 0;
            bigCount++;
        }
    }

    /// <summary>Removes a digit in base <paramref name="modulus"/> from element <paramref name="index"/>.</summary>
    /// <returns>The digit, in [0, modulus).</returns>
    public long Pop(int index, long modulus)
    {
        if (big[index] is BigInteger b)
        {
            BigInteger quotient = BigInteger.DivRem(b, modulus, out BigInteger remainder);
            if (quotient < SmallLimit)
            {
                small[index] = (ulong)quotient;
                big[index] = null;
                bigCount--;
            }
            else
            {
                big[index] = quotient;
            }

            return (long)remainder;
        }

        ulong value = small[index];
        if (modulus == 2)
        {
            small[index] = value >> 1;
            return (long)(value & 1);
        }

        ulong rest = value / (ulong)modulus;
        small[index] = rest;
        return (long)(value - (rest * (ulong)modulus));
    }
}
