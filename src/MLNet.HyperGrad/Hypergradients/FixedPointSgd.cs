using System.Globalization;
using System.Numerics;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// SGD with momentum on fixed-point weights and velocities, exactly reversible (Maclaurin, Duvenaud
/// and Adams 2015, "Gradient-based hyperparameter optimization through reversible learning").
/// </summary>
/// <remarks>
/// A value x is the int64 round(x·2^F). A forward step is v ← ⌊(n/d)·v⌋ + [g], w ← w − [η·v], where
/// [·] rounds to fixed point and n/d ≈ μ with d = 2^D. Adding a rounded quantity is undone by
/// subtracting the same quantity (computed again from the same inputs); the floor of the product by
/// n/d maps m(y) ∈ {⌊d/n⌋, ⌈d/n⌉} integers to the same y, and which one it was is pushed on the
/// <see cref="InformationBuffer"/> in base m(y) (nothing when m(y) = 1). So only about log2(d/n) bits
/// per element and step are kept, and the rounding error is below one unit of 2^−F. The integer work is 64-bit
/// (<see cref="FixedPointMultiplier"/>: shifts, masks and multiply-highs by a reciprocal, no 128-bit arithmetic
/// and no division on the usual path) over the flat arrays, and the value accessors write into caller buffers, so a step allocates nothing
/// but the buffer's growth.
/// </remarks>
internal sealed class FixedPointSgd
{
    private const long Limit = 1L << 62;
    private readonly double scale;
    private readonly double inverseScale;

    public FixedPointSgd(double[] initialWeights, int fractionBits)
    {
        scale = Math.ScaleB(1.0, fractionBits);
        inverseScale = Math.ScaleB(1.0, -fractionBits);
        Weights = new long[initialWeights.Length];
        Velocities = new long[initialWeights.Length];
        Buffer = new InformationBuffer(initialWeights.Length);
        for (int i = 0; i < initialWeights.Length; i++)
        {
            Weights[i] = ToFixed(initialWeights[i], "initial weight", i);
        }
    }

    public long[] Weights { get; }

    public long[] Velocities { get; }

    public InformationBuffer Buffer { get; }

    public double[] WeightValues()
    {
        double[] values = new double[Weights.Length];
        WeightValues(values);
        return values;
    }

    public double[] VelocityValues()
    {
        double[] values = new double[Velocities.Length];
        VelocityValues(values);
        return values;
    }

    /// <summary>Writes the weights' values into <paramref name="target"/> (as long as the weights).</summary>
    public void WeightValues(Span<double> target) => ToValues(Weights, target);

    /// <summary>Writes the velocities' values into <paramref name="target"/> (as long as the velocities).</summary>
    public void VelocityValues(Span<double> target) => ToValues(Velocities, target);

    /// <summary>v ← ⌊(n/d)·v⌋ + [g].</summary>
    /// <param name="gradient">g, one per element.</param>
    /// <param name="numerator">n, 1 ≤ n ≤ d.</param>
    /// <param name="denominator">d, a power of two up to 2^30.</param>
    /// <returns>The checksum of the rounded gradient [g] (<see cref="GradientChecksum"/>).</returns>
    public ulong VelocityStep(ReadOnlySpan<double> gradient, long numerator, long denominator)
    {
        if (gradient.Length != Velocities.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The gradient must hold {Velocities.Length} values; got {gradient.Length}."), nameof(gradient));
        }

        return VelocityStep(gradient, 0, Multiplier(numerator, denominator), ChecksumSeed);
    }

    /// <summary>
    /// <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/> for the elements offset … offset + part's length − 1 only,
    /// for a gradient held in several pieces (one per weight tensor): call it for the pieces in order, the first with
    /// <see cref="ChecksumSeed"/> and each next with the checksum the last returned.
    /// </summary>
    /// <param name="gradientPart">g for those elements.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="multiplier">n/d (<see cref="Multiplier"/>).</param>
    /// <param name="checksum">The running checksum.</param>
    /// <returns>The running checksum after these elements.</returns>
    public ulong VelocityStep(ReadOnlySpan<double> gradientPart, int offset, FixedPointMultiplier multiplier, ulong checksum)
    {
        Span<long> velocities = Velocities.AsSpan(offset, gradientPart.Length);
        for (int j = 0; j < velocities.Length; j++)
        {
            long y = multiplier.MultiplyFloor(velocities[j], out long digit, out long modulus);
            if (modulus > 1)
            {
                Buffer.Push(offset + j, digit, modulus);
            }

            long g = ToFixed(gradientPart[j], "gradient", offset + j);
            checksum = Mix(checksum, g);
            velocities[j] = checked(y + g);
        }

        return checksum;
    }

    /// <summary>Rounds a piece of a gradient to fixed point (into <paramref name="rounded"/>, the same elements) and continues its checksum, as <see cref="GradientChecksum"/> computes it over the whole.</summary>
    /// <param name="gradientPart">g for the elements offset … offset + length − 1.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="rounded">[g] for every element; this piece's part is written.</param>
    /// <param name="checksum">The running checksum (<see cref="ChecksumSeed"/> for the first piece).</param>
    /// <returns>The running checksum after these elements.</returns>
    public ulong RoundGradient(ReadOnlySpan<double> gradientPart, int offset, Span<long> rounded, ulong checksum)
    {
        Span<long> target = rounded.Slice(offset, gradientPart.Length);
        for (int j = 0; j < target.Length; j++)
        {
            long g = ToFixed(gradientPart[j], "gradient", offset + j);
            target[j] = g;
            checksum = Mix(checksum, g);
        }

        return checksum;
    }

    /// <summary>
    /// Undoes <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/> given the rounded gradient [g] (<see cref="RoundGradient"/>),
    /// and returns Σ_i adjoint_i · v_i over the velocity values after the undo (the reverse pass's momentum adjoint, in the
    /// same pass).
    /// </summary>
    /// <param name="rounded">[g], one per element.</param>
    /// <param name="numerator">n.</param>
    /// <param name="denominator">d.</param>
    /// <param name="adjoint">One per element.</param>
    /// <returns>Σ_i adjoint_i · v_i, summed in element order.</returns>
    public double UndoVelocityStep(ReadOnlySpan<long> rounded, long numerator, long denominator, ReadOnlySpan<double> adjoint)
    {
        FixedPointMultiplier multiplier = Multiplier(numerator, denominator);
        long[] velocities = Velocities;
        double dot = 0;
        for (int i = 0; i < velocities.Length; i++)
        {
            long first = multiplier.FirstPreimage(checked(velocities[i] - rounded[i]), out long modulus);
            long v = modulus > 1 ? checked(first + Buffer.Pop(i, modulus)) : first;
            velocities[i] = v;
            dot += adjoint[i] * (v * inverseScale);
        }

        return dot;
    }

    /// <summary>
    /// Undoes <see cref="WeightStep"/> for the elements offset … offset + values' length − 1, writes their weight values
    /// into <paramref name="values"/>, and adds Σ adjoint_i · v_i over their velocity values (which the undo leaves as
    /// they are) to <paramref name="dot"/>, in element order: the reverse pass's learning-rate adjoint in the same pass.
    /// </summary>
    /// <param name="learningRate">η, as the step used it.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="values">The weights' values after the undo (for example a weight tensor's memory).</param>
    /// <param name="adjoint">One per element (all elements).</param>
    /// <param name="dot">The running sum.</param>
    public void UndoWeightStep(double learningRate, int offset, Span<double> values, ReadOnlySpan<double> adjoint, ref double dot)
    {
        for (int j = 0; j < values.Length; j++)
        {
            int i = offset + j;
            double v = Velocities[i] * inverseScale;
            dot += adjoint[i] * v;
            long w = checked(Weights[i] + ToFixed(learningRate * v, "weight step", i));
            Weights[i] = w;
            values[j] = w * inverseScale;
        }
    }

    /// <summary>Writes the weights' values for the elements offset … offset + target's length − 1 into <paramref name="target"/>.</summary>
    public void WeightValues(int offset, Span<double> target)
    {
        ReadOnlySpan<long> source = Weights.AsSpan(offset, target.Length);
        for (int j = 0; j < target.Length; j++)
        {
            target[j] = source[j] * inverseScale;
        }
    }

    /// <summary>
    /// A 64-bit checksum of the rounded gradient [g], as <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/> returns it: the same rounded values
    /// give the same checksum, and two that differ in one element always give different ones (each element's mixing
    /// step is a bijection of the running value), so a reverse pass can tell whether its recomputed gradient would undo
    /// the step exactly.
    /// </summary>
    /// <param name="gradient">g, one per element.</param>
    /// <returns>The checksum.</returns>
    public ulong GradientChecksum(ReadOnlySpan<double> gradient)
    {
        ulong checksum = ChecksumSeed;
        for (int i = 0; i < gradient.Length; i++)
        {
            checksum = Mix(checksum, ToFixed(gradient[i], "gradient", i));
        }

        return checksum;
    }

    /// <summary>Undoes <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/>, given the same gradient.</summary>
    public void UndoVelocityStep(ReadOnlySpan<double> gradient, long numerator, long denominator)
    {
        FixedPointMultiplier multiplier = Multiplier(numerator, denominator);
        long[] velocities = Velocities;
        for (int i = 0; i < velocities.Length; i++)
        {
            long first = multiplier.FirstPreimage(checked(velocities[i] - ToFixed(gradient[i], "gradient", i)), out long modulus);
            velocities[i] = modulus > 1 ? checked(first + Buffer.Pop(i, modulus)) : first;
        }
    }

    /// <summary>w ← w − [η·v].</summary>
    public void WeightStep(double learningRate)
    {
        for (int i = 0; i < Weights.Length; i++)
        {
            Weights[i] = checked(Weights[i] - ToFixed(learningRate * (Velocities[i] * inverseScale), "weight step", i));
        }
    }

    /// <summary>Undoes <see cref="WeightStep"/> (the velocities must be those after it).</summary>
    public void UndoWeightStep(double learningRate)
    {
        for (int i = 0; i < Weights.Length; i++)
        {
            Weights[i] = checked(Weights[i] + ToFixed(learningRate * (Velocities[i] * inverseScale), "weight step", i));
        }
    }

    /// <summary>The checksum's starting value (of an empty gradient).</summary>
    public const ulong ChecksumSeed = 0x243F6A8885A308D3UL;

    // x ↦ (h ⊕ x)·odd, then an xor-shift: a bijection of h for each x, and of x for each h.
    private static ulong Mix(ulong checksum, long value)
    {
        ulong mixed = (checksum ^ (ulong)value) * 0x9E3779B97F4A7C15UL;
        return mixed ^ (mixed >> 29);
    }

    /// <summary>n/d as a <see cref="FixedPointMultiplier"/>, after checking that d is a power of two in 2 … 2^30 and 1 ≤ n ≤ d.</summary>
    public static FixedPointMultiplier Multiplier(long numerator, long denominator)
    {
        if (denominator < 2 || denominator > (1L << FixedPointMultiplier.MaxDenominatorBits) || (denominator & (denominator - 1)) != 0 || numerator < 1 || numerator > denominator)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The momentum n/d must have d a power of two in 2 … 2^{FixedPointMultiplier.MaxDenominatorBits} and 1 ≤ n ≤ d; got n = {numerator}, d = {denominator}."), nameof(denominator));
        }

        return new FixedPointMultiplier(numerator, BitOperations.Log2((ulong)denominator));
    }

    private void ToValues(long[] source, Span<double> target)
    {
        if (target.Length != source.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The target must hold {source.Length} values; got {target.Length}."), nameof(target));
        }

        for (int i = 0; i < source.Length; i++)
        {
            target[i] = source[i] * inverseScale;
        }
    }

    private long ToFixed(double value, string what, int index)
    {
        double scaled = Math.Round(value * scale);
        if (!double.IsFinite(scaled) || Math.Abs(scaled) >= Limit)
        {
            throw new HyperGradException(string.Create(CultureInfo.InvariantCulture, $"Exact reversal: {what} {index} is {value}, outside the fixed-point range ±{Limit * inverseScale} (the inner training diverged; lower the learning rate or the fraction bits)."));
        }

        return (long)scaled;
    }
}
