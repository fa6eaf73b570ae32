using System.Buffers;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Counts line breaks in a file's bytes: an upper bound on its records, to size buffers once.</summary>
internal static class CsvLineCounter
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Counts the line breaks (LF, CRLF, lone CR) in the file's raw bytes; every record ends at one
    /// or at the end of the file, so records ≤ breaks + 1. Bytes are counted whatever the encoding,
    /// which can only over-count (UTF-16 characters whose bytes contain 0x0A or 0x0D).
    /// </summary>
    public static long CountLineBreaks(string path)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            long breaks = 0;
            bool previousWasCr = false;
            int read;
            while ((read = file.Read(buffer, 0, BufferSize)) > 0)
            {
                ReadOnlySpan<byte> bytes = buffer.AsSpan(0, read);
                long pairs = bytes.Count("\r\n"u8) + (previousWasCr && bytes[0] == (byte)'\n' ? 1 : 0);
                breaks += bytes.Count((byte)'\n') + bytes.Count((byte)'\r') - pairs;
                previousWasCr = bytes[^1] == (byte)'\r';
            }

            return breaks;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
