using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class FixedPointSgdTests
{
    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void UndoSteps_AfterManyForwardSteps_RecoverInitialStateBitForBit(double momentum)
    {
        double[] initial = MLNet.HyperGrad.Tests.Torch.Float64.Randn(500, seed: 3);
        var sgd = new FixedPointSgd(initial, fractionBits: 32);
        long[] start = (long[])sgd.Weights.Clone();
        const long denominator = 1L << 24;
        long numerator = (long)Math.Round(momentum * denominator);
        const int steps = 200;
        for (int t = 0; t < steps; t++)
        {
            sgd.VelocityStep(Gradient(sgd.WeightValues(), t), numerator, denominator);
            sgd.WeightStep(0.05);
        }

        Assert.False(sgd.Weights.AsSpan().SequenceEqual(start));
        long bits = sgd.Buffer.TotalBits;
        for (int t = steps - 1; t >= 0; t--)
        {
            sgd.UndoWeightStep(0.05);
            sgd.UndoVelocityStep(Gradient(sgd.WeightValues(), t), numerator, denominator);
        }

        Assert.Equal(start, sgd.Weights);
        Assert.All(sgd.Velocities, v => Assert.Equal(0, v));
        Assert.True(sgd.Buffer.IsEmpty);

        // About log2(1/μ) bits per element and step are kept, not the 64 of storing the weight and velocity.
        double expected = initial.Length * steps * Math.Log2(1 / momentum);
        Assert.InRange(bits, expected / 2, (expected * 2) + initial.Length);
    }

    [Theory]
    [InlineData(0.9, 24, 120)]
    [InlineData(0.55, 24, 120)] // about 0.8 bits per element and step: words pass 2^38 and grow into big integers
    [InlineData(1.0, 24, 30)]
    [InlineData(0.5, 24, 40)] // n = d/2: not the fast case (three preimages possible), element code in both
    [InlineData(0.7, 2, 60)]
    [InlineData(0.999, 30, 60)]
    public void VectorizedAndElementLoops_ForwardAndReverseInPieces_SameBitsChecksumsAndSums(double momentum, int denominatorBits, int steps)
    {
        // Pieces of awkward lengths and offsets (not multiples of the vector width), as the weight tensors of an MLP.
        int[] pieces = [37, 5, 130, 3, 1, 64];
        int count = pieces.Sum();
        var random = new Random(denominatorBits + steps);
        double[] initial = [.. Enumerable.Range(0, count).Select(i => (random.NextDouble() - 0.5) * (i % 7 == 0 ? 20 : 1))];
        var vector = new FixedPointSgd(initial, fractionBits: 32, vectorized: true);
        var element = new FixedPointSgd(initial, fractionBits: 32, vectorized: false);
        long d = 1L << denominatorBits;
        long numerator = Math.Clamp((long)Math.Round(momentum * d), 1, d);
        FixedPointMultiplier multiplier = FixedPointSgd.Multiplier(numerator, d);
        var checksums = new ulong[steps];
        double[] values = new double[count];
        double[] elementValues = new double[count];
        for (int t = 0; t < steps; t++)
        {
            double[] g = Gradient(vector.WeightValues(), t);
            ChecksumLanes a = FixedPointSgd.StartChecksum();
            ChecksumLanes b = FixedPointSgd.StartChecksum();
            for (int k = 0, offset = 0; k < pieces.Length; offset += pieces[k], k++)
            {
                vector.VelocityStep(g.AsSpan(offset, pieces[k]), offset, multiplier, ref a);
                element.VelocityStep(g.AsSpan(offset, pieces[k]), offset, multiplier, ref b);
            }

            checksums[t] = FixedPointSgd.ChecksumValue(ref a);
            Assert.Equal(checksums[t], FixedPointSgd.ChecksumValue(ref b));
            Assert.Equal(element.GradientChecksum(g), checksums[t]);
            vector.WeightStep(0.05);
            element.WeightStep(0.05);
            AssertSameState(vector, element);
            vector.WeightValues(0, values);
            element.WeightValues(0, elementValues);
            Assert.Equal(elementValues, values);
        }

        long bits = vector.Buffer.TotalBits;
        if (momentum == 0.55)
        {
            Assert.False(vector.Buffer.AllSmall);
        }

        long[] rounded = new long[count];
        long[] elementRounded = new long[count];
        double[] adjoint = [.. Enumerable.Range(0, count).Select(i => Math.Sin(i) - 0.3)];
        for (int t = steps - 1; t >= 0; t--)
        {
            double dot = 0.25;
            double elementDot = 0.25;
            for (int k = 0, offset = 0; k < pieces.Length; offset += pieces[k], k++)
            {
                vector.UndoWeightStep(0.05, offset, values.AsSpan(offset, pieces[k]), adjoint, ref dot);
                element.UndoWeightStep(0.05, offset, elementValues.AsSpan(offset, pieces[k]), adjoint, ref elementDot);
            }

            Assert.Equal(elementDot, dot);
            Assert.Equal(elementValues, values);
            double[] g = Gradient(values, t);
            ChecksumLanes a = FixedPointSgd.StartChecksum();
            ChecksumLanes b = FixedPointSgd.StartChecksum();
            for (int k = 0, offset = 0; k < pieces.Length; offset += pieces[k], k++)
            {
                vector.RoundGradient(g.AsSpan(offset, pieces[k]), offset, rounded, ref a);
                element.RoundGradient(g.AsSpan(offset, pieces[k]), offset, elementRounded, ref b);
            }

            Assert.Equal(elementRounded, rounded);
            Assert.Equal(checksums[t], FixedPointSgd.ChecksumValue(ref a));
            Assert.Equal(checksums[t], FixedPointSgd.ChecksumValue(ref b));
            Assert.Equal(element.UndoVelocityStep(elementRounded, numerator, d, adjoint), vector.UndoVelocityStep(rounded, numerator, d, adjoint));
            AssertSameState(vector, element);
        }

        Assert.True(bits > 0 || momentum == 1.0);
        Assert.Equal(new FixedPointSgd(initial, 32).Weights, vector.Weights);
        Assert.All(vector.Velocities, v => Assert.Equal(0, v));
        Assert.True(vector.Buffer.IsEmpty);
    }

    [Fact]
    public void UndoVelocityStep_EdgeAndRandomStates_VectorizedEqualsElementCode()
    {
        // Velocities and rounded gradients of every magnitude and sign (below 2^61, where every first preimage fits), including products near ±2^50 (the vector code's
        // estimate limit), multiples of d and their neighbours, zero and ±1, with buffer words set at random.
        const int bits = 24;
        const long d = 1L << bits;
        var random = new Random(5);
        var edges = new List<long> { 0, 1, -1, 2, -2, d - 1, d, d + 1, -d, -d - 1, (1L << 61) - 1, -((1L << 61) - 1), 1L << 60, -(1L << 60) };
        for (long k = -4; k <= 4; k++)
        {
            edges.Add((1L << 50) + k);
            edges.Add(-(1L << 50) + k);
            edges.Add((long)((1L << 50) * 0.9) + k);
            edges.Add(-(long)((1L << 50) * 0.9) + k);
        }

        for (int magnitude = 0; magnitude < 60; magnitude++)
        {
            for (int k = 0; k < 6; k++)
            {
                long v = random.NextInt64(1L << magnitude, 2L << magnitude);
                edges.Add(random.Next(2) == 0 ? v : -v);
            }
        }

        foreach (long numerator in new[] { (long)Math.Round(0.9 * d), (d / 2) + 1, d - 1, d, (long)Math.Round(0.99 * d) })
        {
            int count = edges.Count;
            var vector = new FixedPointSgd(new double[count], 32, vectorized: true);
            var element = new FixedPointSgd(new double[count], 32, vectorized: false);
            long[] rounded = [.. Enumerable.Range(0, count).Select(i => i % 3 == 0 ? 0 : random.NextInt64(-(1L << 40), 1L << 40))];
            for (int i = 0; i < count; i++)
            {
                long y = edges[(i * 7) % count];
                long v = (y > 0 && rounded[i] < 0) || (y < 0 && rounded[i] > 0) ? y : y + rounded[i];
                vector.Velocities[i] = element.Velocities[i] = v;
                ulong word = (ulong)random.NextInt64(0, (long)InformationBuffer.SmallLimit);
                vector.Buffer.Words[i] = element.Buffer.Words[i] = word;
            }

            double[] adjoint = [.. Enumerable.Range(0, count).Select(i => Math.Cos(i))];
            Assert.Equal(element.UndoVelocityStep(rounded, numerator, d, adjoint), vector.UndoVelocityStep(rounded, numerator, d, adjoint));
            AssertSameState(vector, element);
        }
    }

    [Fact]
    public void VelocityStep_GradientOutsideTheRange_VectorizedThrowsAsElementCode()
    {
        double[] initial = new double[24];
        foreach (bool vectorized in new[] { true, false })
        {
            var sgd = new FixedPointSgd(initial, 32, vectorized);
            double[] g = new double[24];
            g[13] = double.NaN;
            HyperGradException e = Assert.Throws<HyperGradException>(() => sgd.VelocityStep(g, 15_099_494, 1L << 24));
            Assert.Contains("gradient 13", e.Message, StringComparison.Ordinal);
            g[13] = 1e12;
            Assert.Throws<HyperGradException>(() => sgd.VelocityStep(g, 15_099_494, 1L << 24));
        }
    }

    [Fact]
    public void InformationBuffer_PushesAndPopsInMixedBases_ReturnsEveryDigitAndEmpties()
    {
        // Base 2 (the shift and mask), other small bases (a division), bases above 2^25 and long runs that grow an element
        // into a big integer and back: the pops return the pushed digits in reverse order, as a reference stack does.
        var random = new Random(11);
        const int elements = 16;
        var buffer = new InformationBuffer(elements);
        var pushed = new Stack<(int Index, long Digit, long Modulus)>();
        for (int k = 0; k < 4000; k++)
        {
            int index = random.Next(elements);
            long modulus = random.Next(4) switch
            {
                0 => 2,
                1 => random.NextInt64(3, 17),
                2 => (1L << 25) + random.Next(2),
                _ => 2,
            };
            long digit = random.NextInt64(0, modulus);
            buffer.Push(index, digit, modulus);
            pushed.Push((index, digit, modulus));
        }

        Assert.False(buffer.AllSmall);
        while (pushed.Count > 0)
        {
            (int index, long digit, long modulus) = pushed.Pop();
            Assert.Equal(digit, buffer.Pop(index, modulus));
        }

        Assert.True(buffer.IsEmpty);
        Assert.True(buffer.AllSmall);
    }

    private static void AssertSameState(FixedPointSgd actual, FixedPointSgd expected)
    {
        Assert.Equal(expected.Weights, actual.Weights);
        Assert.Equal(expected.Velocities, actual.Velocities);
        Assert.Equal(expected.Buffer.TotalBits, actual.Buffer.TotalBits);
        Assert.Equal(expected.Buffer.AllSmall, actual.Buffer.AllSmall);
        Assert.True(expected.Buffer.Words.SequenceEqual(actual.Buffer.Words), "the buffer words differ");
    }

    // A nonlinear gradient of the weights, different at every step: the reverse pass must recompute it exactly.
    private static double[] Gradient(double[] w, int step) =>
        [.. w.Select((x, i) => Math.Tanh(x + (0.01 * step)) + (0.1 * Math.Sin(i + x)))];
}
