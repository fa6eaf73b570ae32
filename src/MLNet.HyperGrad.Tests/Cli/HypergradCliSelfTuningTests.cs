namespace MLNet.HyperGrad.Tests.Cli;

/// <summary><c>--tuner self-tuning</c>, run as a user would: the name is accepted, and the settings it cannot serve are refused with the reason.</summary>
public sealed class HypergradCliSelfTuningTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-self-tuning-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("self-tuning")]
    [InlineData("Self-Tuning")]
    [InlineData("SelfTuning")]
    public void Classification_SelfTuningName_Accepted(string tuner)
    {
        // A bad --max-trials stops the run after parsing, so only the tuner's name (and that no other rule refuses it) is checked here.
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", tuner, "--max-trials", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("--tuner", run.Errors, StringComparison.Ordinal);
        Assert.Contains("--max-trials must be at least 1", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_SelfTuningOnACsv_Refused()
    {
        string csv = SklearnCsv.Export("iris", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--tuner", "self-tuning");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--tuner self-tuning trains a self-tuning MLP on tensors, on fashion-mnist only", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_SelfTuningWithAPruner_Refused()
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", "self-tuning", "--pruner", "median");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--pruner median with --tuner self-tuning: a self-tuning trial is one run that tunes online", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsTheSelfTuningTuner()
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("self-tuning", run.Output, StringComparison.Ordinal);
    }
}
