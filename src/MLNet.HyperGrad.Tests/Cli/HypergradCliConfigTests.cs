using MLNet.HyperGrad.Outputs;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary><c>hypergrad.config.json</c> and <c>hypergrad run</c>: a run's config runs it again, resuming its study or starting anew.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliConfigTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-config-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Run_ConfigOfAnEarlierRun_ResumesItsStudyThenStartsAnewWithoutIt()
    {
        string csv = SklearnCsv.Export("iris", directory);
        string output = Path.Combine(directory, "out");
        using (HypergradProcess first = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "2", "--max-epochs", "1", "--parallelism", "1", "--seed", "3", "-o", output))
        {
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        }

        string configPath = Path.Combine(output, RunConfig.FileName);
        RunConfig config = RunConfig.Load(configPath);
        Assert.Equal("classification", config.Task);
        Assert.Equal(csv, config.Dataset);
        Assert.Equal("target", config.LabelColumn);
        Assert.Equal(["mlp"], config.Trainers);
        Assert.Equal(2, config.MaxTrials);
        Assert.Equal(3, config.Seed);
        Assert.Equal("GaussianProcess", config.Tuner);
        Assert.Equal(5, config.Columns.Count);
        Assert.Equal(new RunConfigColumn("target", "label"), config.Columns[^1]);
        Assert.Equal(new RunConfigColumn("petal_width_(cm)", "numeric"), config.Columns[3]);

        using (HypergradProcess resumed = HypergradProcess.Run(directory, Timeout, "run", configPath, "--max-trials", "3"))
        {
            Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Errors);
            Assert.Contains("resuming: 2 trial(s) already in the study", resumed.Output, StringComparison.Ordinal);
        }

        File.Delete(config.Storage);
        using HypergradProcess fresh = HypergradProcess.Run(directory, Timeout, "run", configPath);
        Assert.True(fresh.ExitCode == 0, fresh.Output + fresh.Errors);
        Assert.DoesNotContain("resuming", fresh.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(config.Storage));
    }

    [Fact]
    public void Run_ConfigWithUnknownTuner_ErrorNamesFileFieldAndValues()
    {
        string path = Path.Combine(directory, RunConfig.FileName);
        new RunConfig { Task = "classification", Dataset = "d.csv", LabelColumn = "y", Study = "s", Storage = "s.db", Output = directory, Tuner = "Annealing" }.Save(path);

        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "run", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{path}: \"tuner\" is \"Annealing\"; expected one of", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_UnknownTrainer_ErrorListsTheTrainers()
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "x.csv", "--label-col", "y", "--trainers", "mlp,xgboost");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--trainers: no trainer is named \"xgboost\"; the trainers are lightgbm, fasttree, fastforest, sdca, lbfgs, mlp", run.Errors, StringComparison.Ordinal);
    }
}
