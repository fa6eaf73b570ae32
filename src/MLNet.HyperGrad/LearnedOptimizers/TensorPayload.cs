using System.Buffers.Binary;
using System.Globalization;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>
/// Reads the tensor records shared by the learned optimizers' files (<see cref="LstmOptimizerFile"/> and the black-box LSTM's):
/// per tensor a uint32 rank, rank int64 dimensions and numel float32 or float64 values, all little-endian, up to the SHA-256 trailer.
/// </summary>
internal static class TensorPayload
{
    /// <summary>Reads the tensors <paramref name="expected"/> names, in order, from <paramref name="start"/> to the end of <paramref name="payload"/>.</summary>
    /// <exception cref="LearnedOptimizerFormatException">A tensor is cut short, has another shape, holds a non-finite value, or bytes are left over.</exception>
    public static List<double[]> Read(string source, ReadOnlySpan<byte> payload, int start, IReadOnlyList<(string Name, long[] Shape)> expected, int elementSize)
    {
        var tensors = new List<double[]>(expected.Count);
        int at = start;
        foreach ((string name, long[] shape) in expected)
        {
            Need(source, payload, at, 4, name);
            uint rank = BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            at += 4;
            Need(source, payload, at, 8L * rank, name);
            long[] found = new long[rank];
            for (int k = 0; k < rank; k++)
            {
                found[k] = BinaryPrimitives.ReadInt64LittleEndian(payload[at..]);
                at += 8;
            }

            if (!found.SequenceEqual(shape))
            {
                throw new LearnedOptimizerFormatException(source, $"tensor {name} has shape [{string.Join(", ", found)}]; the recorded architecture needs [{string.Join(", ", shape)}]");
            }

            long numel = shape.Aggregate(1L, (a, b) => a * b);
            Need(source, payload, at, elementSize * numel, name);
            double[] values = new double[numel];
            for (int k = 0; k < numel; k++)
            {
                values[k] = elementSize == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(payload[at..]) : BinaryPrimitives.ReadSingleLittleEndian(payload[at..]);
                at += elementSize;
            }

            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            if (bad >= 0)
            {
                throw new LearnedOptimizerFormatException(source, Invariant($"tensor {name} holds a non-finite value at element {bad}"));
            }

            tensors.Add(values);
        }

        if (at != payload.Length)
        {
            throw new LearnedOptimizerFormatException(source, Invariant($"expected the SHA-256 trailer at byte {at}, found {payload.Length - at} extra bytes before it"));
        }

        return tensors;
    }

    /// <summary>Writes one tensor record per shape and values, float64 when <paramref name="elementSize"/> is 8, else float32.</summary>
    public static void Write(Stream stream, IEnumerable<(long[] Shape, double[] Values)> tensors, int elementSize)
    {
        Span<byte> buffer = stackalloc byte[8];
        foreach ((long[] shape, double[] values) in tensors)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)shape.Length);
            stream.Write(buffer[..4]);
            foreach (long size in shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buffer, size);
                stream.Write(buffer);
            }

            foreach (double value in values)
            {
                if (elementSize == 8)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer, (float)value);
                }

                stream.Write(buffer[..elementSize]);
            }
        }
    }

    private static void Need(string source, ReadOnlySpan<byte> payload, int at, long bytes, string name)
    {
        if (at + bytes > payload.Length)
        {
            throw new LearnedOptimizerFormatException(source, Invariant($"the file ends inside tensor {name}: {bytes} bytes needed at byte {at}, {payload.Length - at} left"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
