using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary>The trainer's contract as an estimator: column errors, options validation, output schema, the tunable parameter, cancellation and progress.</summary>
public sealed class HyperGradMlpTrainerContractTests
{
    [Fact]
    public void Fit_FeaturesColumnIsText_ThrowsNamingColumnTypeAndConcatenate()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var pipeline = ml.Transforms.CopyColumns("Features", nameof(SklearnRows.WineRow.Target))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(SklearnRows.WineRow.Target)))
            .Append(ml.MulticlassClassification.Trainers.HyperGradMlp());

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(data));

        Assert.Contains("features column \"Features\" must be a known-size vector of Single; it is", error.Message, StringComparison.Ordinal);
        Assert.Contains("String", error.Message, StringComparison.Ordinal);
        Assert.Contains("mlContext.Transforms.Concatenate(\"Features\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_MulticlassLabelIsText_ThrowsSuggestingMapValueToKey()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(labelColumnName: nameof(SklearnRows.WineRow.Target));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(ml.Transforms.Concatenate("Features", nameof(SklearnRows.WineRow.Measurements)).Fit(data).Transform(data)));

        Assert.Contains("label column \"Target\" must be a key (map the label with mlContext.Transforms.Conversion.MapValueToKey(\"Target\")); it is a scalar of String", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_BinaryLabelIsSingle_ThrowsAskingForBoolean()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.DiabetesRow>(SklearnRows.DiabetesPath, separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.Concatenate("Features", nameof(SklearnRows.DiabetesRow.Measurements))
            .Append(ml.BinaryClassification.Trainers.HyperGradMlp(labelColumnName: nameof(SklearnRows.DiabetesRow.Target)));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(data));

        Assert.Contains("binary label column \"Target\" must be Boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains("it is a scalar of Single.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_MissingFeaturesColumn_ThrowsListingTheInputColumns()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(featureColumnName: "Pixels");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));

        Assert.Contains("features column \"Pixels\" must be a known-size vector of Single; it is missing (the input has \"Measurements\", \"Target\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HyperGradMlp_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.HyperGradMlp(new HyperGradMlpOptions { Epochs = 0, LearningRate = -1, Momentum = 1, FeatureColumnName = "" }));

        Assert.Contains("Epochs must be at least 1, got 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate must be a positive number, got -1.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Momentum must be in [0, 1), got 1.", error.Message, StringComparison.Ordinal);
        Assert.Contains("FeatureColumnName must name a column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOutputSchema_MulticlassAndBinary_MatchTheTransformedSchema()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var featurized = SklearnRows.WineFeaturization(ml).Fit(data).Transform(data);
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 1);

        SchemaShape shape = trainer.GetOutputSchema(InputShape(ml));
        DataViewSchema actual = trainer.Fit(featurized).GetOutputSchema(featurized.Schema);

        SchemaShape.Column score = shape.Single(c => c.Name == "Score");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.Equal(NumberDataViewType.Single, score.ItemType);
        Assert.True(shape.Single(c => c.Name == "PredictedLabel").IsKey);
        Assert.DoesNotContain(shape, c => c.Name.StartsWith("__", StringComparison.Ordinal));
        Assert.DoesNotContain(actual, c => c.Name.StartsWith("__", StringComparison.Ordinal) && !c.IsHidden);
        Assert.Equal(3, ((VectorDataViewType)actual["Score"].Type).Size);
        Assert.Equal(3ul, ((KeyDataViewType)actual["PredictedLabel"].Type).Count);

        SchemaShape binary = ml.BinaryClassification.Trainers.HyperGradMlp().GetOutputSchema(BinaryShape(ml));
        Assert.Equal(BooleanDataViewType.Instance, binary.Single(c => c.Name == "PredictedLabel").ItemType);
        Assert.Equal(NumberDataViewType.Single, binary.Single(c => c.Name == "Probability").ItemType);
    }

    [Fact]
    public void GetOutputSchema_LabelNotAKey_ThrowsSuggestingMapValueToKey()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.HyperGradMlp().GetOutputSchema(BinaryShape(ml)));

        Assert.Contains("MapValueToKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("a scalar of Boolean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_Default_IsTheOptionsHyperparameters()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { HiddenWidth = 24, Depth = 1, Epochs = 7, BatchSize = 50, LearningRate = 0.02 });

        var h = trainer.Hyperparameters;

        Assert.Equal((24, 1, 7, 50, 0.02), (h.HiddenWidth, h.Depth, h.Epochs, h.BatchSize, h.LearningRate), new ToleranceComparer());
        Assert.Equal(["batch_size", "depth", "epochs", "hidden_width", "l2", "learning_rate", "momentum"], trainer.SearchSpace.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parameter_SetByATuner_TheNextFitUsesIt()
    {
        var ml = new MLContext(seed: 1);
        IDataView featurized = SklearnRows.WineFeaturization(ml).Fit(SklearnRows.LoadWine(ml)).Transform(SklearnRows.LoadWine(ml));
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 5);
        Parameter proposed = trainer.SearchSpace.SampleFromFeatureSpace([.. trainer.SearchSpace.Default.Select(_ => 0.0)]);

        trainer.Parameter = proposed;
        HyperGradMlpTransformer model = trainer.Fit(featurized);

        Assert.Equal([13, 16, 3], model.LayerSizes);
        Assert.Single(model.TrainingCurve);
    }

    [Fact]
    public void Parameter_OutsideTheSearchSpace_ThrowsArgumentException()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp();
        Parameter parameter = trainer.Parameter;
        parameter["depth"] = Parameter.FromInt(99);

        Assert.ThrowsAny<ArgumentException>(() => trainer.Parameter = parameter);
    }

    [Fact]
    public void Fit_CancelledAfterTheFirstEpoch_ThrowsOperationCanceledAndReportedOneEpoch()
    {
        var ml = new MLContext(seed: 1);
        IDataView featurized = SklearnRows.WineFeaturization(ml).Fit(SklearnRows.LoadWine(ml)).Transform(SklearnRows.LoadWine(ml));
        using var cancel = new CancellationTokenSource();
        var epochs = new List<EpochReport>();
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions
        {
            Epochs = 50,
            CancellationToken = cancel.Token,
            EpochCompleted = e =>
            {
                epochs.Add(e);
                cancel.Cancel();
            },
        });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(featurized));
        Assert.Single(epochs);
        Assert.Equal(1, epochs[0].Epoch);
    }

    [Fact]
    public void Fit_WithAnEpochCallback_ReportsEveryEpochInOrder()
    {
        var ml = new MLContext(seed: 1);
        IDataView featurized = SklearnRows.WineFeaturization(ml).Fit(SklearnRows.LoadWine(ml)).Transform(SklearnRows.LoadWine(ml));
        var epochs = new List<int>();
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { Epochs = 4, EpochCompleted = e => epochs.Add(e.Epoch) });

        HyperGradMlpTransformer model = trainer.Fit(featurized);

        Assert.Equal([1, 2, 3, 4], epochs);
        Assert.Equal(4, model.TrainingCurve.Count);
        Assert.True(model.TrainingCurve[^1].TrainLoss < model.TrainingCurve[0].TrainLoss);
        Assert.Equal(178, model.TrainingRows);
    }

    [Fact]
    public void Fit_WithValidationData_ReportsValidationAccuracyEveryEpoch()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);
        ITransformer featurization = SklearnRows.WineFeaturization(ml).Fit(split.TrainSet);
        var epochs = new List<EpochReport>();
        var trainer = ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions
        {
            Epochs = 30,
            Seed = 3,
            ValidationData = featurization.Transform(split.TestSet),
            EpochCompleted = epochs.Add,
        });

        HyperGradMlpTransformer model = trainer.Fit(featurization.Transform(split.TrainSet));

        Assert.Equal(30, epochs.Count);
        Assert.All(epochs, e => Assert.NotNull(e.Validation));
        Assert.InRange(epochs[^1].Validation!.Accuracy!.Value, 0.9, 1.0);
        Assert.True(epochs[^1].Validation!.Loss < epochs[0].Validation!.Loss);
        double evaluated = ml.MulticlassClassification.Evaluate(model.Transform(featurization.Transform(split.TestSet))).MicroAccuracy;
        Assert.Equal(evaluated, epochs[^1].Validation!.Accuracy!.Value, 1e-9);
    }

    private static SchemaShape InputShape(MLContext ml) =>
        ml.Transforms.CustomMapping<NoColumns, MulticlassInputShape>(static (_, _) => { }, null).GetOutputSchema(new SchemaShape([]));

    private static SchemaShape BinaryShape(MLContext ml) =>
        ml.Transforms.CustomMapping<NoColumns, BinaryInputShape>(static (_, _) => { }, null).GetOutputSchema(new SchemaShape([]));

    public sealed class NoColumns
    {
    }

    public sealed class MulticlassInputShape
    {
        [VectorType(13)]
        public float[] Features { get; set; } = [];

        [KeyType(3)]
        public uint Label { get; set; }
    }

    public sealed class BinaryInputShape
    {
        [VectorType(13)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class ToleranceComparer : IEqualityComparer<(int, int, int, int, double)>
    {
        public bool Equals((int, int, int, int, double) x, (int, int, int, int, double) y) =>
            (x.Item1, x.Item2, x.Item3, x.Item4) == (y.Item1, y.Item2, y.Item3, y.Item4) && Math.Abs(x.Item5 - y.Item5) < 1e-12;

        public int GetHashCode((int, int, int, int, double) obj) => 0;
    }
}
