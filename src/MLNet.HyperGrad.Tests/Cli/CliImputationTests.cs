using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Models;

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
        TabularSchema schema = TrainedModel.Load(Path.Combine(output, "model")).Schema!;
        var options = new CsvReadOptions { LabelColumn = "target", MissingValuePolicy = MissingValuePolicy.Impute };
        double trainingMean = CsvReader.ReadSplit(csv, options, 0.2, seed: 0).Schema.Columns[0].ImputeNumber;
        double everyRowMean = CsvReader.Read(csv, options).Schema.Columns[0].ImputeNumber;
        Assert.Equal(trainingMean, schema.Columns[0].ImputeNumber, 12);
        Assert.NotEqual(everyRowMean, schema.Columns[0].ImputeNumber, 6);
    }
}
