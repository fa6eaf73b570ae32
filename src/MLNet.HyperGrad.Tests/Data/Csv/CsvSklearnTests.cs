using System.Text.Json;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Tests.Data.Csv;

/// <summary>
/// Real data sets exported by scikit-learn (python3-sklearn at /usr/bin/python3); the expected counts
/// and sums come from Python, not from the reader under test.
/// </summary>
public sealed class CsvSklearnTests : IDisposable
{
    private const string Exporter = """
        import csv, json, sys
        from sklearn.datasets import load_wine, load_diabetes
        out = sys.argv[1]
        w = load_wine()
        with open(out + "/wine.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(w.feature_names) + ["cultivar"])
            for row, t in zip(w.data, w.target):
                writer.writerow([repr(float(v)) for v in row] + [w.target_names[t]])
        d = load_diabetes()
        with open(out + "/diabetes.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(d.feature_names) + ["progression"])
            for row, t in zip(d.data, d.target):
                writer.writerow([repr(float(v)) for v in row] + [repr(float(t))])
        json.dump({
            "wine_rows": int(w.data.shape[0]), "wine_features": list(w.feature_names),
            "wine_classes": [str(c) for c in w.target_names],
            "wine_class_counts": [int((w.target == c).sum()) for c in range(3)],
            "wine_column_sums": [float(s) for s in w.data.sum(axis=0)],
            "diabetes_rows": int(d.data.shape[0]), "diabetes_target_sum": float(d.target.sum()),
            "diabetes_first": [float(v) for v in d.data[0]],
        }, open(out + "/expected.json", "w"))
        """;

    private readonly TempDirectory temp = new();
    private readonly JsonElement expected;

    public CsvSklearnTests()
    {
        SklearnCsv.RunPython(Exporter, temp.Path);
        expected = JsonDocument.Parse(File.ReadAllText(temp.File("expected.json"))).RootElement;
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Read_SklearnWine_MatchesShapeClassesAndColumnSums()
    {
        CsvDataset result = CsvReader.Read(temp.File("wine.csv"), new CsvReadOptions { LabelColumn = "cultivar" });
        TabularDataset data = result.Dataset;

        Assert.Equal(expected.GetProperty("wine_rows").GetInt32(), data.Rows);
        Assert.Equal(expected.GetProperty("wine_features").EnumerateArray().Select(e => e.GetString()!), data.FeatureNames);
        Assert.Equal(expected.GetProperty("wine_classes").EnumerateArray().Select(e => e.GetString()!), data.ClassNames);
        Assert.All(result.Schema.Columns, c => Assert.Equal(ColumnKind.Numeric, c.Kind));
        int[] counts = new int[3];
        foreach (long label in data.Labels)
        {
            counts[label]++;
        }

        Assert.Equal(expected.GetProperty("wine_class_counts").EnumerateArray().Select(e => e.GetInt32()), counts);
        double[] sums = [.. expected.GetProperty("wine_column_sums").EnumerateArray().Select(e => e.GetDouble())];
        for (int j = 0; j < data.FeatureCount; j++)
        {
            double sum = 0;
            for (int i = 0; i < data.Rows; i++)
            {
                sum += data.Row(i)[j];
            }

            Assert.Equal(sums[j], sum, Math.Abs(sums[j]) * 1e-6);
        }
    }

    [Fact]
    public void Read_SklearnWineStratifiedSplitThenStandardize_ValidationUsesTrainStatistics()
    {
        TabularDataset data = CsvReader.Read(temp.File("wine.csv"), new CsvReadOptions { LabelColumn = "cultivar" }).Dataset;

        TrainValidationSplit split = DatasetSplit.TrainValidation(data, 0.25, seed: 42);
        Standardizer standardizer = Standardizer.Fit(split.Train);
        TabularDataset train = standardizer.Transform(split.Train);
        TabularDataset validation = standardizer.Transform(split.Validation);

        Assert.Equal(45, split.Validation.Rows);
        double trainMean = 0;
        double validationMean = 0;
        for (int i = 0; i < train.Rows; i++)
        {
            trainMean += train.Row(i)[12];
        }

        for (int i = 0; i < validation.Rows; i++)
        {
            validationMean += validation.Row(i)[12];
        }

        Assert.Equal(0, trainMean / train.Rows, 4);
        Assert.NotEqual(0, validationMean / validation.Rows, 4);
    }

    [Fact]
    public void Read_SklearnDiabetes_RegressionTargetsAndFeaturesMatch()
    {
        TabularDataset data = CsvReader.Read(
            temp.File("diabetes.csv"), new CsvReadOptions { LabelColumn = "progression", Task = TaskKind.Regression }).Dataset;

        Assert.Equal(expected.GetProperty("diabetes_rows").GetInt32(), data.Rows);
        Assert.Equal(10, data.FeatureCount);
        double targetSum = 0;
        foreach (float t in data.Targets)
        {
            targetSum += t;
        }

        Assert.Equal(expected.GetProperty("diabetes_target_sum").GetDouble(), targetSum, 1e-3);
        float[] first = [.. expected.GetProperty("diabetes_first").EnumerateArray().Select(e => (float)e.GetDouble())];
        Assert.Equal(first, data.Row(0).ToArray());
    }
}
