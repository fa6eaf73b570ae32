using System.Globalization;

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
/// per element and step are kept, and the rounding error is below one unit of 2^−F.
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

    public double[] WeightValues() => [.. Weights.Select(w => w * inverseScale)];

    public double[] VelocityValues() => [.. Velocities.Select(v => v * inverseScale)];

    /// <summary>v ← ⌊(n/d)·v⌋ + [g].</summary>
    public void VelocityStep(double[] gradient, long numerator, long denominator)
    {
        for (int i = 0; i < Velocities.Length; i++)
        {
            Velocities[i] = checked(Multiply(i, Velocities[i], numerator, denominator) + ToFixed(gradient[i], "gradient", i));
        }
    }

    /// <summary>Undoes <see cref="VelocityStep"/>, given the same gradient.</summary>
    public void UndoVelocityStep(double[] gradient, long numerator, long denominator)
    {
        for (int i = 0; i < Velocities.Length; i++)
        {
            Velocities[i] = Unmultiply(i, checked(Velocities[i] - ToFixed(gradient[i], "gradient", i)), numerator, denominator);
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

    // ⌈a / b⌉ for b > 0.
    private static Int128 CeilDiv(Int128 a, long b)
    {
        Int128 q = Int128.DivRem(a, b).Quotient;
        return q * b < a ? q + 1 : q;
    }

    // y = ⌊x·n / d⌋ loses which of the m(y) integers x with that floor it came from: push that index in base m(y).
    private long Multiply(int index, long x, long n, long d)
    {
        Int128 product = (Int128)x * n;
        Int128 y = Int128.DivRem(product, d).Quotient;
        if (y * d > product)
        {
            y--;
        }

        Int128 first = CeilDiv(y * d, n);
        long count = (long)(CeilDiv((y + 1) * d, n) - first);
        if (count > 1)
        {
            Buffer.Push(index, (long)(x - first), count);
        }

        return (long)y;
    }

    private long Unmultiply(int index, long y, long n, long d)
    {
        Int128 first = CeilDiv((Int128)y * d, n);
        long count = (long)(CeilDiv(((Int128)y + 1) * d, n) - first);
        long offset = count > 1 ? Buffer.Pop(index, count) : 0;
        return checked((long)(first + offset));
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
