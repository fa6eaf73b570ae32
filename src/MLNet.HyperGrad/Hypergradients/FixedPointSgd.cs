using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;

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
/// and no division on the usual path) over the flat arrays, eight elements at a time on 512-bit vectors where the hardware
/// accelerates them (<see cref="Vectorized"/>; base-2 digits by shift and mask when the momentum is above 1/2), and the value
/// accessors write into caller buffers, so a step allocates nothing but the buffer's growth. The checksum of a rounded
/// gradient runs in eight lanes (<see cref="ChecksumLanes"/>) and the adjoint sums in eight partial sums, so the vector and
/// element code give the same bits.
/// </remarks>
internal sealed partial class FixedPointSgd
{
    private const long Limit = 1L << 62;
    private readonly double scale;
    private readonly double inverseScale;

    /// <param name="initialWeights">The initial weights.</param>
    /// <param name="fractionBits">F: a value x is the int64 round(x·2^F).</param>
    /// <param name="vectorized">Whether the element loops use 512-bit vectors (<see cref="Vectorized"/>); null for whether the
    /// hardware accelerates them.</param>
    public FixedPointSgd(double[] initialWeights, int fractionBits, bool? vectorized = null)
    {
        Vectorized = vectorized ?? Vector512.IsHardwareAccelerated;
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

    /// <summary>
    /// Gets whether the element loops work on 512-bit vectors of eight elements (System.Runtime.Intrinsics.Vector512) where
    /// the fast case holds (momentum n/d &gt; 1/2, so at most two preimages and base-2 buffer digits; every value in range;
    /// the buffer in 64-bit words), element by element otherwise. Both give the same bits: the same integers, the same
    /// checksums and the same sums (<see cref="UndoVelocityStep(ReadOnlySpan{long}, long, long, ReadOnlySpan{double})"/>).
    /// </summary>
    public bool Vectorized { get; }

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

        ChecksumLanes lanes = StartChecksum();
        VelocityStep(gradient, 0, Multiplier(numerator, denominator), ref lanes);
        return ChecksumValue(ref lanes);
    }

    /// <summary>
    /// <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/> for the elements offset … offset + part's length − 1 only,
    /// for a gradient held in several pieces (one per weight tensor): call it for the pieces in order, the first with
    /// <see cref="StartChecksum"/>'s lanes, then read the checksum with <see cref="ChecksumValue"/>.
    /// </summary>
    /// <param name="gradientPart">g for those elements.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="multiplier">n/d (<see cref="Multiplier"/>).</param>
    /// <param name="checksum">The running checksum, continued over these elements.</param>
    public void VelocityStep(ReadOnlySpan<double> gradientPart, int offset, FixedPointMultiplier multiplier, ref ChecksumLanes checksum)
    {
        if (offset < 0 || offset + gradientPart.Length > Velocities.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Create(CultureInfo.InvariantCulture, $"Elements {offset} … {offset + gradientPart.Length - 1} are outside the {Velocities.Length} velocities."));
        }

        if (Vectorized && multiplier.AtMostTwoPreimages)
        {
            VelocityStepVectorized(gradientPart, offset, multiplier, ref checksum);
            return;
        }

        for (int j = 0; j < gradientPart.Length; j++)
        {
            VelocityElement(offset + j, gradientPart[j], multiplier, ref checksum);
        }
    }

    /// <summary>Rounds a piece of a gradient to fixed point (into <paramref name="rounded"/>, the same elements) and continues its checksum, as <see cref="GradientChecksum"/> computes it over the whole.</summary>
    /// <param name="gradientPart">g for the elements offset … offset + length − 1.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="rounded">[g] for every element; this piece's part is written.</param>
    /// <param name="checksum">The running checksum (<see cref="StartChecksum"/>'s lanes for the first piece), continued over these elements.</param>
    public void RoundGradient(ReadOnlySpan<double> gradientPart, int offset, Span<long> rounded, ref ChecksumLanes checksum)
    {
        Span<long> target = rounded.Slice(offset, gradientPart.Length);
        if (Vectorized)
        {
            RoundGradientVectorized(gradientPart, offset, target, ref checksum);
            return;
        }

        for (int j = 0; j < target.Length; j++)
        {
            target[j] = RoundElement(offset + j, gradientPart[j], ref checksum);
        }
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
    /// <returns>Σ_i adjoint_i · v_i, summed in <see cref="ChecksumLanes.Width"/> lanes (element i in lane i mod the width, the
    /// elements after the last whole group of the width apart), then the lanes in order, then the rest in order: the same
    /// bits with and without <see cref="Vectorized"/>.</returns>
    public double UndoVelocityStep(ReadOnlySpan<long> rounded, long numerator, long denominator, ReadOnlySpan<double> adjoint)
    {
        FixedPointMultiplier multiplier = Multiplier(numerator, denominator);
        long[] velocities = Velocities;
        Span<double> sums = stackalloc double[ChecksumLanes.Width];
        sums.Clear();
        int body = velocities.Length - (velocities.Length % ChecksumLanes.Width);
        int i = 0;
        if (Vectorized && multiplier.AtMostTwoPreimages)
        {
            i = UndoVelocityVectorized(rounded, multiplier, adjoint, body, sums);
        }

        for (; i < body; i++)
        {
            sums[i % ChecksumLanes.Width] += adjoint[i] * (UndoVelocityElement(i, rounded[i], multiplier) * inverseScale);
        }

        double dot = LaneSum(sums);
        for (; i < velocities.Length; i++)
        {
            dot += adjoint[i] * (UndoVelocityElement(i, rounded[i], multiplier) * inverseScale);
        }

        return dot;
    }

    /// <summary>
    /// Undoes <see cref="WeightStep"/> for the elements offset … offset + values' length − 1, writes their weight values
    /// into <paramref name="values"/>, and adds Σ adjoint_i · v_i over their velocity values (which the undo leaves as
    /// they are) to <paramref name="dot"/>: the reverse pass's learning-rate adjoint in the same pass, summed as
    /// <see cref="UndoVelocityStep(ReadOnlySpan{long}, long, long, ReadOnlySpan{double})"/> sums (lanes by the index within this piece).
    /// </summary>
    /// <param name="learningRate">η, as the step used it.</param>
    /// <param name="offset">The first element's index.</param>
    /// <param name="values">The weights' values after the undo (for example a weight tensor's memory).</param>
    /// <param name="adjoint">One per element (all elements).</param>
    /// <param name="dot">The running sum.</param>
    public void UndoWeightStep(double learningRate, int offset, Span<double> values, ReadOnlySpan<double> adjoint, ref double dot)
    {
        Span<double> sums = stackalloc double[ChecksumLanes.Width];
        sums.Clear();
        int body = values.Length - (values.Length % ChecksumLanes.Width);
        int j = Vectorized ? UndoWeightVectorized(learningRate, offset, values, adjoint, body, sums) : 0;
        for (; j < body; j++)
        {
            sums[j % ChecksumLanes.Width] += UndoWeightElement(learningRate, offset + j, values, j, adjoint);
        }

        double sum = LaneSum(sums);
        for (; j < values.Length; j++)
        {
            sum += UndoWeightElement(learningRate, offset + j, values, j, adjoint);
        }

        dot += sum;
    }

    /// <summary>Writes the weights' values for the elements offset … offset + target's length − 1 into <paramref name="target"/>.</summary>
    public void WeightValues(int offset, Span<double> target)
    {
        ReadOnlySpan<long> source = Weights.AsSpan(offset, target.Length);
        int j = Vectorized ? ValuesVectorized(source, target) : 0;
        for (; j < target.Length; j++)
        {
            target[j] = source[j] * inverseScale;
        }
    }

    /// <summary>
    /// A 64-bit checksum of the rounded gradient [g], as <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/> returns it: the same rounded values
    /// give the same checksum, and two that differ in one element always give different ones (each element's mixing
    /// step is a bijection of its lane's running value, and the fold of the lanes a bijection of each lane), so a reverse
    /// pass can tell whether its recomputed gradient would undo the step exactly.
    /// </summary>
    /// <param name="gradient">g, one per element.</param>
    /// <returns>The checksum.</returns>
    public ulong GradientChecksum(ReadOnlySpan<double> gradient)
    {
        ChecksumLanes lanes = StartChecksum();
        for (int i = 0; i < gradient.Length; i++)
        {
            _ = RoundElement(i, gradient[i], ref lanes);
        }

        return ChecksumValue(ref lanes);
    }

    /// <summary>Undoes <see cref="VelocityStep(ReadOnlySpan{double}, long, long)"/>, given the same gradient.</summary>
    public void UndoVelocityStep(ReadOnlySpan<double> gradient, long numerator, long denominator)
    {
        FixedPointMultiplier multiplier = Multiplier(numerator, denominator);
        for (int i = 0; i < Velocities.Length; i++)
        {
            _ = UndoVelocityElement(i, ToFixed(gradient[i], "gradient", i), multiplier);
        }
    }

    /// <summary>w ← w − [η·v].</summary>
    public void WeightStep(double learningRate)
    {
        int i = Vectorized ? WeightStepVectorized(learningRate) : 0;
        for (; i < Weights.Length; i++)
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

    /// <summary>The checksum's starting value (of an empty gradient), in every lane of <see cref="StartChecksum"/>.</summary>
    public const ulong ChecksumSeed = 0x243F6A8885A308D3UL;

    /// <summary>The lanes of the checksum of an empty gradient.</summary>
    public static ChecksumLanes StartChecksum()
    {
        ChecksumLanes lanes = default;
        ((Span<ulong>)lanes).Fill(ChecksumSeed);
        return lanes;
    }

    /// <summary>The checksum of the elements mixed into <paramref name="lanes"/>: the lanes folded in order into <see cref="ChecksumSeed"/>.</summary>
    public static ulong ChecksumValue(ref ChecksumLanes lanes)
    {
        ulong checksum = ChecksumSeed;
        foreach (ulong lane in (ReadOnlySpan<ulong>)lanes)
        {
            checksum = Mix(checksum, (long)lane);
        }

        return checksum;
    }

    // x ↦ (h ⊕ x)·odd, then an xor-shift: a bijection of h for each x, and of x for each h.
    private static ulong Mix(ulong checksum, long value)
    {
        ulong mixed = (checksum ^ (ulong)value) * 0x9E3779B97F4A7C15UL;
        return mixed ^ (mixed >> 29);
    }

    // Sums the lanes in order.
    private static double LaneSum(ReadOnlySpan<double> sums)
    {
        double sum = 0;
        foreach (double s in sums)
        {
            sum += s;
        }

        return sum;
    }

    // One element of VelocityStep.
    private void VelocityElement(int i, double gradient, FixedPointMultiplier multiplier, ref ChecksumLanes checksum)
    {
        long y = multiplier.MultiplyFloor(Velocities[i], out long digit, out long modulus);
        if (modulus > 1)
        {
            Buffer.Push(i, digit, modulus);
        }

        long g = ToFixed(gradient, "gradient", i);
        checksum[i % ChecksumLanes.Width] = Mix(checksum[i % ChecksumLanes.Width], g);
        Velocities[i] = checked(y + g);
    }

    // One element of RoundGradient: [g], mixed into its lane.
    private long RoundElement(int i, double gradient, ref ChecksumLanes checksum)
    {
        long g = ToFixed(gradient, "gradient", i);
        checksum[i % ChecksumLanes.Width] = Mix(checksum[i % ChecksumLanes.Width], g);
        return g;
    }

    // One element of UndoVelocityStep: v_i from v_i' and [g]_i; returns v_i.
    private long UndoVelocityElement(int i, long rounded, FixedPointMultiplier multiplier)
    {
        long first = multiplier.FirstPreimage(checked(Velocities[i] - rounded), out long modulus);
        long v = modulus > 1 ? checked(first + Buffer.Pop(i, modulus)) : first;
        Velocities[i] = v;
        return v;
    }

    // One element of UndoWeightStep (weight i, value j of the piece); returns adjoint_i · v_i.
    private double UndoWeightElement(double learningRate, int i, Span<double> values, int j, ReadOnlySpan<double> adjoint)
    {
        double v = Velocities[i] * inverseScale;
        long w = checked(Weights[i] + ToFixed(learningRate * v, "weight step", i));
        Weights[i] = w;
        values[j] = w * inverseScale;
        return adjoint[i] * v;
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
