using System.Globalization;
using System.Text;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Reading streams the file through Sep: line numbers, quotes and memory on files larger than its buffers.</summary>
public sealed class CsvStreamingTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_BadCellFarIntoALargeFile_ReportsItsLine()
    {
        var text = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 60_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5},{(i % 2 == 0 ? "p" : "q")}\n");
        }

        text.Append("1,2,p,extra\n");
        string path = temp.Write("long.csv", text.ToString());

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(60_002, ex.Line);
        Assert.Contains("long.csv line 60002", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MultiLineQuotedHeaderAndLeadingBlankLines_CountsEveryPhysicalLine()
    {
        // Blank lines 1-2, a header spanning lines 3-4, data on lines 5-6; line 6 is short.
        string path = temp.Write("lines.csv", "\n\n\"first\nname\",y\n1,a\n2\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(6, ex.Line);
        Assert.Contains("expected 2 fields as in the header, found 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MultiLineFirstRecordWithoutHeader_NextRecordsKeepTheirLines()
    {
        string path = temp.Write("plain.csv", "\"a\nb\",1,p\nc,2,q\nd,x\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { HasHeader = false, LabelColumn = "2" }));

        Assert.Equal(4, ex.Line);
        Assert.Contains("as in the first row (line 1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_QuoteInsideUnquotedField_ReportsLineColumnAndValue()
    {
        string path = temp.Write("height.csv", "height,y\n5.5,a\n5'3\",b\n6,a\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(3, ex.Line);
        Assert.Equal("height", ex.Column);
        Assert.Contains("found one inside the unquoted field \"5'3\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("double the quotes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SpacesAroundQuotedFieldAndInsideIt_AreTrimmed()
    {
        string path = temp.Write("spaces.csv", "name,x,y\n  \" a, b \"  ,1,p\n\"c\",2,q\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" });

        Assert.Equal(["a, b", "c"], result.Schema.Columns[0].Categories);
    }

    [Fact]
    public void Read_UnterminatedQuoteAfterAMultiLineField_NamesTheLineTheQuoteOpensOn()
    {
        string path = temp.Write("open.csv", "a,b,y\n\"x\ny\",\"never closed,p\n1,2,q\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(2, ex.Line);
        Assert.Equal("b", ex.Column);
        Assert.Contains("the quote opened on line 3 is never closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TabDelimiter_Parsed()
    {
        string path = temp.Write("tabs.tsv", "x\tname\ty\n1\tred\ta\n2\tblue\tb\n");

        CsvDataset result = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", Delimiter = '\t' });

        Assert.Equal(["x", "name=blue", "name=red"], result.Dataset.FeatureNames);
    }

    [Theory]
    [InlineData('#')]
    [InlineData('é')]
    [InlineData('\0')]
    public void Read_DelimiterSepCannotUse_ThrowsArgumentException(char delimiter)
    {
        string path = temp.Write("t.csv", "x,y\n1,a\n2,b\n");

        var ex = Assert.Throws<ArgumentException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", Delimiter = delimiter }));

        Assert.Contains("Delimiter must be a tab or a printable ASCII character", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LargeNumericFile_AllocatesLessThanTwiceTheFeatureMatrix()
    {
        const int rows = 100_000;
        const int columns = 10;
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, columns).Select(j => "f" + j.ToString(CultureInfo.InvariantCulture))) + ",y\n");
        var random = new Random(3);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{random.NextDouble():F6},");
            }

            text.Append(random.Next(2)).Append('\n');
        }

        string path = temp.Write("numeric.csv", text.ToString());
        long matrix = (long)rows * columns * sizeof(float);
        var options = new CsvReadOptions { LabelColumn = "y" };
        CsvReader.Read(temp.Write("small.csv", "a,y\n1,p\n2,q\n"), options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        CsvDataset result = CsvReader.Read(path, options);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Loading the text as one string would alone allocate 2 bytes per character: 3.4 times the matrix here.
        Assert.Equal(rows, result.Dataset.Rows);
        Assert.True(allocated < 2 * matrix, $"allocated {allocated:N0} bytes for a {matrix:N0}-byte matrix (file {new FileInfo(path).Length:N0} bytes)");
    }
}
