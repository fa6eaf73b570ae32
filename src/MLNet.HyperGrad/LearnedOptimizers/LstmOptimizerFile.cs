using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>
/// The file of a saved <see cref="LstmOptimizer"/>, version 1. Every number is little-endian.
/// </summary>
/// <remarks>
/// <code>
/// offset  size      field
/// 0       8         magic 0x89 'H' 'G' 'O' '\r' '\n' 0x1A '\n'
/// 8       4         uint32 format version (1)
/// 12      4         int32 hidden size H
/// 16      4         int32 layers L
/// 20      8         float64 preprocessing k
/// 28      8         float64 output scale
/// 36      4         uint32 dtype: 0 float32, 1 float64
/// 40      4         uint32 tensor count (3 L + 2)
/// then per tensor, in the order of LstmOptimizer.Shapes:
///         4         uint32 rank
///         8 × rank  int64 sizes
///         4 or 8 × numel values (float32 or float64), row-major
/// last    32        SHA-256 of every byte before it
/// </code>
/// </remarks>
internal static class LstmOptimizerFile
{
    public const uint Version = 1;
    private const int HeaderLength = 44;
    private const int DigestLength = 32;

    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'H', (byte)'G', (byte)'O', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    public static void Write(string path, LstmOptimizerOptions options, ScalarType dtype, IReadOnlyList<(string Name, long[] Shape, double[] Values)> tensors)
    {
        int elementSize = dtype == ScalarType.Float64 ? 8 : 4;
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], options.HiddenSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], options.Layers);
        BinaryPrimitives.WriteDoubleLittleEndian(header[20..], options.PreprocessingK);
        BinaryPrimitives.WriteDoubleLittleEndian(header[28..], options.OutputScale);
        BinaryPrimitives.WriteUInt32LittleEndian(header[36..], dtype == ScalarType.Float64 ? 1u : 0u);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)tensors.Count);
        stream.Write(header);
        TensorPayload.Write(stream, tensors.Select(t => (t.Shape, t.Values)), elementSize);
        byte[] payload = stream.ToArray();
        byte[] digest = SHA256.HashData(payload);
        using FileStream file = File.Create(path);
        file.Write(payload);
        file.Write(digest);
    }

    public static (LstmOptimizerOptions Options, ScalarType Dtype, IReadOnlyList<(string Name, long[] Shape, double[] Values)> Tensors) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LearnedOptimizerFormatException(path, "the file does not exist; a learned optimizer is saved by LstmOptimizer.Save or `bench learned-lstm --save FILE`");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LearnedOptimizerFormatException(path, "the file cannot be read: " + ex.Message, ex);
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.Length < 8 || !span[..8].SequenceEqual(Magic))
        {
            string found = Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length));
            throw new LearnedOptimizerFormatException(path, $"wrong magic bytes: expected {Convert.ToHexString(Magic)} (an MLNet.HyperGrad learned optimizer), found {(found.Length == 0 ? "an empty file" : found)}");
        }

        if (span.Length < HeaderLength + DigestLength)
        {
            throw new LearnedOptimizerFormatException(path, Invariant($"the file is truncated: it has {span.Length} bytes, fewer than the {HeaderLength + DigestLength} of a header and checksum"));
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (version != Version)
        {
            throw new LearnedOptimizerFormatException(path, Invariant($"format version {version} is not supported: this library reads version {Version}"));
        }

        ReadOnlySpan<byte> payload = span[..^DigestLength];
        string actual = Convert.ToHexStringLower(SHA256.HashData(payload));
        string trailer = Convert.ToHexStringLower(span[^DigestLength..]);
        if (!string.Equals(actual, trailer, StringComparison.Ordinal))
        {
            throw new LearnedOptimizerFormatException(path, $"checksum mismatch: the SHA-256 of the payload is {actual} but the file's trailer records {trailer}; the file is corrupt or truncated");
        }

        var options = new LstmOptimizerOptions
        {
            HiddenSize = BinaryPrimitives.ReadInt32LittleEndian(span[12..]),
            Layers = BinaryPrimitives.ReadInt32LittleEndian(span[16..]),
            PreprocessingK = BinaryPrimitives.ReadDoubleLittleEndian(span[20..]),
            OutputScale = BinaryPrimitives.ReadDoubleLittleEndian(span[28..]),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new LearnedOptimizerFormatException(path, "the recorded architecture is invalid: " + ex.Message, ex);
        }

        uint dtypeCode = BinaryPrimitives.ReadUInt32LittleEndian(span[36..]);
        if (dtypeCode > 1)
        {
            throw new LearnedOptimizerFormatException(path, Invariant($"dtype code {dtypeCode} is not 0 (float32) or 1 (float64)"));
        }

        int elementSize = dtypeCode == 1 ? 8 : 4;
        IReadOnlyList<(string Name, long[] Shape)> expected = LstmOptimizer.Shapes(options);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span[40..]);
        if (count != expected.Count)
        {
            throw new LearnedOptimizerFormatException(path, Invariant($"the file holds {count} tensors; {options.Layers} LSTM layers need {expected.Count}"));
        }

        List<double[]> values = TensorPayload.Read(path, payload, HeaderLength, expected, elementSize);
        var tensors = expected.Select((e, i) => (e.Name, e.Shape, values[i])).ToList();
        return (options, dtypeCode == 1 ? ScalarType.Float64 : ScalarType.Float32, tensors);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
