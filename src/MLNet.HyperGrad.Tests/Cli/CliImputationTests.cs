using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>The CLI fits imputation values on the training rows, never on the validation rows it holds out.</summary>
[Collection(CliCollection.Name)]
public sealed class CliImputationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-impute-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Classification_MissingCellsImputed_WithTheMeanOfTheTrainingRowsOnly()
    {
        // scikit-learn's breast cancer data with every 7th value of the first column blanked.
        string[] lines = File.ReadAllLines(SklearnCsv.Export("breast_cancer", directory));
        string csv = Path.Combine(directory, "gaps.csv");
        File.WriteAllLines(csv, lines.Select((line, i) => i > 0 && i % 7 == 0 ? line[line.IndexOf(',', StringComparison.Ordinal)..] : line));
        string output = Path.Combine(directory, "out");

        using HypergradProcess run = HypergradProcess.Run(directory, TimeSpan.FromMinutes(4),
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--missing", "Impute", "--max-trials", "1", "--max-epochs", "1", "-o", output);

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);

        // model.zip's missing-value replacement was fitted on the training rows of the run's split (seed 0, 20 % held out,
        // stratified): a row whose first cell is missing scores as the same row with that cell set to the training rows' mean.
        var options = new CsvReadOptions { LabelColumn = "target", Task = TaskKind.Classification, MissingValuePolicy = MissingValuePolicy.Impute };
        CsvDataViewSplit split = CsvDataViewReader.ReadSplit(csv, options, 0.2, seed: 0, stratify: true);
        string first = split.Schema.Columns[0].Name;
        double trainingMean = split.Train.GetColumn<float>(first).Where(v => !float.IsNaN(v)).Average(v => (double)v);
        double everyRowMean = CsvDataViewReader.Read(csv, options).Train.GetColumn<float>(first).Where(v => !float.IsNaN(v)).Average(v => (double)v);
        Assert.NotEqual(everyRowMean, trainingMean, 3);
        string row = lines[1][lines[1].IndexOf(',', StringComparison.Ordinal)..];
        string probe = Path.Combine(directory, "probe.csv");
        File.WriteAllLines(probe, [lines[0], row, trainingMean.ToString("R", CultureInfo.InvariantCulture) + row, (trainingMean + 5).ToString("R", CultureInfo.InvariantCulture) + row]);
        var ml = new MLContext(seed: 0);
        ITransformer model = HyperGradModel.Load(ml, Path.Combine(output, "model.zip"), out _);
        float[] scores = [.. model.Transform(CsvDataViewReader.Read(probe, options, split.Schema)).GetColumn<float>("Score")];
        Assert.Equal(scores[1], scores[0], 4);
        Assert.NotEqual(scores[2], scores[0], 4);
    }
}
