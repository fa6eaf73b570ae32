using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Prediction;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary><c>--tuner hypergradient</c> and <c>--hypergradient-method</c>, run as a user would.</summary>
public sealed class HypergradCliHypergradientTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-hypergradient-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Classification_FashionMnistHypergradientTuner_TwoOuterStepsStoredAndTheBestModelSaved()
    {
        string output = Path.Combine(directory, "out");
        using (HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", "hypergradient", "--hypergradient-method", "Exact-Reversal", "--max-trials", "2", "--parallelism", "1", "-o", output))
        {
            Assert.True(run.ExitCode == 0, run.Output + run.Errors);
            Assert.Contains("tuner HyperGradient (exact-reversal)", run.Output, StringComparison.Ordinal);
            Assert.Contains("learning_rate[mean]", run.Output, StringComparison.Ordinal);
            Assert.Contains("test accuracy of the best model", run.Output, StringComparison.Ordinal);
        }

        using var storage = new SqliteStudyStorage(Path.Combine(output, "study.db"));
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync((await storage.GetStudyAsync("classification-fashion-mnist"))!.Id);
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.All(trials, t => Assert.InRange(t.Attributes[HypergradientTrialRunner.TestLossAttribute], 0.1, 5.0));
        Parameter[] p = [.. trials.Select(t => Parameter.FromJson(t.ParametersJson)[HypergradientTrialRunner.SearchSpaceKey])];
        Assert.All(p, x => Assert.Equal(10, x["learning_rate"].AsDoubleArray().Length));
        Assert.NotEqual(p[0]["l2"].AsDoubleArray(), p[1]["l2"].AsDoubleArray());
        using MlpPredictor predictor = MlpPredictor.Load(Path.Combine(output, "model"));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("Grid")]
    [InlineData("GRID")]
    [InlineData("Hypernetwork")]
    public void Classification_TunerNamesInAnyCase_Accepted(string tuner)
    {
        // A bad --max-trials stops the run after parsing, so only the tuner's name is checked here.
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", tuner, "--max-trials", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("--tuner", run.Errors, StringComparison.Ordinal);
        Assert.Contains("--max-trials must be at least 1", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_UnknownTunerAndMethodNames_ListTheNames()
    {
        using (HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", "bayes"))
        {
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("--tuner: expected one of random, grid, gp, hypergradient, meta, learned, portfolio, self-tuning, hypernetwork, found \"bayes\"", run.Errors, StringComparison.Ordinal);
        }

        using HypergradProcess method = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--tuner", "hypergradient", "--hypergradient-method", "adjoint");
        Assert.Equal(2, method.ExitCode);
        Assert.Contains("--hypergradient-method: expected one of exact-reversal, checkpointed, drmad, implicit, neumann, greedy, found \"adjoint\"", method.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_MethodWithoutTheGradientTuner_Refused()
    {
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", "fashion-mnist", "--hypergradient-method", "drmad");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--hypergradient-method drmad needs --tuner hypergradient (got --tuner gp)", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_HypergradientTunerOnACsv_Refused()
    {
        string csv = SklearnCsv.Export("iris", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--tuner", "hypergradient");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--tuner hypergradient tunes the MLP's hyperparameter tensors on fashion-mnist only", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_HypernetworkTunerOnACsv_RefusedWithWhatItNeeds()
    {
        string csv = SklearnCsv.Export("iris", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "classification", "--dataset", csv, "--label-col", "target", "--tuner", "hypernetwork");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--tuner hypernetwork trains a best-response hypernetwork for the MLP's L2 on fashion-mnist only", run.Errors, StringComparison.Ordinal);
    }
}
