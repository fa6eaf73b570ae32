using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace MLNet.HyperGrad.Models;

/// <summary>
/// The <c>weights.bin</c> format of a saved <see cref="TrainedModel"/>, version 1. Every number is
/// little-endian.
/// </summary>
/// <remarks>
/// <code>
/// offset  size      field
/// 0       8         magic 0x89 'H' 'G' 'W' '\r' '\n' 0x1A '\n' (PNG-style: catches text-mode transfers)
/// 8       4         uint32 format version (1)
/// 12      4         uint32 tensor count
/// then per tensor:
///         4         uint32 rank
///         8 × rank  int64 sizes
///         4 × numel float32 values, row-major
/// last    32        SHA-256 of every byte before it (the payload); model.json records the same digest
/// </code>
/// </remarks>
internal static class WeightsFile
{
    /// <summary>The format version written and read.</summary>
    public const uint Version = 1;

    private const int HeaderLength = 16;
    private const int DigestLength = 32;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'G', (byte)'W', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    /// <summary>Serializes tensors; returns the file's bytes and the hex SHA-256 of the payload.</summary>
    public static byte[] Serialize(IReadOnlyList<int> layerSizes, IReadOnlyList<ReadOnlyMemory<float>> tensors, out string sha256)
    {
        long length = HeaderLength + DigestLength;
        for (int i = 0; i < tensors.Count; i++)
        {
            length += 4 + (8L * TrainedModel.ShapeOf(layerSizes, i).Length) + (4L * tensors[i].Length);
        }

        if (length > Array.MaxLength)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"The weights need {length} bytes; weights.bin holds at most {Array.MaxLength}."));
        }

        byte[] bytes = new byte[length];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)tensors.Count);
        int at = HeaderLength;
        for (int i = 0; i < tensors.Count; i++)
        {
            int[] shape = TrainedModel.ShapeOf(layerSizes, i);
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)shape.Length);
            at += 4;
            foreach (int size in shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], size);
                at += 8;
            }

            foreach (float value in tensors[i].Span)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[at..], value);
                at += 4;
            }
        }

        byte[] digest = SHA256.HashData(span[..at]);
        digest.CopyTo(span[at..]);
        sha256 = Convert.ToHexStringLower(digest);
        return bytes;
    }

    /// <summary>Reads and checks a weights file against the layer sizes and digest that model.json records.</summary>
    /// <param name="path">The weights file.</param>
    /// <param name="layerSizes">The layer sizes from model.json.</param>
    /// <param name="expectedLength">The byte length model.json records.</param>
    /// <param name="expectedSha256">The lower-case hex SHA-256 model.json records.</param>
    /// <returns>One array per tensor, w0, b0, w1, …</returns>
    public static float[][] Read(string path, IReadOnlyList<int> layerSizes, long expectedLength, string expectedSha256)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException(path, "the file does not exist; a saved model needs both model.json and weights.bin in the same directory");
        }

        long length = new FileInfo(path).Length;
        if (length < HeaderLength + DigestLength)
        {
            throw new ModelFormatException(
                path, string.Create(CultureInfo.InvariantCulture, $"the file is truncated: it has {length} bytes, fewer than the {HeaderLength + DigestLength} of a header and checksum (model.json records {expectedLength})"));
        }

        byte[] header = new byte[HeaderLength];
        using (FileStream stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }

        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new ModelFormatException(
                path, $"wrong magic bytes: expected {Convert.ToHexString(Magic)} (an MLNet.HyperGrad weights file), found {Convert.ToHexString(header, 0, 8)}");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != Version)
        {
            throw new ModelFormatException(
                path, string.Create(CultureInfo.InvariantCulture, $"weights format version {version} is not supported: this library reads version {Version}"));
        }

        int expectedCount = 2 * (layerSizes.Count - 1);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (count != expectedCount)
        {
            throw new ModelFormatException(
                path, string.Create(CultureInfo.InvariantCulture, $"the file holds {count} tensors; the layer sizes [{string.Join(", ", layerSizes)}] in model.json need {expectedCount}"));
        }

        if (length != expectedLength)
        {
            string problem = length < expectedLength
                ? string.Create(CultureInfo.InvariantCulture, $"the file is truncated: it has {length} bytes, model.json records {expectedLength}")
                : string.Create(CultureInfo.InvariantCulture, $"the file has {length} bytes, model.json records {expectedLength}: it has extra bytes or belongs to another model");
            throw new ModelFormatException(path, problem);
        }

        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        var tensors = new float[expectedCount][];
        int at = HeaderLength;
        for (int i = 0; i < expectedCount; i++)
        {
            string name = i % 2 == 0 ? Mlp.WeightName(i / 2) : Mlp.BiasName(i / 2);
            int[] expectedShape = TrainedModel.ShapeOf(layerSizes, i);
            Need(path, span, at, 4, $"the rank of tensor {i} ({name})");
            uint rank = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
            at += 4;
            if (rank != expectedShape.Length)
            {
                throw new ModelFormatException(
                    path, string.Create(CultureInfo.InvariantCulture, $"tensor {i} ({name}) has rank {rank}; the layer sizes [{string.Join(", ", layerSizes)}] in model.json need shape [{string.Join(", ", expectedShape)}]"));
            }

            long[] shape = new long[rank];
            Need(path, span, at, 8L * rank, $"the shape of tensor {i} ({name})");
            for (int k = 0; k < rank; k++)
            {
                shape[k] = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
                at += 8;
            }

            if (!shape.SequenceEqual(expectedShape.Select(s => (long)s)))
            {
                throw new ModelFormatException(
                    path, string.Create(CultureInfo.InvariantCulture, $"tensor {i} ({name}) has shape [{string.Join(", ", shape)}]; the layer sizes [{string.Join(", ", layerSizes)}] in model.json need [{string.Join(", ", expectedShape)}]"));
            }

            long numel = expectedShape.Aggregate(1L, (a, b) => a * b);
            Need(path, span, at, 4L * numel, $"the values of tensor {i} ({name})");
            float[] values = new float[numel];
            for (int k = 0; k < numel; k++)
            {
                values[k] = BinaryPrimitives.ReadSingleLittleEndian(span[at..]);
                at += 4;
            }

            tensors[i] = values;
        }

        if (span.Length - at != DigestLength)
        {
            throw new ModelFormatException(
                path, string.Create(CultureInfo.InvariantCulture, $"expected the {DigestLength}-byte SHA-256 trailer at byte {at} to end the file, found {span.Length - at} bytes left"));
        }

        string actual = Convert.ToHexStringLower(SHA256.HashData(span[..at]));
        string trailer = Convert.ToHexStringLower(span[at..]);
        if (!string.Equals(actual, trailer, StringComparison.Ordinal))
        {
            throw new ModelFormatException(path, $"checksum mismatch: the SHA-256 of the payload is {actual} but the file's trailer records {trailer}; the file is corrupt");
        }

        if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
        {
            throw new ModelFormatException(
                path, $"checksum mismatch: the file's SHA-256 is {actual} but model.json records {expectedSha256}; the two files come from different saves");
        }

        for (int i = 0; i < tensors.Length; i++)
        {
            int bad = Array.FindIndex(tensors[i], v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new ModelFormatException(
                    path, string.Create(CultureInfo.InvariantCulture, $"tensor {i} holds {tensors[i][bad]} at element {bad}; weights must be finite"));
            }
        }

        return tensors;
    }

    private static void Need(string path, ReadOnlySpan<byte> span, int at, long count, string what)
    {
        if (at + count > span.Length - DigestLength)
        {
            throw new ModelFormatException(
                path, string.Create(CultureInfo.InvariantCulture, $"the file is truncated: {what} needs {count} bytes at byte {at}, but only {Math.Max(0, span.Length - DigestLength - at)} remain before the checksum"));
        }
    }
}
