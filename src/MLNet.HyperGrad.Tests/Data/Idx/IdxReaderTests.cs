using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Data.Idx;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_RawThreeDimensionalFile_ReturnsShapeAndData()
    {
        byte[] payload = IdxFiles.Sequence(24);
        string path = temp.Write("images-idx3-ubyte", IdxFiles.Ubyte([2, 3, 4], payload));

        IdxArray array = IdxReader.Read(path);

        Assert.Equal(new long[] { 2, 3, 4 }, array.Shape);
        Assert.Equal(3, array.Rank);
        Assert.Equal(24, array.Length);
        Assert.Equal(payload, array.Data.ToArray());
    }

    [Fact]
    public void Read_GzipFileNamedGz_Decompresses()
    {
        byte[] payload = IdxFiles.Sequence(5000);
        string path = temp.Write("labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Ubyte([5000], payload)));

        IdxArray array = IdxReader.Read(path);

        Assert.Equal(new long[] { 5000 }, array.Shape);
        Assert.Equal(payload, array.Data.ToArray());
    }

    [Fact]
    public void Read_GzipContentWithoutGzName_DetectsMagicAndDecompresses()
    {
        byte[] payload = IdxFiles.Sequence(6);
        string path = temp.Write("plain-name", IdxFiles.Gzip(IdxFiles.Ubyte([1, 2, 3], payload)));

        IdxArray array = IdxReader.Read(path);

        Assert.Equal(new long[] { 1, 2, 3 }, array.Shape);
        Assert.Equal(payload, array.Data.ToArray());
    }

    [Fact]
    public void Read_FourDimensions_Supported()
    {
        byte[] payload = IdxFiles.Sequence(2 * 1 * 2 * 3);
        string path = temp.Write("four.idx", IdxFiles.Ubyte([2, 1, 2, 3], payload));

        Assert.Equal(new long[] { 2, 1, 2, 3 }, IdxReader.Read(path).Shape);
    }

    [Fact]
    public void Read_ShapeAccessor_ReturnsCopy()
    {
        string path = temp.Write("copy.idx", IdxFiles.Ubyte([2], [7, 8]));
        IdxArray array = IdxReader.Read(path);

        array.Shape[0] = 99;

        Assert.Equal(new long[] { 2 }, array.Shape);
    }

    [Fact]
    public void Read_TruncatedRawPayload_ReportsFileExpectedAndFoundBytes()
    {
        byte[] full = IdxFiles.Ubyte([2, 3, 4], IdxFiles.Sequence(24));
        string path = temp.Write("short-idx3-ubyte", full[..^4]);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("short-idx3-ubyte", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 24 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 20", ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public void Read_TruncatedGzipPayload_ReportsExpectedAndFoundBytes()
    {
        byte[] full = IdxFiles.Ubyte([10, 10], IdxFiles.Sequence(100));
        string path = temp.Write("short.gz", IdxFiles.Gzip(full[..^30]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("short.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 100 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 70", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingGarbage_ReportsExpectedAndFoundBytes()
    {
        byte[] full = IdxFiles.Ubyte([3], [1, 2, 3]);
        string path = temp.Write("long-idx1-ubyte", [.. full, 0xAA, 0xBB]);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("long-idx1-ubyte", ex.Message, StringComparison.Ordinal);
        Assert.Contains("trailing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingGarbageInsideGzip_Throws()
    {
        byte[] full = IdxFiles.Ubyte([3], [1, 2, 3]);
        string path = temp.Write("long.gz", IdxFiles.Gzip([.. full, 0xAA]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("expected 3 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadMagic_ReportsExpectedZeroBytesAndFound()
    {
        byte[] bytes = IdxFiles.Ubyte([3], [1, 2, 3]);
        bytes[0] = 0x01;
        bytes[1] = 0x02;
        string path = temp.Write("magic.idx", bytes);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("magic.idx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("00 00", ex.Message, StringComparison.Ordinal);
        Assert.Contains("01 02", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnsupportedElementType_NamesTypeCode()
    {
        string path = temp.Write("floats.idx", IdxFiles.Build(0x0D, [1], [0, 0, 0, 0]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("floats.idx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0x0d", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0x08", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZeroDimensions_Throws()
    {
        string path = temp.Write("scalar.idx", IdxFiles.Ubyte([], [5]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("found 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedHeader_ReportsExpectedAndFoundBytes()
    {
        byte[] bytes = IdxFiles.Ubyte([2, 2, 2], IdxFiles.Sequence(8));
        string path = temp.Write("header.idx", bytes[..9]);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("expected 12 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyFile_Throws()
    {
        string path = temp.Write("empty.idx", Array.Empty<byte>());

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("empty.idx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 0 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SizesOverflowingAnArray_ThrowsBeforeAllocating()
    {
        string path = temp.Write("huge.idx", IdxFiles.Ubyte([65536, 65536], [1, 2, 3]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("huge.idx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[65536, 65536]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipHeaderClaimingGigabytesOnTinyPayload_ReportsTruncation()
    {
        string path = temp.Write("liar.gz", IdxFiles.Gzip(IdxFiles.Ubyte([1 << 30], [1, 2, 3])));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("expected 1073741824 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptDeflateBlock_ThrowsDatasetFormatExceptionWithPath()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Ubyte([100], IdxFiles.Sequence(100)));
        gzip[10] = 0x07; // first deflate block header: final block of the reserved type 3
        string path = temp.Write("corrupt.gz", gzip);

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("corrupt.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gzip", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void Read_GzNameWithNonGzipContent_ThrowsDatasetFormatException()
    {
        string path = temp.Write("notgzip.gz", IdxFiles.Ubyte([3], [1, 2, 3]));

        var ex = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(path));

        Assert.Contains("notgzip.gz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => IdxReader.Read(temp.File("absent.idx")));
    }
}
