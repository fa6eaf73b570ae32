using System.Globalization;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>The Sobol low-discrepancy sequence in up to 40 dimensions (Joe-Kuo direction numbers), optionally digitally shifted.</summary>
/// <remarks>
/// <para>
/// Sobol (1967); direction numbers from Joe and Kuo (2008), file <c>new-joe-kuo-6.21201</c> (dimension 1 is
/// the van der Corput sequence in base 2, dimensions 2-40 as in the file's first 39 rows, the table PyTorch's
/// <c>SobolEngine</c> and SciPy use), 32-bit precision. Point <c>i</c> is the natural-order point: the XOR of the
/// direction numbers at the set bits of <c>i</c> (Bratley and Fox 1988), so any index is reached directly.
/// The first <c>2^m</c> points of every dimension fall one in each interval <c>[k/2^m, (k+1)/2^m)</c>.
/// </para>
/// <para>
/// Scrambling is a seeded random digital shift (each dimension's bits XORed with one random 32-bit word), which keeps
/// that stratification, removes the all-zero first point and makes independent replicates. Dimensions beyond 40 are
/// filled with seeded uniform random numbers (no low-discrepancy guarantee there). Values lie in [0, 1).
/// Immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class SobolSequence
{
    /// <summary>The number of dimensions that have direction numbers; later ones are seeded random.</summary>
    public const int MaxSobolDimension = 40;

    private const int Bits = 32;

    // (s, a, m_1..m_s) per dimension from 2: the degree of the primitive polynomial, its inner coefficients, the initial direction numbers.
    private static readonly (int S, int A, int[] M)[] JoeKuo =
    [
        (1, 0, [1]), // dimension 2
        (2, 1, [1, 3]), // dimension 3
        (3, 1, [1, 3, 1]), // dimension 4
        (3, 2, [1, 1, 1]), // dimension 5
        (4, 1, [1, 1, 3, 3]), // dimension 6
        (4, 4, [1, 3, 5, 13]), // dimension 7
        (5, 2, [1, 1, 5, 5, 17]), // dimension 8
        (5, 4, [1, 1, 5, 5, 5]), // dimension 9
        (5, 7, [1, 1, 7, 11, 19]), // dimension 10
        (5, 11, [1, 1, 5, 1, 1]), // dimension 11
        (5, 13, [1, 1, 1, 3, 11]), // dimension 12
        (5, 14, [1, 3, 5, 5, 31]), // dimension 13
        (6, 1, [1, 3, 3, 9, 7, 49]), // dimension 14
        (6, 13, [1, 1, 1, 15, 21, 21]), // dimension 15
        (6, 16, [1, 3, 1, 13, 27, 49]), // dimension 16
        (6, 19, [1, 1, 1, 15, 7, 5]), // dimension 17
        (6, 22, [1, 3, 1, 15, 13, 25]), // dimension 18
        (6, 25, [1, 1, 5, 5, 19, 61]), // dimension 19
        (7, 1, [1, 3, 7, 11, 23, 15, 103]), // dimension 20
        (7, 4, [1, 3, 7, 13, 13, 15, 69]), // dimension 21
        (7, 7, [1, 1, 3, 13, 7, 35, 63]), // dimension 22
        (7, 8, [1, 3, 5, 9, 1, 25, 53]), // dimension 23
        (7, 14, [1, 3, 1, 13, 9, 35, 107]), // dimension 24
        (7, 19, [1, 3, 1, 5, 27, 61, 31]), // dimension 25
        (7, 21, [1, 1, 5, 11, 19, 41, 61]), // dimension 26
        (7, 28, [1, 3, 5, 3, 3, 13, 69]), // dimension 27
        (7, 31, [1, 1, 7, 13, 1, 19, 1]), // dimension 28
        (7, 32, [1, 3, 7, 5, 13, 19, 59]), // dimension 29
        (7, 37, [1, 1, 3, 9, 25, 29, 41]), // dimension 30
        (7, 41, [1, 3, 5, 13, 23, 1, 55]), // dimension 31
        (7, 42, [1, 3, 7, 3, 13, 59, 17]), // dimension 32
        (7, 50, [1, 3, 1, 3, 5, 53, 69]), // dimension 33
        (7, 55, [1, 1, 5, 5, 23, 33, 13]), // dimension 34
        (7, 56, [1, 1, 7, 7, 1, 61, 123]), // dimension 35
        (7, 59, [1, 1, 7, 9, 13, 61, 49]), // dimension 36
        (7, 62, [1, 3, 3, 5, 3, 55, 33]), // dimension 37
        (8, 14, [1, 3, 1, 15, 31, 13, 49, 245]), // dimension 38
        (8, 21, [1, 3, 5, 15, 31, 59, 63, 97]), // dimension 39
        (8, 22, [1, 3, 1, 11, 11, 11, 77, 249]), // dimension 40
    ];

    private readonly uint[][] directions;
    private readonly uint[] shifts;
    private readonly int seed;

    /// <summary>Creates a sequence.</summary>
    /// <param name="dimension">The number of dimensions, at least 1.</param>
    /// <param name="seed">The seed of the digital shift (and of the dimensions beyond 40).</param>
    /// <param name="scramble">Whether to apply the seeded digital shift; false gives the plain sequence, whose point 0 is all zeros.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is below 1.</exception>
    public SobolSequence(int dimension, int seed = 0, bool scramble = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        IsScrambled = scramble;
        this.seed = seed;
        int sobolDims = Math.Min(dimension, MaxSobolDimension);
        directions = new uint[sobolDims][];
        for (int j = 0; j < sobolDims; j++)
        {
            directions[j] = Directions(j);
        }

        shifts = new uint[sobolDims];
        if (scramble)
        {
            var random = new Random(seed);
            for (int j = 0; j < sobolDims; j++)
            {
                shifts[j] = (uint)random.NextInt64(0, 1L << 32);
            }
        }
    }

    /// <summary>Gets the number of dimensions.</summary>
    public int Dimension { get; }

    /// <summary>Gets a value indicating whether the sequence is digitally shifted.</summary>
    public bool IsScrambled { get; }

    /// <summary>Point <paramref name="index"/> of the sequence.</summary>
    /// <param name="index">The index, in [0, 2^32).</param>
    /// <returns><see cref="Dimension"/> values in [0, 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or 2^32 or more.</exception>
    public double[] Point(long index)
    {
        if (index < 0 || index >= (1L << Bits))
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, string.Create(CultureInfo.InvariantCulture, $"The index must be in [0, 2^{Bits}), got {index}."));
        }

        double[] point = new double[Dimension];
        for (int j = 0; j < directions.Length; j++)
        {
            uint x = shifts[j];
            long i = index;
            for (int bit = 0; i != 0; bit++, i >>= 1)
            {
                if ((i & 1) != 0)
                {
                    x ^= directions[j][bit];
                }
            }

            point[j] = x / 4294967296.0;
        }

        if (Dimension > directions.Length)
        {
            var random = new Random(MLNet.HyperGrad.Tuners.SeedMixer.Mix(seed, index));
            for (int j = directions.Length; j < Dimension; j++)
            {
                point[j] = random.NextDouble();
            }
        }

        return point;
    }

    /// <summary>Points <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1.</summary>
    /// <param name="start">The first index, at least 0.</param>
    /// <param name="count">The number of points, at least 0.</param>
    /// <returns>The points, in index order.</returns>
    public double[][] Points(long start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        double[][] points = new double[count][];
        for (int k = 0; k < count; k++)
        {
            points[k] = Point(start + k);
        }

        return points;
    }

    private static uint[] Directions(int dimension)
    {
        uint[] v = new uint[Bits];
        if (dimension == 0)
        {
            for (int k = 0; k < Bits; k++)
            {
                v[k] = 1u << (Bits - 1 - k);
            }

            return v;
        }

        (int s, int a, int[] m) = JoeKuo[dimension - 1];
        uint[] mm = new uint[Bits];
        for (int k = 0; k < Bits; k++)
        {
            if (k < s)
            {
                mm[k] = (uint)m[k];
                continue;
            }

            uint value = mm[k - s] ^ (mm[k - s] << s);
            for (int i = 1; i < s; i++)
            {
                if (((a >> (s - 1 - i)) & 1) != 0)
                {
                    value ^= mm[k - i] << i;
                }
            }

            mm[k] = value;
        }

        for (int k = 0; k < Bits; k++)
        {
            v[k] = mm[k] << (Bits - 1 - k);
        }

        return v;
    }
}
