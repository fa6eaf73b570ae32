using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

public sealed class CsvDataViewFoldsTests
{
    [Fact]
    public void Split_WineFiveFolds_EveryRowValidatedOnceAndEachClassSpreadEvenly()
    {
        using var dir = new TempDirectory();
        CsvDataViewSplit wine = CsvDataViewReader.Read(SklearnCsv.Export("wine", dir.Path), new CsvReadOptions { LabelColumn = "target" });

        IReadOnlyList<(IDataView Train, IDataView Validation)> folds = CsvDataViewFolds.Split(wine, 5, seed: 3, stratify: true);

        Assert.Equal(5, folds.Count);
        string[][] validationLabels = [.. folds.Select(f => f.Validation.GetColumn<string>("target").ToArray())];
        Assert.Equal(178, validationLabels.Sum(v => v.Length));
        Assert.All(folds, f => Assert.Equal(178, f.Train.GetRowCount() + f.Validation.GetRowCount()));
        foreach (string label in new[] { "class_0", "class_1", "class_2" })
        {
            int[] perFold = [.. validationLabels.Select(v => v.Count(l => l == label))];
            Assert.InRange(perFold.Max() - perFold.Min(), 0, 1);
        }

        // Every row is validated once: the validation rows of all folds, as rows, are the data's rows.
        string[] all = [.. wine.Train.GetColumn<float>("alcohol").Zip(wine.Train.GetColumn<string>("target"), (a, t) => $"{a}|{t}").Order(StringComparer.Ordinal)];
        string[] validated = [.. folds.SelectMany(f => f.Validation.GetColumn<float>("alcohol").Zip(f.Validation.GetColumn<string>("target"), (a, t) => $"{a}|{t}")).Order(StringComparer.Ordinal)];
        Assert.Equal(all, validated);
    }

    [Fact]
    public void Split_SameSeed_SameFoldsAndAnotherSeedOthers()
    {
        using var dir = new TempDirectory();
        CsvDataViewSplit wine = CsvDataViewReader.Read(SklearnCsv.Export("wine", dir.Path), new CsvReadOptions { LabelColumn = "target" });
        float[] First(int seed) => [.. CsvDataViewFolds.Split(wine, 4, seed, stratify: true)[0].Validation.GetColumn<float>("alcohol")];

        Assert.Equal(First(1), First(1));
        Assert.NotEqual(First(1), First(2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(179)]
    public void Split_FoldsOutOfRange_ThrowsNamingTheRange(int folds)
    {
        using var dir = new TempDirectory();
        CsvDataViewSplit wine = CsvDataViewReader.Read(SklearnCsv.Export("wine", dir.Path), new CsvReadOptions { LabelColumn = "target" });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataViewFolds.Split(wine, folds, seed: 0, stratify: true));

        Assert.Contains("Cross-validation needs from 2 to 178 folds", error.Message, StringComparison.Ordinal);
    }
}
