using System.Globalization;
using System.Text;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>Reading with a validation split fits the schema (imputation included) on the training rows only.</summary>
public sealed class CsvReadSplitTests : IDisposable
{
    private const int Rows = 60;
    private const int Seed = 5;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void ReadSplit_Impute_ImputedValueIsTheMeanOfTheTrainingRows()
    {
        // Training rows hold x = 1, 2, …; validation rows hold 1000 + i; every fifth x is missing.
        bool[] isValidation = ValidationRows();
        string[] x = [.. Enumerable.Range(0, Rows).Select(i => i % 5 == 3 ? "NA" : (isValidation[i] ? 1000 + i : i + 1).ToString(CultureInfo.InvariantCulture))];
        string path = temp.Write("gaps.csv", File(x, [.. Enumerable.Range(0, Rows).Select(i => "red")]));

        CsvSplitDataset result = CsvReader.ReadSplit(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute }, 0.2, Seed);

        double[] trainValues = [.. result.Split.TrainRows.Where(r => x[r] != "NA").Select(r => double.Parse(x[r], CultureInfo.InvariantCulture))];
        double allRowsMean = x.Where(v => v != "NA").Average(v => double.Parse(v, CultureInfo.InvariantCulture));
        double imputed = result.Schema.Columns[0].ImputeNumber;
        Assert.Equal(trainValues.Average(), imputed, 9);
        Assert.True(Math.Abs(allRowsMean - imputed) > 100, $"all rows {allRowsMean}, imputed {imputed}");

        // Missing cells of validation rows get the training mean as well.
        int missingValidation = result.Split.ValidationRows.Select((r, i) => (r, i)).First(p => x[p.r] == "NA").i;
        Assert.Equal((float)trainValues.Average(), result.Split.Validation.Row(missingValidation)[0]);
    }

    [Fact]
    public void ReadSplit_Impute_MostFrequentCategoryIsTheTrainingRowsOne()
    {
        // Training rows: 11 "red", then green, yellow, pink, white in turn (10, 9, 9, 9). Validation
        // rows: one missing, the rest "blue" (11), so over the whole file "blue" ties "red" and wins
        // the tie (ordinally first): fitting on every row would impute "blue".
        bool[] isValidation = ValidationRows();
        string[] palette = ["green", "yellow", "pink", "white"];
        string[] color = new string[Rows];
        int t = 0;
        for (int i = 0; i < Rows; i++)
        {
            color[i] = isValidation[i] ? "blue" : t < 11 ? "red" : palette[(t - 11) % palette.Length];
            t += isValidation[i] ? 0 : 1;
        }

        int missing = Array.IndexOf(isValidation, true);
        color[missing] = "?";
        string path = temp.Write("colors.csv", File([.. Enumerable.Range(0, Rows).Select(i => i.ToString(CultureInfo.InvariantCulture))], color));

        CsvSplitDataset result = CsvReader.ReadSplit(path, new CsvReadOptions { LabelColumn = "y", MissingValuePolicy = MissingValuePolicy.Impute }, 0.2, Seed);

        Assert.Equal(color.Count(c => c == "red"), color.Count(c => c == "blue"));
        Assert.Equal("red", result.Schema.Columns[1].ImputeCategory);
        Assert.Equal(["green", "pink", "red", "white", "yellow"], result.Schema.Columns[1].Categories);
        int row = result.Split.ValidationRows.ToList().IndexOf(missing);
        Assert.Equal([0f, 0f, 1f, 0f, 0f], result.Split.Validation.Row(row)[1..].ToArray());
    }

    [Fact]
    public void ReadSplit_CategorySeenOnlyInValidationRows_EncodesAllZeros()
    {
        bool[] isValidation = ValidationRows();
        string[] color = [.. Enumerable.Range(0, Rows).Select(i => isValidation[i] ? "blue" : i % 2 == 0 ? "green" : "red")];
        string path = temp.Write("colors.csv", File([.. Enumerable.Range(0, Rows).Select(i => i.ToString(CultureInfo.InvariantCulture))], color));

        CsvSplitDataset result = CsvReader.ReadSplit(path, new CsvReadOptions { LabelColumn = "y" }, 0.2, Seed);

        Assert.Equal(["x", "color=green", "color=red"], result.Split.Train.FeatureNames);
        for (int r = 0; r < result.Split.Validation.Rows; r++)
        {
            Assert.Equal([0f, 0f], result.Split.Validation.Row(r)[1..].ToArray());
        }
    }

    [Fact]
    public void ReadSplit_SameSeed_ChoosesTheRowsDatasetSplitChoosesOnTheReadDataset()
    {
        string path = temp.Write("plain.csv", File(
            [.. Enumerable.Range(0, Rows).Select(i => (i * 0.25).ToString(CultureInfo.InvariantCulture))],
            [.. Enumerable.Range(0, Rows).Select(i => i % 4 == 0 ? "blue" : "red")]));
        var options = new CsvReadOptions { LabelColumn = "y" };

        CsvSplitDataset split = CsvReader.ReadSplit(path, options, 0.2, Seed);
        TrainValidationSplit expected = DatasetSplit.TrainValidation(CsvReader.Read(path, options).Dataset, 0.2, Seed);

        Assert.Equal(expected.TrainRows, split.Split.TrainRows);
        Assert.Equal(expected.ValidationRows, split.Split.ValidationRows);
        Assert.Equal(expected.Train.Features.ToArray(), split.Split.Train.Features.ToArray());
        Assert.Equal(expected.Validation.Labels.ToArray(), split.Split.Validation.Labels.ToArray());
    }

    [Fact]
    public void ReadSplit_MalformedCellInValidationRowOfNumericColumn_Throws()
    {
        bool[] isValidation = ValidationRows();
        int row = Array.IndexOf(isValidation, true);
        string[] x = [.. Enumerable.Range(0, Rows).Select(i => i == row ? "n.a." : i.ToString(CultureInfo.InvariantCulture))];
        string path = temp.Write("bad.csv", File(x, [.. Enumerable.Range(0, Rows).Select(_ => "red")]));

        var ex = Assert.Throws<DatasetFormatException>(() => CsvReader.ReadSplit(path, new CsvReadOptions { LabelColumn = "y" }, 0.2, Seed));

        Assert.Equal(row + 2, ex.Line);
        Assert.Equal("n.a.", ex.Value);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void ReadSplit_FractionOutsideZeroOne_ThrowsArgumentOutOfRange(double fraction)
    {
        string path = temp.Write("t.csv", "x,y\n1,a\n2,b\n");

        Assert.Throws<ArgumentOutOfRangeException>(() => CsvReader.ReadSplit(path, new CsvReadOptions { LabelColumn = "y" }, fraction, Seed));
    }

    /// <summary>The labels of every test file: three classes, in a fixed pattern.</summary>
    private static string Label(int row) => (row % 3) switch { 0 => "p", 1 => "q", _ => "r" };

    /// <summary>The validation rows the split picks for these labels: it depends on the labels and the seed alone.</summary>
    private static bool[] ValidationRows()
    {
        long[] labels = [.. Enumerable.Range(0, Rows).Select(r => (long)(r % 3))];
        TabularDataset shape = TabularDataset.ForClassification(new float[Rows], labels, ["x"], ["p", "q", "r"]);
        TrainValidationSplit split = DatasetSplit.TrainValidation(shape, 0.2, Seed);
        bool[] isValidation = new bool[Rows];
        foreach (int r in split.ValidationRows)
        {
            isValidation[r] = true;
        }

        return isValidation;
    }

    private static string File(string[] x, string[] color)
    {
        var text = new StringBuilder("x,color,y\n");
        for (int i = 0; i < x.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{x[i]},{color[i]},{Label(i)}\n");
        }

        return text.ToString();
    }
}
