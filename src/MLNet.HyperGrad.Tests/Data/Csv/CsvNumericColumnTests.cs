using System.Globalization;
using System.Text;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>
/// A column whose non-missing cells are at least 95% numbers is numeric, and its other cells are
/// errors, not categories; missing-value tokens stay missing values.
/// </summary>
public sealed class CsvNumericColumnTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_NumericColumnWithOneMalformedCell_ThrowsNamingFileLineColumnValue()
    {
        // 30 prices, the 13th (line 14) malformed: before, the column silently became 30 categories.
        string path = temp.Write("data.csv", Prices(30, (12, "abc")));

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.StartsWith($"{path} line 14, column \"price\": expected a number, found \"abc\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("29 of its 30 values in the training rows are numbers", ex.Message, StringComparison.Ordinal);
        Assert.Equal(14, ex.Line);
        Assert.Equal("price", ex.Column);
        Assert.Equal("abc", ex.Value);
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    [InlineData("3.5e38")]
    public void Read_NumericColumnWithNonFiniteNumber_ThrowsExpectingAFiniteNumber(string cell)
    {
        string path = temp.Write("data.csv", Prices(30, (4, cell)));

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute }));

        Assert.StartsWith($"{path} line 6, column \"price\": expected a finite number within float32 range", ex.Message, StringComparison.Ordinal);
        Assert.Equal(cell, ex.Value);
    }

    [Fact]
    public void Read_ColumnExactly95PercentNumbers_IsNumericAndTheRestAreErrors()
    {
        string path = temp.Write("data.csv", Prices(20, (19, "cheap")));

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(21, ex.Line);
        Assert.Equal("cheap", ex.Value);
    }

    [Fact]
    public void Read_ColumnUnder95PercentNumbers_IsCategorical()
    {
        string path = temp.Write("data.csv", Prices(19, (18, "cheap")));

        TabularSchema schema = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "y" }).Schema;

        Assert.Equal(ColumnKind.Categorical, schema.Columns[0].Kind);
        Assert.Contains("cheap", schema.Columns[0].Categories);
    }

    [Fact]
    public void Read_MissingTokensInNumericColumn_AreImputedNotErrors()
    {
        string[] tokens = ["", "NA", "n/a", "NaN", "?", "NULL"];
        var text = new StringBuilder("price,y\n");
        for (int i = 0; i < 40; i++)
        {
            string cell = i < tokens.Length ? tokens[i] : (i + 1).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{cell},{(i % 2 == 0 ? "a" : "b")}\n");
        }

        CsvDataset result = CsvReader.Read(temp.Write("data.csv", text.ToString()), new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute });

        // Mean of 7 … 40.
        Assert.Equal(ColumnKind.Numeric, result.Schema.Columns[0].Kind);
        Assert.Equal(23.5, result.Schema.Columns[0].ImputeNumber, 12);
        Assert.Equal(23.5f, result.Dataset.Row(3)[0]);
    }

    [Fact]
    public void Read_SeveralMalformedColumns_ReportsTheFirstCellInTheFile()
    {
        var text = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++)
        {
            string a = i == 30 ? "x" : i.ToString(CultureInfo.InvariantCulture);
            string b = i == 20 ? "oops" : i.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{a},{b},{(i % 2 == 0 ? "p" : "q")}\n");
        }

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(temp.Write("data.csv", text.ToString()), new CsvReadOptions { LabelColumn = "y" }));

        Assert.Equal(22, ex.Line);
        Assert.Equal("b", ex.Column);
    }

    [Fact]
    public void Read_MostlyNumbersWithManyDistinctValues_SaysHowManyAreNumbers()
    {
        // 90% numbers, all distinct: categorical by the rule, then too many categories.
        var text = new StringBuilder("v,y\n");
        for (int i = 0; i < 200; i++)
        {
            string v = i % 10 == 9 ? "n.a." : i.ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{v},{i % 2}\n");
        }

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(temp.Write("data.csv", text.ToString()), new CsvReadOptions { LabelColumn = "y" }));

        Assert.Contains("at most 100 categories", ex.Message, StringComparison.Ordinal);
        Assert.Contains("180 of its 200 values in the training rows are numbers, fewer than the 95% that make a column numeric", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WithSchemaNonFiniteNumberInNumericColumn_ExpectsAFiniteNumber()
    {
        TabularSchema schema = CsvReader.Read(temp.Write("train.csv", Prices(30)), new CsvReadOptions { LabelColumn = "y" }).Schema;
        string path = temp.Write("valid.csv", "price,y\n1,a\n1e999,b\n");

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.Read(path, new CsvReadOptions(), schema));

        Assert.StartsWith($"{path} line 3, column \"price\": expected a finite number within float32 range", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A file with a numeric "price" column of <paramref name="rows"/> rows and alternating labels, with cells replaced at 0-based rows.</summary>
    private static string Prices(int rows, params (int Row, string Cell)[] replacements)
    {
        var text = new StringBuilder("price,y\n");
        for (int i = 0; i < rows; i++)
        {
            string cell = replacements.FirstOrDefault(r => r.Row == i).Cell ?? (10.5 + i).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{cell},{(i % 2 == 0 ? "a" : "b")}\n");
        }

        return text.ToString();
    }
}
