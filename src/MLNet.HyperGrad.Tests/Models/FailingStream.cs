namespace MLNet.HyperGrad.Tests.Models;

/// <summary>Passes writes through to an inner stream until a byte budget runs out, then throws like a full disk.</summary>
internal sealed class FailingStream(Stream inner, long failAfterBytes) : Stream
{
    private long written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = failAfterBytes - written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)Math.Max(room, 0)]);
            written = failAfterBytes;
            throw new IOException("No space left on device (simulated).");
        }

        inner.Write(buffer);
        written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
