using System.Buffers.Binary;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// The file of a saved <see cref="BlackBoxLstm"/>, version 1 (the <see cref="BlackBoxLstmDesign.Original"/> design) or 2
/// (any design). Every number is little-endian.
/// </summary>
/// <remarks>
/// <code>
/// offset  size      field
/// 0       8         magic 0x89 'H' 'G' 'B' '\r' '\n' 0x1A '\n'
/// 8       4         uint32 format version (1 or 2)
/// 12      4         int32 hidden size H
/// 16      4         int32 per-coordinate features (5, or 8 with the relative inputs)
/// 20      4         uint32 dtype: 0 float32, 1 float64
/// 24      4         uint32 tensor count (5, or 6 with a shrinking scale)
/// 28      4         version 2 only: uint32 design (BlackBoxLstmDesign)
/// then per tensor, in the order of BlackBoxLstm.Shapes:
///         4         uint32 rank
///         8 × rank  int64 sizes
///         4 or 8 × numel values (float32 or float64), row-major
/// last    32        SHA-256 of every byte before it
/// </code>
/// The original design is written as version 1, byte for byte as before the designs existed, so re-training the
/// network shipped until 2026-12-05 (the original design) reproduces its file; version 1 files load as the original design.
/// </remarks>
internal static class BlackBoxLstmFile
{
    public const uint Version = 2;
    private const int HeaderLengthVersion1 = 28;
    private const int HeaderLength = 32;
    private const int DigestLength = 32;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'G', (byte)'B', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    public static byte[] Write(int hiddenSize, BlackBoxLstmDesign design, ScalarType dtype, IReadOnlyList<double[]> values)
    {
        IReadOnlyList<(string Name, long[] Shape)> shapes = BlackBoxLstm.Shapes(hiddenSize, design);
        int elementSize = dtype == ScalarType.Float64 ? 8 : 4;
        bool original = design == BlackBoxLstmDesign.Original;
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[original ? HeaderLengthVersion1 : HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], original ? 1u : Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], hiddenSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], BlackBoxLstm.FeatureCountOf(design));
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], dtype == ScalarType.Float64 ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)shapes.Count);
        if (!original)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)design);
        }

        stream.Write(header);
        TensorPayload.Write(stream, shapes.Select((s, i) => (s.Shape, values[i])), elementSize);
        byte[] payload = stream.ToArray();
        return [.. payload, .. SHA256.HashData(payload)];
    }

    public static (int HiddenSize, BlackBoxLstmDesign Design, ScalarType Dtype, IReadOnlyList<double[]> Values) Read(byte[] bytes, string source)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.Length < 8 || !span[..8].SequenceEqual(Magic))
        {
            string found = Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length));
            throw new LearnedOptimizerFormatException(source, $"wrong magic bytes: expected {Convert.ToHexString(Magic)} (an MLNet.HyperGrad learned black-box optimizer), found {(found.Length == 0 ? "an empty file" : found)}");
        }

        if (span.Length < HeaderLengthVersion1 + DigestLength)
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"the file is truncated: it has {span.Length} bytes, fewer than the {HeaderLengthVersion1 + DigestLength} of a header and checksum"));
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (version is not (1u or Version))
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"format version {version} is not supported: this library reads versions 1 and {Version}"));
        }

        int headerLength = version == 1 ? HeaderLengthVersion1 : HeaderLength;
        if (span.Length < headerLength + DigestLength)
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"the file is truncated: it has {span.Length} bytes, fewer than the {headerLength + DigestLength} of a version {version} header and checksum"));
        }

        ReadOnlySpan<byte> payload = span[..^DigestLength];
        string actual = Convert.ToHexStringLower(SHA256.HashData(payload));
        string trailer = Convert.ToHexStringLower(span[^DigestLength..]);
        if (!string.Equals(actual, trailer, StringComparison.Ordinal))
        {
            throw new LearnedOptimizerFormatException(source, $"checksum mismatch: the SHA-256 of the payload is {actual} but the file's trailer records {trailer}; the file is corrupt or truncated");
        }

        var design = BlackBoxLstmDesign.Original;
        if (version != 1)
        {
            uint designCode = BinaryPrimitives.ReadUInt32LittleEndian(span[28..]);
            if (designCode > int.MaxValue || !Enum.IsDefined((BlackBoxLstmDesign)designCode))
            {
                throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"design code {designCode} is not one this library knows ({string.Join(", ", Enum.GetValues<BlackBoxLstmDesign>().Select(d => $"{(int)d} {d}"))})"));
            }

            design = (BlackBoxLstmDesign)designCode;
        }

        int hiddenSize = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        int features = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        if (hiddenSize < 1 || hiddenSize > 4096)
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"the recorded hidden size {hiddenSize} is not between 1 and 4096"));
        }

        if (features != BlackBoxLstm.FeatureCountOf(design))
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"the network reads {features} features per coordinate; this library's {design} design reads {BlackBoxLstm.FeatureCountOf(design)}"));
        }

        uint dtypeCode = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        if (dtypeCode > 1)
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"dtype code {dtypeCode} is not 0 (float32) or 1 (float64)"));
        }

        int elementSize = dtypeCode == 1 ? 8 : 4;
        IReadOnlyList<(string Name, long[] Shape)> expected = BlackBoxLstm.Shapes(hiddenSize, design);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
        if (count != expected.Count)
        {
            throw new LearnedOptimizerFormatException(source, BlackBoxLstm.Invariant($"the file holds {count} tensors; the network has {expected.Count}"));
        }

        List<double[]> values = TensorPayload.Read(source, payload, headerLength, expected, elementSize);
        return (hiddenSize, design, dtypeCode == 1 ? ScalarType.Float64 : ScalarType.Float32, values);
    }
}
