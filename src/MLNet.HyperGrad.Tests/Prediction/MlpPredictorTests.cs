using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Tests.Models;

namespace MLNet.HyperGrad.Tests.Prediction;

/// <summary>
/// Predicting with saved scikit-learn models: outputs equal the in-memory network's bit for bit,
/// accuracy is well above chance, and CSV files predict without their label column.
/// </summary>
public sealed class MlpPredictorTests(SklearnModelsFixture sklearn) : IClassFixture<SklearnModelsFixture>, IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_SavedWine_ValidationOutputsEqualInMemoryNetworkBitForBit()
    {
        TrainedMlp wine = sklearn.Wine;
        TabularDataset validation = wine.Split.Validation;
        (float[] logits, float[] probabilities) = TestModels.Forward(wine.Mlp, wine.Weights, wine.Standardizer.Transform(validation));
        wine.Model.Save(temp.File("wine"));

        using MlpPredictor predictor = MlpPredictor.Load(temp.File("wine"));
        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(validation);

        Assert.Equal(validation.Rows, predictions.Count);
        Assert.Equal(Bits(logits), Bits(predictions.SelectMany(p => p.Outputs)));
        Assert.Equal(Bits(probabilities), Bits(predictions.SelectMany(p => p.Probabilities)));
    }

    [Fact]
    public void Predict_SavedWine_ValidationAccuracyWellAboveChance()
    {
        TrainedMlp wine = sklearn.Wine;
        wine.Model.Save(temp.File("wine"));
        using MlpPredictor predictor = MlpPredictor.Load(temp.File("wine"));
        TabularDataset validation = wine.Split.Validation;

        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(validation);

        double accuracy = Enumerable.Range(0, validation.Rows).Count(i => predictions[i].ClassIndex == validation.Labels[i]) / (double)validation.Rows;
        // Three cultivars; the largest holds 40% of the rows.
        Assert.True(accuracy >= 0.85, $"Validation accuracy {accuracy:F3} is not well above chance.");
        Assert.All(predictions, p => Assert.Equal(wine.Model.ClassNames[p.ClassIndex], p.ClassName));
        Assert.All(predictions, p => Assert.Equal(1.0, p.Probabilities.Sum(x => (double)x), 5));
        Assert.All(predictions, p => Assert.Equal(p.Outputs.ToList().IndexOf(p.Outputs.Max()), p.ClassIndex));
    }

    [Fact]
    public void Predict_SingleRows_EqualInMemoryNetworkOnThatRowBitForBit()
    {
        TrainedMlp wine = sklearn.Wine;
        wine.Model.Save(temp.File("wine"));
        using MlpPredictor predictor = MlpPredictor.Load(temp.File("wine"));
        TabularDataset validation = wine.Split.Validation;

        foreach (int row in new[] { 0, 7, validation.Rows - 1 })
        {
            TabularDataset one = validation.Subset([row]);
            (float[] logits, float[] probabilities) = TestModels.Forward(wine.Mlp, wine.Weights, wine.Standardizer.Transform(one));

            MlpPrediction prediction = predictor.Predict(validation.Row(row));

            Assert.Equal(Bits(logits), Bits(prediction.Outputs));
            Assert.Equal(Bits(probabilities), Bits(prediction.Probabilities));
        }
    }

    [Fact]
    public void PredictCsv_HeaderWithoutLabelColumnsReversed_EqualsPredictionsOfLabelledFile()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        TabularDataset labelled = CsvReader.Read(sklearn.File("wine.csv"), new CsvReadOptions(), sklearn.Wine.Model.Schema!).Dataset;

        IReadOnlyList<MlpPrediction> fromCsv = predictor.PredictCsv(sklearn.File("wine_features.csv"));
        IReadOnlyList<MlpPrediction> fromDataset = predictor.Predict(labelled);

        Assert.Equal(178, fromCsv.Count);
        Assert.Equal(Bits(fromDataset.SelectMany(p => p.Outputs)), Bits(fromCsv.SelectMany(p => p.Outputs)));
        double accuracy = Enumerable.Range(0, labelled.Rows).Count(i => fromCsv[i].ClassIndex == labelled.Labels[i]) / (double)labelled.Rows;
        Assert.True(accuracy >= 0.85, $"Accuracy {accuracy:F3} on the whole file is not well above chance.");
    }

    [Fact]
    public void PredictCsv_NoHeaderNoLabel_EqualsPredictionsWithHeader()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        IReadOnlyList<MlpPrediction> plain = predictor.PredictCsv(sklearn.File("wine_features_noheader.csv"), hasHeader: false);
        IReadOnlyList<MlpPrediction> withHeader = predictor.PredictCsv(sklearn.File("wine_features.csv"));

        Assert.Equal(Bits(withHeader.SelectMany(p => p.Outputs)), Bits(plain.SelectMany(p => p.Outputs)));
    }

    [Fact]
    public void PredictCsv_LabelledFile_IgnoresLabel()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        IReadOnlyList<MlpPrediction> labelled = predictor.PredictCsv(sklearn.File("wine.csv"));
        IReadOnlyList<MlpPrediction> unlabelled = predictor.PredictCsv(sklearn.File("wine_features.csv"));

        Assert.Equal(Bits(unlabelled.SelectMany(p => p.Outputs)), Bits(labelled.SelectMany(p => p.Outputs)));
    }

    [Fact]
    public void PredictCsv_MissingValueWithImpute_PredictsWithTrainingMean()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        string[] names = [.. sklearn.Wine.Model.FeatureNames];
        double[] means = [.. sklearn.Wine.Model.Schema!.Columns.Select(c => c.ImputeNumber)];
        string path = temp.Write(
            "gap.csv",
            string.Join(",", names) + "\n" + string.Join(",", names.Select((_, j) => j == 0 ? "NA" : "1")) + "\n");
        float[] imputed = [.. names.Select((_, j) => j == 0 ? (float)means[0] : 1f)];

        IReadOnlyList<MlpPrediction> predictions = predictor.PredictCsv(path, new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.Impute });

        Assert.Equal(Bits(predictor.Predict(imputed).Outputs), Bits(predictions[0].Outputs));
        Assert.Throws<DatasetFormatException>(() => predictor.PredictCsv(path));
    }

    [Fact]
    public void PredictCsv_DropRowPolicy_ThrowsArgumentException()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        var e = Assert.Throws<ArgumentException>(
            () => predictor.PredictCsv(sklearn.File("wine_features.csv"), new CsvReadOptions { MissingValuePolicy = MissingValuePolicy.DropRow }));

        Assert.Contains("DropRow", e.Message);
    }

    [Fact]
    public void PredictCsv_MissingFeatureColumn_ThrowsDatasetFormatExceptionNamingIt()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        string path = temp.Write("short.csv", "alcohol,malic_acid\n13.2,1.8\n");

        var e = Assert.Throws<DatasetFormatException>(() => predictor.PredictCsv(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal("ash", e.Column);
    }

    [Fact]
    public void PredictCsv_NonNumber_ThrowsWithLineColumnAndValue()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        string[] names = [.. sklearn.Wine.Model.FeatureNames];
        string path = temp.Write(
            "bad.csv",
            string.Join(",", names) + "\n" + string.Join(",", names.Select(_ => "1")) + "\n" + string.Join(",", names.Select((_, j) => j == 4 ? "lots" : "1")) + "\n");

        var e = Assert.Throws<DatasetFormatException>(() => predictor.PredictCsv(path));

        Assert.Equal(3, e.Line);
        Assert.Equal(names[4], e.Column);
        Assert.Equal("lots", e.Value);
    }

    [Fact]
    public void PredictCsv_ModelWithoutSchema_ThrowsInvalidOperation()
    {
        using var predictor = new MlpPredictor(TestModels.Random(1));

        Assert.Throws<InvalidOperationException>(() => predictor.PredictCsv(sklearn.File("wine_features.csv")));
    }

    [Fact]
    public void Predict_WrongFeatureCount_ThrowsWithBothCounts()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[12]));

        Assert.Contains("takes 13 features per row; the row has 12", e.Message);
    }

    [Fact]
    public void Predict_DatasetWithOtherFeatureCount_ThrowsWithBothCounts()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(sklearn.Diabetes.Split.Validation));

        Assert.Contains("takes 13 features per row; the data has 10", e.Message);
    }

    [Fact]
    public void Predict_DatasetWithOtherFeatureNames_Throws()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        TabularDataset v = sklearn.Wine.Split.Validation;
        string[] names = [.. v.FeatureNames];
        (names[0], names[1]) = (names[1], names[0]);
        var swapped = TabularDataset.ForClassification(v.Features, v.Labels, names, v.ClassNames);

        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(swapped));

        Assert.Contains("Feature 0 of the data is \"malic_acid\" but the model's is \"alcohol\"", e.Message);
    }

    [Fact]
    public void Predict_NonFiniteFeature_Throws()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);
        float[] row = new float[13];
        row[3] = float.PositiveInfinity;

        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(row));

        Assert.Contains("Feature 3 (\"alcalinity_of_ash\") is Infinity", e.Message);
    }

    [Fact]
    public void Predict_AfterDispose_ThrowsObjectDisposed()
    {
        var predictor = new MlpPredictor(sklearn.Wine.Model);
        predictor.Dispose();
        predictor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => predictor.Predict(new float[13]));
        Assert.Throws<ObjectDisposedException>(() => predictor.PredictCsv(sklearn.File("wine_features.csv")));
    }

    [Fact]
    public void Load_SavedDiabetesRegression_OutputsEqualInMemoryAndBeatTheMean()
    {
        TrainedMlp diabetes = sklearn.Diabetes;
        TabularDataset validation = diabetes.Split.Validation;
        (float[] outputs, _) = TestModels.Forward(diabetes.Mlp, diabetes.Weights, diabetes.Standardizer.Transform(validation));
        diabetes.Model.Save(temp.File("diabetes"));

        using MlpPredictor predictor = MlpPredictor.Load(temp.File("diabetes"));
        IReadOnlyList<MlpPrediction> predictions = predictor.Predict(validation);

        Assert.Equal(Bits(outputs), Bits(predictions.Select(p => p.Value)));
        Assert.All(predictions, p => Assert.Equal(TaskKind.Regression, p.Task));
        float[] targets = validation.Targets.ToArray();
        double trainMean = diabetes.Split.Train.Targets.ToArray().Average(t => (double)t);
        double modelError = targets.Select((t, i) => Math.Pow(t - predictions[i].Value, 2)).Average();
        double meanError = targets.Select(t => Math.Pow(t - trainMean, 2)).Average();
        Assert.True(modelError < 0.75 * meanError, $"Validation MSE {modelError:F0} is not clearly below that of predicting the mean, {meanError:F0}.");
    }

    [Fact]
    public void PredictCsv_RegressionFileWithoutTarget_Predicts()
    {
        using var predictor = new MlpPredictor(sklearn.Diabetes.Model);
        string path = temp.Write("x.csv", "bmi,age,sex,bp,s1,s2,s3,s4,s5,s6\n0.06,0.04,0.05,0.02,-0.04,-0.03,-0.04,-0.003,0.02,-0.02\n");

        MlpPrediction prediction = Assert.Single(predictor.PredictCsv(path));

        Assert.True(float.IsFinite(prediction.Value));
        Assert.Throws<InvalidOperationException>(() => prediction.ClassIndex);
        Assert.Throws<InvalidOperationException>(() => prediction.Probabilities);
        Assert.StartsWith("value ", prediction.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prediction_Classification_HasNoValue()
    {
        using var predictor = new MlpPredictor(sklearn.Wine.Model);

        MlpPrediction prediction = predictor.Predict(sklearn.Wine.Split.Validation.Row(0));

        Assert.Throws<InvalidOperationException>(() => prediction.Value);
        Assert.StartsWith($"class \"{prediction.ClassName}\"", prediction.ToString(), StringComparison.Ordinal);
    }

    private static int[] Bits(IEnumerable<float> values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
