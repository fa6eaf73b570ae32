using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Outputs;

public sealed class ConsumerProjectWriterTests
{
    [Fact]
    public void Write_MixedColumns_ModelInputHasLoadColumnAndColumnNamePerUsedColumn()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("data.csv", "id,sepal length (cm),2nd,class\n1,1.5,a,x\n2,2.5,b,y\n3,1.0,a,x\n");
        TabularSchema schema = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "class", IgnoreColumns = ["id"] }).Schema;

        string project = ConsumerProjectWriter.Write(Path.Combine(dir.Path, "App"), schema, new ConsumerProjectOptions { ProjectName = "My.App", PackageSource = dir.Path });

        Assert.Equal(Path.Combine(dir.Path, "App", "My.App.csproj"), project);
        string input = File.ReadAllText(Path.Combine(dir.Path, "App", "ModelInput.cs"));
        Assert.Contains("[LoadColumn(1)]\n    [ColumnName(\"sepal length (cm)\")]\n    public float Sepal_length__cm_ { get; set; }", input, StringComparison.Ordinal);
        Assert.Contains("[LoadColumn(2)]\n    [ColumnName(\"2nd\")]\n    public string _2nd { get; set; } = string.Empty;", input, StringComparison.Ordinal);
        Assert.Contains("[ColumnName(\"class\")]\n    public string Class { get; set; }", input, StringComparison.Ordinal);
        Assert.DoesNotContain("\"id\"", input, StringComparison.Ordinal);
        Assert.Contains($"<add key=\"hypergrad-local\" value=\"{dir.Path}\" />", File.ReadAllText(Path.Combine(dir.Path, "App", "nuget.config")), StringComparison.Ordinal);
        Assert.Contains($"<PackageReference Include=\"MLNet.HyperGrad\" Version=\"{ConsumerProjectWriter.LibraryVersion}\" />", File.ReadAllText(project), StringComparison.Ordinal);
        Assert.DoesNotContain("libtorch", File.ReadAllText(project), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ProjectNameNotAnIdentifier_Throws()
    {
        using var dir = new TempDirectory();
        string csv = dir.Write("data.csv", "x,y\n1,a\n2,b\n");
        TabularSchema schema = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "y" }).Schema;

        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            ConsumerProjectWriter.Write(dir.Path, schema, new ConsumerProjectOptions { ProjectName = "my-app", PackageSource = dir.Path }));

        Assert.Contains("\"my-app\"", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A LightGBM model on ML.NET's featurization of wine, saved as model.zip: the generated project builds against the packed library and predicts what the model predicts in this process.</summary>
    [Fact]
    public void Write_LightGbmModelOnWine_ProjectBuildsAndPredictsTheSameLabels()
    {
        using var dir = new TempDirectory();
        string csv = SklearnCsv.Export("wine", dir.Path);
        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target" });
        var ml = new MLContext(seed: 1);
        ITransformer model = PipelineModel.Fit(ml, TabularFeaturizer.Create(ml, data.Schema).Append(ml.MulticlassClassification.Trainers.LightGbm(numberOfIterations: 20)), data.Train, data.Schema);
        string output = Path.Combine(dir.Path, "output");
        Directory.CreateDirectory(output);
        PipelineModel.Save(ml, model, data.Train.Schema, Path.Combine(output, PipelineModel.FileName));
        string[] expected = [.. model.Transform(data.Train).GetColumn<string>("PredictedLabel")];

        string project = ConsumerProjectWriter.Write(Path.Combine(output, "Wine.ConsoleApp"), data.Schema, new ConsumerProjectOptions { ProjectName = "Wine.ConsoleApp", PackageSource = ConsumerProjectBuild.Packages });
        ConsumerProjectBuild.Build(project, Path.Combine(dir.Path, "nuget-cache"));
        string[] predicted = ConsumerProjectBuild.RunProgram(Path.Combine(output, "Wine.ConsoleApp", "bin", "Release", $"net{Environment.Version.Major}.0", "Wine.ConsoleApp.dll"), csv);

        Assert.Equal(178, predicted.Length);
        Assert.Equal(expected, predicted);
        Assert.Contains("class_1", predicted);
    }

    /// <summary>HyperGrad's MLP on wine: the project references libtorch, the package's loader patch runs in its build, and a fresh process predicts what the model predicts here.</summary>
    [Fact]
    public void Write_HyperGradMlpModelOnWine_ProjectWithLibTorchBuildsAndPredictsTheSameLabels()
    {
        using var dir = new TempDirectory();
        string csv = SklearnCsv.Export("wine", dir.Path);
        CsvDataViewSplit data = CsvDataViewReader.Read(csv, new CsvReadOptions { LabelColumn = "target" });
        var ml = new MLContext(seed: 1);
        ITransformer model = PipelineModel.Fit(ml, TabularFeaturizer.Create(ml, data.Schema).Append(ml.MulticlassClassification.Trainers.HyperGradMlp(new HyperGradMlpOptions { Epochs = 5, Seed = 1 })), data.Train, data.Schema);
        string output = Path.Combine(dir.Path, "output");
        Directory.CreateDirectory(output);
        PipelineModel.Save(ml, model, data.Train.Schema, Path.Combine(output, PipelineModel.FileName));
        string[] expected = [.. model.Transform(data.Train).GetColumn<string>("PredictedLabel")];

        string project = ConsumerProjectWriter.Write(Path.Combine(output, "WineMlp.ConsoleApp"), data.Schema, new ConsumerProjectOptions { ProjectName = "WineMlp.ConsoleApp", PackageSource = ConsumerProjectBuild.Packages, NeedsLibTorch = true });
        ConsumerProjectBuild.Build(project, Path.Combine(dir.Path, "nuget-cache"));
        string[] predicted = ConsumerProjectBuild.RunProgram(Path.Combine(output, "WineMlp.ConsoleApp", "bin", "Release", $"net{Environment.Version.Major}.0", "WineMlp.ConsoleApp.dll"), csv);

        Assert.Contains("libtorch-cpu-linux-x64", File.ReadAllText(project), StringComparison.Ordinal);
        Assert.Equal(expected, predicted);
        Assert.True(predicted.Zip(data.Train.GetColumn<string>("target")).Count(p => p.First == p.Second) > 150, string.Join(",", predicted));
    }
}
