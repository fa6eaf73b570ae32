using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Estimators;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Estimators;

public sealed class HyperGradMlpTrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void Fit_WineThroughConcatenateAndMapValueToKey_EvaluatesAboveNinetyPercentOnHeldOutRows()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);
        var pipeline = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 30, seed: 3));

        var model = pipeline.Fit(split.TrainSet);
        IDataView scored = model.Transform(split.TestSet);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);

        output.WriteLine($"wine test: micro accuracy {metrics.MicroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
        Assert.InRange(metrics.MicroAccuracy, 0.9, 1.0);
        Assert.InRange(metrics.LogLoss, 0, 0.5);
        var score = (VectorDataViewType)scored.Schema["Score"].Type;
        Assert.Equal(3, score.Size);
        var predicted = (KeyDataViewType)scored.Schema["PredictedLabel"].Type;
        Assert.Equal(3ul, predicted.Count);
    }

    [Fact]
    public void Transform_PredictedLabelThroughMapKeyToValue_GivesTheClassNames()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 30, seed: 3)).Fit(data);
        IDataView named = ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(model.Transform(data)).Transform(model.Transform(data));

        string[] predicted = named.GetColumn<string>("PredictedName").ToArray();
        string[] truth = named.GetColumn<string>("Target").ToArray();

        Assert.Equal(["class_0", "class_1", "class_2"], predicted.Distinct().Order());
        Assert.InRange(predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length, 0.95, 1.0);
    }

    [Fact]
    public void CreatePredictionEngine_OneWineRow_MatchesTransform()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 10, seed: 3)).Fit(data);
        SklearnRows.WineRow row = ml.Data.CreateEnumerable<SklearnRows.WineRow>(data, reuseRowObject: false).ElementAt(100);
        float[] expected = model.Transform(data).GetColumn<float[]>("Score").ElementAt(100);

        var engine = ml.Model.CreatePredictionEngine<SklearnRows.WineRow, MulticlassPrediction>(model);
        MulticlassPrediction prediction = engine.Predict(row);

        Assert.Equal(expected, prediction.Score);
        Assert.Equal((uint)Array.IndexOf(expected, expected.Max()) + 1, prediction.PredictedLabel);
    }

    [Fact]
    public void Fit_BreastCancerBinary_EvaluatesWithHighAccuracyAndAuc()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.BreastCancerRow>(SklearnRows.BreastCancerPath, separatorChar: ',', hasHeader: true);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 2);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(SklearnRows.BreastCancerRow.Measurements))
            .Append(ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], nameof(SklearnRows.BreastCancerRow.Target)))
            .Append(ml.BinaryClassification.Trainers.HyperGradMlp(epochs: 20, seed: 4));

        IDataView scored = pipeline.Fit(split.TrainSet).Transform(split.TestSet);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);

        output.WriteLine($"breast_cancer test: accuracy {metrics.Accuracy:F4}, AUC {metrics.AreaUnderRocCurve:F4}, log-loss {metrics.LogLoss:F4}");
        Assert.InRange(metrics.Accuracy, 0.93, 1.0);
        Assert.InRange(metrics.AreaUnderRocCurve, 0.97, 1.0);
        Assert.InRange(metrics.LogLoss, 0, 0.35);
    }

    [Fact]
    public void Fit_LearningRateThatDiverges_ThrowsSayingTrainingDivergedWithTheSettings()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.BreastCancerRow>(SklearnRows.BreastCancerPath, separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(SklearnRows.BreastCancerRow.Measurements))
            .Append(ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], nameof(SklearnRows.BreastCancerRow.Target)))
            .Append(ml.BinaryClassification.Trainers.HyperGradMlp(epochs: 5, learningRate: 1e30, seed: 4));

        var e = Assert.Throws<MLNet.HyperGrad.AutoML.TrialDivergedException>(() => pipeline.Fit(data));

        output.WriteLine(e.Message);
        Assert.StartsWith("HyperGradMlp training diverged ", e.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate 1E+30", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DiabetesRegression_EvaluatesWithPositiveRSquared()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.DiabetesRow>(SklearnRows.DiabetesPath, separatorChar: ',', hasHeader: true);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 3);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(SklearnRows.DiabetesRow.Measurements))
            .Append(ml.Transforms.CopyColumns("Label", nameof(SklearnRows.DiabetesRow.Target)))
            .Append(ml.Regression.Trainers.HyperGradMlp(new HyperGradMlpOptions { Epochs = 40, HiddenWidth = 32, Depth = 1, LearningRate = 0.01, L2 = 1e-3, Seed = 5 }));

        IDataView scored = pipeline.Fit(split.TrainSet).Transform(split.TestSet);
        RegressionMetrics metrics = ml.Regression.Evaluate(scored);

        output.WriteLine($"diabetes test: R2 {metrics.RSquared:F4}, MAE {metrics.MeanAbsoluteError:F2}");
        Assert.InRange(metrics.RSquared, 0.3, 1.0);
        Assert.InRange(metrics.MeanAbsoluteError, 20, 60);
    }

    [Fact]
    public void CrossValidate_WinePipeline_EveryFoldAboveEightyFivePercent()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var pipeline = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 30, seed: 3));

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 4, seed: 7);

        output.WriteLine("wine 4-fold micro accuracy: " + string.Join(", ", folds.Select(f => f.Metrics.MicroAccuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(4, folds.Count);
        Assert.All(folds, f => Assert.InRange(f.Metrics.MicroAccuracy, 0.85, 1.0));
    }

    [Fact]
    public void Fit_SameSeedTwice_GivesIdenticalScores()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        float[][] Scores() => SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 5, seed: 11)).Fit(data).Transform(data).GetColumn<float[]>("Score").ToArray();

        Assert.Equal(Scores(), Scores());
    }

    public sealed class MulticlassPrediction
    {
        public float[] Score { get; set; } = [];

        [KeyType(3)]
        public uint PredictedLabel { get; set; }
    }
}
