using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The element loops of <see cref="FixedPointSgd"/> on 512-bit vectors (<see cref="Vectorized"/>).</summary>
/// <remarks>
/// Each loop takes eight elements at a time and computes them as the element-by-element code does, in the same integer
/// arithmetic: with a momentum n/d &gt; 1/2 the floor of x·n/d has one or two preimages, so the modulus is 1 + [s ≥ n] +
/// [d − 1 − s ≥ n] (s = (x·n) mod d) and a buffer digit is one bit, pushed as w ← 2w + r and popped as r = w &amp; 1,
/// w ← w &gt;&gt; 1 (what <see cref="InformationBuffer"/> computes with a division for a modulus of 2). The first preimage's
/// float64 estimate ⌈y·d/n⌉ is corrected by one step each way and then verified with the forward map (⌊x·n/d⌋ = y and
/// ⌊(x − 1)·n/d⌋ &lt; y). A group of eight that leaves the fast case (an estimate of 2^50 or more, a value outside the
/// fixed-point range or an int64 overflow that the element code would report, a buffer word at
/// <see cref="InformationBuffer.SmallLimit"/> or an element already grown into a big integer) is done by the element code
/// instead, so the results are the same bits in every case, and the element code throws where it would. The loops are
/// compiled optimized at once (<see cref="MethodImplOptions.AggressiveOptimization"/>): called a few times per step, they would
/// otherwise run their first steps as tier-0 code, where vector operations are calls (the first repeats of the cost bench
/// took 0.55-0.62 s instead of 0.42).
/// </remarks>
internal sealed partial class FixedPointSgd
{
    private const double EstimateLimit = 1125899906842624.0; // 2^50: the float64 estimate is within ±1 below it

    private static readonly Vector512<ulong> MixMultiplier = Vector512.Create(0x9E3779B97F4A7C15UL);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VelocityStepVectorized(ReadOnlySpan<double> part, int offset, FixedPointMultiplier multiplier, ref ChecksumLanes checksum)
    {
        const int W = ChecksumLanes.Width;
        int j = 0;
        for (; j < part.Length && (offset + j) % W != 0; j++)
        {
            VelocityElement(offset + j, part[j], multiplier, ref checksum);
        }

        Span<ulong> laneSpan = checksum;
        ref ulong laneRef = ref MemoryMarshal.GetReference(laneSpan);
        Vector512<ulong> lanes = Vector512.LoadUnsafe(ref laneRef);
        Vector512<long> n = Vector512.Create(multiplier.Numerator);
        Vector512<long> mask = Vector512.Create(multiplier.Mask);
        int bits = multiplier.DenominatorBits;
        Vector512<double> scaleV = Vector512.Create(scale);
        Vector512<double> limit = Vector512.Create((double)Limit);
        Vector512<ulong> smallLimit = Vector512.Create(InformationBuffer.SmallLimit);
        ref long velocityRef = ref MemoryMarshal.GetArrayDataReference(Velocities);
        ref ulong wordRef = ref MemoryMarshal.GetReference(Buffer.Words);
        ref double gradientRef = ref MemoryMarshal.GetReference(part);
        for (; j + W <= part.Length; j += W)
        {
            int i = offset + j;
            Vector512<double> scaled = Vector512.Round(Vector512.LoadUnsafe(ref gradientRef, (nuint)j) * scaleV);
            Vector512<long> x = Vector512.LoadUnsafe(ref velocityRef, (nuint)i);
            Vector512<ulong> words = Vector512.LoadUnsafe(ref wordRef, (nuint)i);
            Vector512<long> product = (x & mask) * n;
            Vector512<long> s = product & mask;
            Vector512<long> below = Vector512.GreaterThanOrEqual(s, n);
            Vector512<long> two = below | Vector512.GreaterThanOrEqual(mask - s, n);
            Vector512<long> y = (Vector512.ShiftRightArithmetic(x, bits) * n) + Vector512.ShiftRightArithmetic(product, bits);
            Vector512<long> g = Vector512.ConvertToInt64(scaled);
            Vector512<long> sum = y + g;
            if (Buffer.AllSmall
                && Vector512.LessThanAll(Vector512.Abs(scaled), limit)
                && !Vector512.GreaterThanOrEqualAny(words & two.AsUInt64(), smallLimit)
                && !Vector512.LessThanAny((y ^ sum) & (g ^ sum), Vector512<long>.Zero))
            {
                Vector512<ulong> pushed = Vector512.ShiftLeft(words, 1) | (below.AsUInt64() & Vector512<ulong>.One);
                Vector512.ConditionalSelect(two.AsUInt64(), pushed, words).StoreUnsafe(ref wordRef, (nuint)i);
                sum.StoreUnsafe(ref velocityRef, (nuint)i);
                lanes = (lanes ^ g.AsUInt64()) * MixMultiplier;
                lanes ^= Vector512.ShiftRightLogical(lanes, 29);
                continue;
            }

            lanes.StoreUnsafe(ref laneRef);
            for (int k = 0; k < W; k++)
            {
                VelocityElement(i + k, part[j + k], multiplier, ref checksum);
            }

            lanes = Vector512.LoadUnsafe(ref laneRef);
        }

        lanes.StoreUnsafe(ref laneRef);
        for (; j < part.Length; j++)
        {
            VelocityElement(offset + j, part[j], multiplier, ref checksum);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RoundGradientVectorized(ReadOnlySpan<double> part, int offset, Span<long> target, ref ChecksumLanes checksum)
    {
        const int W = ChecksumLanes.Width;
        int j = 0;
        for (; j < part.Length && (offset + j) % W != 0; j++)
        {
            target[j] = RoundElement(offset + j, part[j], ref checksum);
        }

        Span<ulong> laneSpan = checksum;
        ref ulong laneRef = ref MemoryMarshal.GetReference(laneSpan);
        Vector512<ulong> lanes = Vector512.LoadUnsafe(ref laneRef);
        Vector512<double> scaleV = Vector512.Create(scale);
        Vector512<double> limit = Vector512.Create((double)Limit);
        ref double gradientRef = ref MemoryMarshal.GetReference(part);
        ref long targetRef = ref MemoryMarshal.GetReference(target);
        for (; j + W <= part.Length; j += W)
        {
            Vector512<double> scaled = Vector512.Round(Vector512.LoadUnsafe(ref gradientRef, (nuint)j) * scaleV);
            if (Vector512.LessThanAll(Vector512.Abs(scaled), limit))
            {
                Vector512<long> g = Vector512.ConvertToInt64(scaled);
                g.StoreUnsafe(ref targetRef, (nuint)j);
                lanes = (lanes ^ g.AsUInt64()) * MixMultiplier;
                lanes ^= Vector512.ShiftRightLogical(lanes, 29);
                continue;
            }

            lanes.StoreUnsafe(ref laneRef);
            for (int k = 0; k < W; k++)
            {
                target[j + k] = RoundElement(offset + j + k, part[j + k], ref checksum);
            }

            lanes = Vector512.LoadUnsafe(ref laneRef);
        }

        lanes.StoreUnsafe(ref laneRef);
        for (; j < part.Length; j++)
        {
            target[j] = RoundElement(offset + j, part[j], ref checksum);
        }
    }

    // Elements 0 … body − 1 (body a multiple of the width) with their terms in sums' lanes; returns body.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UndoVelocityVectorized(ReadOnlySpan<long> rounded, FixedPointMultiplier multiplier, ReadOnlySpan<double> adjoint, int body, Span<double> sums)
    {
        const int W = ChecksumLanes.Width;
        if (rounded.Length < body || adjoint.Length < body)
        {
            throw new ArgumentException($"The rounded gradient and the adjoint must hold {Velocities.Length} values; got {rounded.Length} and {adjoint.Length}.", nameof(rounded));
        }

        ref double sumRef = ref MemoryMarshal.GetReference(sums);
        Vector512<double> acc = Vector512.LoadUnsafe(ref sumRef);
        Vector512<long> n = Vector512.Create(multiplier.Numerator);
        Vector512<long> mask = Vector512.Create(multiplier.Mask);
        int bits = multiplier.DenominatorBits;
        Vector512<double> ratio = Vector512.Create(multiplier.Ratio);
        Vector512<double> estimateLimit = Vector512.Create(EstimateLimit);
        Vector512<double> inverse = Vector512.Create(inverseScale);
        ref long velocityRef = ref MemoryMarshal.GetArrayDataReference(Velocities);
        ref ulong wordRef = ref MemoryMarshal.GetReference(Buffer.Words);
        ref long roundedRef = ref MemoryMarshal.GetReference(rounded);
        ref double adjointRef = ref MemoryMarshal.GetReference(adjoint);
        Vector512<long> Floor(Vector512<long> x) => (Vector512.ShiftRightArithmetic(x, bits) * n) + Vector512.ShiftRightArithmetic((x & mask) * n, bits);
        for (int i = 0; i < body; i += W)
        {
            Vector512<long> after = Vector512.LoadUnsafe(ref velocityRef, (nuint)i);
            Vector512<long> r = Vector512.LoadUnsafe(ref roundedRef, (nuint)i);
            Vector512<long> y = after - r;
            Vector512<double> estimate = Vector512.Ceiling(Vector512.ConvertToDouble(y) * ratio);
            Vector512<long> x = Vector512.ConvertToInt64(estimate);
            x -= Vector512.LessThan(Floor(x), y);
            x += Vector512.GreaterThanOrEqual(Floor(x - Vector512<long>.One), y);
            if (Buffer.AllSmall
                && !Vector512.LessThanAny((after ^ r) & (after ^ y), Vector512<long>.Zero)
                && Vector512.LessThanAll(Vector512.Abs(estimate), estimateLimit)
                && Vector512.EqualsAll(Floor(x), y)
                && Vector512.LessThanAll(Floor(x - Vector512<long>.One), y))
            {
                Vector512<long> two = Vector512.GreaterThanOrEqual(mask - ((x & mask) * n & mask), n);
                Vector512<ulong> words = Vector512.LoadUnsafe(ref wordRef, (nuint)i);
                Vector512<long> v = x + (words & two.AsUInt64() & Vector512<ulong>.One).AsInt64();
                Vector512.ConditionalSelect(two.AsUInt64(), Vector512.ShiftRightLogical(words, 1), words).StoreUnsafe(ref wordRef, (nuint)i);
                v.StoreUnsafe(ref velocityRef, (nuint)i);
                acc += Vector512.LoadUnsafe(ref adjointRef, (nuint)i) * (Vector512.ConvertToDouble(v) * inverse);
                continue;
            }

            acc.StoreUnsafe(ref sumRef);
            for (int k = i; k < i + W; k++)
            {
                sums[k % W] += adjoint[k] * (UndoVelocityElement(k, rounded[k], multiplier) * inverseScale);
            }

            acc = Vector512.LoadUnsafe(ref sumRef);
        }

        acc.StoreUnsafe(ref sumRef);
        return body;
    }

    // Elements offset … offset + body − 1 of UndoWeightStep with their terms in sums' lanes (by the index in the piece); returns body.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UndoWeightVectorized(double learningRate, int offset, Span<double> values, ReadOnlySpan<double> adjoint, int body, Span<double> sums)
    {
        const int W = ChecksumLanes.Width;
        if (offset < 0 || offset + values.Length > Weights.Length || adjoint.Length < offset + values.Length)
        {
            throw new ArgumentException($"Elements {offset} … {offset + values.Length - 1} are outside the {Weights.Length} weights or the {adjoint.Length} adjoints.", nameof(values));
        }

        ref double sumRef = ref MemoryMarshal.GetReference(sums);
        Vector512<double> acc = Vector512.LoadUnsafe(ref sumRef);
        Vector512<double> rate = Vector512.Create(learningRate);
        Vector512<double> scaleV = Vector512.Create(scale);
        Vector512<double> inverse = Vector512.Create(inverseScale);
        Vector512<double> limit = Vector512.Create((double)Limit);
        ref long weightRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Weights), offset);
        ref long velocityRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Velocities), offset);
        ref double adjointRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(adjoint), offset);
        ref double valueRef = ref MemoryMarshal.GetReference(values);
        for (int j = 0; j < body; j += W)
        {
            Vector512<double> v = Vector512.ConvertToDouble(Vector512.LoadUnsafe(ref velocityRef, (nuint)j)) * inverse;
            Vector512<double> scaled = Vector512.Round(rate * v * scaleV);
            Vector512<long> before = Vector512.LoadUnsafe(ref weightRef, (nuint)j);
            Vector512<long> step = Vector512.ConvertToInt64(scaled);
            Vector512<long> w = before + step;
            if (Vector512.LessThanAll(Vector512.Abs(scaled), limit) && !Vector512.LessThanAny((before ^ w) & (step ^ w), Vector512<long>.Zero))
            {
                w.StoreUnsafe(ref weightRef, (nuint)j);
                (Vector512.ConvertToDouble(w) * inverse).StoreUnsafe(ref valueRef, (nuint)j);
                acc += Vector512.LoadUnsafe(ref adjointRef, (nuint)j) * v;
                continue;
            }

            acc.StoreUnsafe(ref sumRef);
            for (int k = j; k < j + W; k++)
            {
                sums[k % W] += UndoWeightElement(learningRate, offset + k, values, k, adjoint);
            }

            acc = Vector512.LoadUnsafe(ref sumRef);
        }

        acc.StoreUnsafe(ref sumRef);
        return body;
    }

    // WeightStep on whole groups of the width; returns where the element code continues.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WeightStepVectorized(double learningRate)
    {
        const int W = ChecksumLanes.Width;
        Vector512<double> rate = Vector512.Create(learningRate);
        Vector512<double> scaleV = Vector512.Create(scale);
        Vector512<double> inverse = Vector512.Create(inverseScale);
        Vector512<double> limit = Vector512.Create((double)Limit);
        ref long weightRef = ref MemoryMarshal.GetArrayDataReference(Weights);
        ref long velocityRef = ref MemoryMarshal.GetArrayDataReference(Velocities);
        int i = 0;
        for (; i + W <= Weights.Length; i += W)
        {
            Vector512<double> scaled = Vector512.Round(rate * (Vector512.ConvertToDouble(Vector512.LoadUnsafe(ref velocityRef, (nuint)i)) * inverse) * scaleV);
            Vector512<long> before = Vector512.LoadUnsafe(ref weightRef, (nuint)i);
            Vector512<long> step = Vector512.ConvertToInt64(scaled);
            Vector512<long> w = before - step;
            if (Vector512.LessThanAll(Vector512.Abs(scaled), limit) && !Vector512.LessThanAny((before ^ step) & (before ^ w), Vector512<long>.Zero))
            {
                w.StoreUnsafe(ref weightRef, (nuint)i);
                continue;
            }

            for (int k = i; k < i + W; k++)
            {
                Weights[k] = checked(Weights[k] - ToFixed(learningRate * (Velocities[k] * inverseScale), "weight step", k));
            }
        }

        return i;
    }

    // The values of source (fixed point) into target on whole groups of the width; returns where the element code continues.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ValuesVectorized(ReadOnlySpan<long> source, Span<double> target)
    {
        const int W = ChecksumLanes.Width;
        Vector512<double> inverse = Vector512.Create(inverseScale);
        ref long sourceRef = ref MemoryMarshal.GetReference(source);
        ref double targetRef = ref MemoryMarshal.GetReference(target);
        int j = 0;
        for (; j + W <= target.Length; j += W)
        {
            (Vector512.ConvertToDouble(Vector512.LoadUnsafe(ref sourceRef, (nuint)j)) * inverse).StoreUnsafe(ref targetRef, (nuint)j);
        }

        return j;
    }
}
