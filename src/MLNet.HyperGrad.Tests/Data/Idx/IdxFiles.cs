using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.HyperGrad.Tests.Data.Idx;

/// <summary>Builds IDX files byte by byte, so tests do not depend on the reader they test.</summary>
internal static class IdxFiles
{
    public static byte[] Build(byte type, int[] dims, byte[] payload)
    {
        byte[] bytes = new byte[4 + (4 * dims.Length) + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), (uint)dims[i]);
        }

        payload.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    public static byte[] Ubyte(int[] dims, byte[] payload) => Build(0x08, dims, payload);

    public static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    public static byte[] Sequence(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(i % 251))];
}
