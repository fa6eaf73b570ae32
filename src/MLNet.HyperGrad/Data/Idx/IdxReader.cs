using System.Globalization;
using System.IO.Compression;

namespace MLNet.HyperGrad.Data.Idx;

/// <summary>Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed.</summary>
/// <remarks>
/// An IDX file is two zero bytes, a type code (0x08 for unsigned bytes), a dimension count, one
/// big-endian 32-bit size per dimension, then the elements in row-major order. Only unsigned bytes
/// (0x08) are supported. A file is decompressed when its name ends in <c>.gz</c> or it starts with
/// the gzip magic bytes 1f 8b. The payload must have exactly the length the header announces.
/// </remarks>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">
    /// The header is malformed, the element type is not unsigned bytes, the sizes are absurd, the
    /// payload is shorter or longer than announced, or the gzip stream is corrupt.
    /// </exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = File.OpenRead(path);
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || StartsWithGzipMagic(file);
        if (!gzip)
        {
            return Parse(file, path, file.Length);
        }

        try
        {
            using var decompressed = new GZipStream(file, CompressionMode.Decompress);
            return Parse(decompressed, path, null);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException($"the gzip stream is corrupt ({e.Message}); download or reinstall the file", path, null, null, null, e);
        }
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static IdxArray Parse(Stream stream, string path, long? rawLength)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
        {
            throw new DatasetFormatException($"expected a 4-byte IDX header, found {got} bytes", path, null, null, null);
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DatasetFormatException(
                $"bad IDX magic: expected the first two bytes to be 00 00, found {magic[0]:x2} {magic[1]:x2} (is this an IDX file?)", path, null, null, null);
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new DatasetFormatException(
                $"unsupported IDX element type 0x{magic[2]:x2}: expected 0x08 (unsigned byte)", path, null, null, null);
        }

        int rank = magic[3];
        if (rank == 0)
        {
            throw new DatasetFormatException("expected at least one dimension in the IDX header, found 0", path, null, null, null);
        }

        long[] shape = ReadShape(stream, path, rank);
        int count = ElementCount(shape, path);
        long headerLength = 4 + (4L * rank);
        if (rawLength is long total && total - headerLength != count)
        {
            throw Mismatch(path, shape, count, total - headerLength);
        }

        byte[] data = ReadPayload(stream, path, shape, count);
        return new IdxArray(shape, data);
    }

    private static long[] ReadShape(Stream stream, string path, int rank)
    {
        byte[] sizes = new byte[4 * rank];
        int got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (got < sizes.Length)
        {
            throw new DatasetFormatException(
                $"truncated IDX header: expected {sizes.Length} bytes of sizes for {rank} dimensions, found {got}", path, null, null, null);
        }

        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sizes.AsSpan(4 * i, 4));
        }

        return shape;
    }

    private static int ElementCount(long[] shape, string path)
    {
        long count = 1;
        foreach (long size in shape)
        {
            // Each size is below 2^32, so the product stays exact while it is below Array.MaxLength.
            count *= size;
            if (count > Array.MaxLength)
            {
                throw new DatasetFormatException(
                    $"IDX sizes [{FormatShape(shape)}] announce more than {Array.MaxLength} elements, the most one array can hold", path, null, null, null);
            }
        }

        return (int)count;
    }

    private static byte[] ReadPayload(Stream stream, string path, long[] shape, int count)
    {
        // Grow the buffer as data arrives so that a lying header on a short file cannot allocate gigabytes.
        byte[] data = new byte[Math.Min(count, 1 << 20)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
            }

            int n = stream.Read(data, filled, data.Length - filled);
            if (n == 0)
            {
                throw Mismatch(path, shape, count, filled);
            }

            filled += n;
        }

        long trailing = CountRemaining(stream);
        if (trailing > 0)
        {
            throw Mismatch(path, shape, count, count + trailing);
        }

        return data;
    }

    private static long CountRemaining(Stream stream)
    {
        byte[] buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static DatasetFormatException Mismatch(string path, long[] shape, long expected, long found)
    {
        string what = found < expected ? "truncated IDX payload" : "trailing data after the IDX payload";
        return new DatasetFormatException(
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected} bytes for sizes [{FormatShape(shape)}], found {found}"),
            path, null, null, null);
    }

    private static string FormatShape(long[] shape) =>
        string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
