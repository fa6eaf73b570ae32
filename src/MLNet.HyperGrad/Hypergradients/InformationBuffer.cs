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
    private const ulong SmallLimit = 1UL << 38;
    private readonly ulong[] small;
    private readonly BigInteger?[] big;

    public InformationBuffer(int count)
    {
        small = new ulong[count];
        big = new BigInteger?[count];
    }

    /// <summary>Gets the number of elements.</summary>
    public int Count => small.Length;

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
            }
            else
            {
                big[index] = quotient;
            }

            return (long)remainder;
        }

        ulong value = small[index];
        small[index] = value / (ulong)modulus;
        return (long)(value % (ulong)modulus);
    }
}
