namespace MLNet.HyperGrad.Tuners;

/// <summary>Derives independent, reproducible seeds from a study seed and a trial number (SplitMix64).</summary>
public static class SeedMixer
{
    /// <summary>A seed for stream <paramref name="index"/> of a study seeded with <paramref name="seed"/>.</summary>
    /// <param name="seed">The study's seed.</param>
    /// <param name="index">The trial number, or any other stream index.</param>
    /// <returns>A non-negative 31-bit seed.</returns>
    public static int Mix(int seed, long index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
