using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Outputs;

public sealed class PipelineModelTests
{
    [Fact]
    public void Fit_BinaryTrainerOnBreastCancer_PredictsClassNamesAndSurvivesSaveAndLoad()
    {
        using var dir = new TempDirectory();
        string csv = SklearnCsv.Export("breast_cancer", dir.Path);
        CsvDataViewSplit data = CsvDataViewReader.ReadSplit(csv, new CsvReadOptions { LabelColumn = "target" }, 0.2, seed: 1);
        var ml = new MLContext(seed: 1);
        IEstimator<ITransformer> pipeline = TabularFeaturizer.Create(ml, data.Schema, binaryLabel: true)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());

        ITransformer model = PipelineModel.Fit(ml, pipeline, data.Train, data.Schema);
        string path = dir.File(PipelineModel.FileName);
        PipelineModel.Save(ml, model, data.Train.Schema, path);
        ITransformer loaded = ml.Model.Load(path, out _);

        string[] predicted = [.. model.Transform(data.Validation!).GetColumn<string>(PipelineModel.PredictedLabelColumn)];
        string[] truth = [.. data.Validation!.GetColumn<string>("target")];
        Assert.Equal(["benign", "malignant"], data.Schema.ClassNames);
        Assert.Equal(predicted, loaded.Transform(data.Validation!).GetColumn<string>(PipelineModel.PredictedLabelColumn).ToArray());
        Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) > 0.9 * truth.Length, string.Join(",", predicted));
        Assert.Contains("malignant", predicted);
    }

    [Fact]
    public void Fit_Regression_ScoreOnly()
    {
        using var dir = new TempDirectory();
        string csv = SklearnCsv.Export("diabetes", dir.Path);
        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target", Task = TaskKind.Regression });
        var ml = new MLContext(seed: 1);

        ITransformer model = PipelineModel.Fit(ml, TabularFeaturizer.Create(ml, data.Schema).Append(ml.Regression.Trainers.Sdca()), data.Train, data.Schema);

        IDataView scored = model.Transform(data.Train);
        Assert.Null(scored.Schema.GetColumnOrNull(PipelineModel.PredictedLabelColumn));
        Assert.True(ml.Regression.Evaluate(scored).RSquared > 0.4);
    }
}
