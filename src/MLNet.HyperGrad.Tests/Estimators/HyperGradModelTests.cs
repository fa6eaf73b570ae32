using System.IO.Compression;
using Microsoft.ML;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.LoadCheck;

namespace MLNet.HyperGrad.Tests.Estimators;

public sealed class HyperGradModelTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hypergrad-model-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Save_WineModelLoadedInAFreshProcess_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);
        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 30, seed: 3)).Fit(split.TrainSet);
        Assert.InRange(ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy, 0.9, 1.0);
        string path = Path.Combine(directory, "model.zip");

        HyperGradModel.Save(ml, model, data.Schema, path);
        var (exitCode, lines, errors) = LoadCheckProcess.Run(["hypergrad", path, SklearnRows.WinePath, "13", "text"]);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(PredictionDump.Lines(model.Transform(data)), lines);
        Assert.Equal(178, lines.Length);
        using ZipArchive zip = ZipFile.OpenRead(path);
        Assert.Single(zip.Entries, e => e.FullName.StartsWith(HyperGradModel.WeightsEntryPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Save_ACrossValidatedFoldModelLoadedInAFreshProcess_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var folds = ml.MulticlassClassification.CrossValidate(data, SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 30, seed: 3)), numberOfFolds: 3, seed: 5);
        Assert.All(folds, f => Assert.InRange(f.Metrics.MicroAccuracy, 0.85, 1.0));
        ITransformer model = folds[1].Model;
        string path = Path.Combine(directory, "fold.zip");

        HyperGradModel.Save(ml, model, data.Schema, path);
        var (exitCode, lines, errors) = LoadCheckProcess.Run(["hypergrad", path, SklearnRows.WinePath, "13", "text"]);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(PredictionDump.Lines(model.Transform(data)), lines);
    }

    [Fact]
    public void Save_BinaryModelLoadedInAFreshProcess_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.BreastCancerRow>(SklearnRows.BreastCancerPath, separatorChar: ',', hasHeader: true);
        var model = ml.Transforms.Concatenate("Features", nameof(SklearnRows.BreastCancerRow.Measurements))
            .Append(ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>("malignant", true), new KeyValuePair<string, bool>("benign", false)], nameof(SklearnRows.BreastCancerRow.Target)))
            .Append(ml.BinaryClassification.Trainers.HyperGradMlp(epochs: 5, seed: 4))
            .Fit(data);
        string path = Path.Combine(directory, "binary.zip");

        HyperGradModel.Save(ml, model, data.Schema, path);
        var (exitCode, lines, errors) = LoadCheckProcess.Run(["hypergrad", path, SklearnRows.BreastCancerPath, "30", "text"]);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(PredictionDump.Lines(model.Transform(data)), lines);
        Assert.Contains("Probability=", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Save_RegressionModelLoadedInAFreshProcess_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromTextFile<SklearnRows.DiabetesRow>(SklearnRows.DiabetesPath, separatorChar: ',', hasHeader: true);
        var model = ml.Transforms.Concatenate("Features", nameof(SklearnRows.DiabetesRow.Measurements))
            .Append(ml.Regression.Trainers.HyperGradMlp(labelColumnName: nameof(SklearnRows.DiabetesRow.Target), epochs: 5, seed: 6))
            .Fit(data);
        string path = Path.Combine(directory, "regression.zip");

        HyperGradModel.Save(ml, model, data.Schema, path);
        var (exitCode, lines, errors) = LoadCheckProcess.Run(["hypergrad", path, SklearnRows.DiabetesPath, "10", "float"]);

        Assert.True(exitCode == 0, errors);
        Assert.Equal(PredictionDump.Lines(model.Transform(data)), lines);
    }

    [Fact]
    public void ModelSave_PlainMlContextSave_ThrowsNamingHyperGradModelSave()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        ITransformer model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 1)).Fit(data);

        var error = Assert.Throws<InvalidOperationException>(() => ml.Model.Save(model, data.Schema, Path.Combine(directory, "plain.zip")));

        Assert.Contains("HyperGradModel.Save(mlContext, model, inputSchema, path)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelLoad_PlainMlContextLoadInAFreshProcess_FailsNamingHyperGradModelLoad()
    {
        string path = SaveSmallWineModel();

        var (exitCode, lines, errors) = LoadCheckProcess.Run(["plain", path, SklearnRows.WinePath, "13", "text"]);

        Assert.Equal(3, exitCode);
        Assert.Empty(lines);
        Assert.Contains("load it with MLNet.HyperGrad.Estimators.HyperGradModel.Load(mlContext, path, out inputSchema) instead of mlContext.Model.Load", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelLoad_PlainMlContextLoadInThisProcess_FailsNamingHyperGradModelLoad()
    {
        string path = SaveSmallWineModel();
        var ml = new MLContext(seed: 2);

        Exception error = Assert.ThrowsAny<Exception>(() => ml.Model.Load(path, out _));

        Assert.Contains("HyperGradModel.Load(mlContext, path, out inputSchema)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelLoad_WithoutTheMLNetHyperGradAssembly_MLNetFailsNamingTheAssembly()
    {
        string path = SaveSmallWineModel();
        string copy = Path.Combine(directory, "without-hypergrad");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(LoadCheckProcess.BuiltDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        // Without the library (and without the dependency manifest that lists it), ML.NET's own Assembly.Load of the
        // contract's assembly fails before any code of ours can run.
        File.Delete(Path.Combine(copy, "MLNet.HyperGrad.dll"));
        File.Delete(Path.Combine(copy, "MLNet.HyperGrad.LoadCheck.deps.json"));

        var (exitCode, _, errors) = LoadCheckProcess.Run(["plain", path, SklearnRows.WinePath, "13", "text"], copy);

        Assert.Equal(3, exitCode);
        Assert.Contains("MLNet.HyperGrad, Version=", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InThisProcessWithANewContext_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        var model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 3, seed: 9)).Fit(data);
        string path = Path.Combine(directory, "same-process.zip");
        HyperGradModel.Save(ml, model, data.Schema, path);

        ITransformer loaded = HyperGradModel.Load(new MLContext(seed: 5), path, out DataViewSchema schema);

        Assert.Equal(PredictionDump.Lines(model.Transform(data)), PredictionDump.Lines(loaded.Transform(data)));
        Assert.NotNull(schema.GetColumnOrNull(nameof(SklearnRows.WineRow.Measurements)));
    }

    [Fact]
    public void Save_AModelReturnedByLoad_StoresItsNetworksAgain()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        string first = SaveSmallWineModel();
        ITransformer loaded = HyperGradModel.Load(ml, first, out DataViewSchema schema);
        string second = Path.Combine(directory, "resaved.zip");

        HyperGradModel.Save(ml, loaded, schema, second);
        using (ZipArchive zip = ZipFile.OpenRead(second))
        {
            Assert.Single(zip.Entries, e => e.FullName.StartsWith(HyperGradModel.WeightsEntryPrefix, StringComparison.Ordinal));
        }

        ITransformer again = HyperGradModel.Load(new MLContext(seed: 3), second, out _);

        Assert.Equal(PredictionDump.Lines(loaded.Transform(data)), PredictionDump.Lines(again.Transform(data)));
    }

    [Fact]
    public void Load_AZipWhoseWeightsEntryWasRemoved_ThrowsModelFormatException()
    {
        string path = SaveSmallWineModel();
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.Entries.Single(e => e.FullName.StartsWith(HyperGradModel.WeightsEntryPrefix, StringComparison.Ordinal)).Delete();
        }

        Exception error = Assert.ThrowsAny<Exception>(() => HyperGradModel.Load(new MLContext(seed: 1), path, out _));

        Assert.Contains("more HyperGradMlp mappings than stored networks", error.ToString(), StringComparison.Ordinal);
    }

    private string SaveSmallWineModel()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = SklearnRows.LoadWine(ml);
        ITransformer model = SklearnRows.WineFeaturization(ml).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(epochs: 1, hiddenWidth: 8)).Fit(data);
        string path = Path.Combine(directory, "small.zip");
        HyperGradModel.Save(ml, model, data.Schema, path);
        return path;
    }
}
