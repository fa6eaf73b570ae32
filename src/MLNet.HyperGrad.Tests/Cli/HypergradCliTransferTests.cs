using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary><c>--transfer-from</c>: earlier studies of the same --storage form the prior of <c>--tuner meta</c>; bad filters and empty histories give one line and exit code 2.</summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliTransferTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-transfer-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Storage => Path.Combine(directory, "history.db");

    private HypergradProcess Tune(string dataset, string study, string trials, params string[] extra) => HypergradProcess.Run(
        directory,
        Timeout,
        [
            "classification", "--dataset", SklearnDataView.Csv(dataset), "--label-col", "target", "--trainers", "sdca", "--cv-folds", "0",
            "--study", study, "--storage", Storage, "--max-trials", trials, "--train-time", "120", "-o", Path.Combine(directory, study), .. extra,
        ]);

    [Fact]
    public async Task TransferFrom_EarlierStudiesInTheSameStorage_TunesWithTheirPriorAndTheReportNamesThem()
    {
        foreach (string dataset in new[] { "iris", "breast_cancer" })
        {
            using HypergradProcess earlier = Tune(dataset, "earlier-" + dataset, "6", "--tuner", "random");
            Assert.True(earlier.ExitCode == 0, earlier.Output + earlier.Errors);
        }

        // Each earlier study holds exactly its --max-trials: the line below names the sources' trial counts. With worker processes
        // (the default on two or more cores) the study-wide budget used to be checked outside the storage's transaction, so an
        // earlier study could end with 7 trials and the line read "earlier-iris (7 trials, ..." — the failure once taken for a
        // missing line, as xunit cuts the output it shows.
        using (var history = new SqliteStudyStorage(Storage))
        {
            foreach (StudyRecord earlier in await history.ListStudiesAsync())
            {
                Assert.Equal(6, (await history.GetTrialsAsync(earlier.Id)).Count);
            }
        }

        // The default mode: worker processes when the machine has two or more cores.
        using HypergradProcess run = Tune("wine", "wine-meta", "3", "--transfer-from", "earlier-*");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("transfer prior from 2 earlier studies (studies named earlier-*): earlier-iris (6 trials, NLL/point ", run.Output, StringComparison.Ordinal);
        Assert.Contains("earlier-breast_cancer (6 trials, NLL/point ", run.Output, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(directory, "wine-meta", "report.html"));
        Assert.Contains("MetaGaussianProcess", report, StringComparison.Ordinal);
        Assert.Contains("id=\"transfer\"", report, StringComparison.Ordinal);
        Assert.Contains("earlier-breast_cancer", report, StringComparison.Ordinal);
        Assert.Contains("\"transferFrom\": \"earlier-*\"", File.ReadAllText(Path.Combine(directory, "wine-meta", "hypergrad.config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void TransferFrom_NothingMatches_OneLineNamingTheFilterAndTheStudies()
    {
        using (HypergradProcess earlier = Tune("iris", "iris-random", "2", "--tuner", "random"))
        {
            Assert.True(earlier.ExitCode == 0, earlier.Output + earlier.Errors);
        }

        string error = AssertBadInput(Tune("wine", "wine-meta", "2", "--transfer-from", "wine-*"));

        Assert.StartsWith("hypergrad: error: --transfer-from wine-*: No earlier study matches studies named wine-*: the storage holds iris-random (in --storage ", error, StringComparison.Ordinal);
        Assert.Contains(Storage, error, StringComparison.Ordinal);
        Assert.EndsWith("--transfer-from reads the earlier studies of the same --storage, so give the file they were tuned into).", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TransferFrom_TooFewTrials_OneLineWithTheReason()
    {
        using (HypergradProcess earlier = Tune("iris", "iris-random", "2", "--tuner", "random"))
        {
            Assert.True(earlier.ExitCode == 0, earlier.Output + earlier.Errors);
        }

        string error = AssertBadInput(Tune("wine", "wine-meta", "2", "--transfer-from", "iris-*"));

        Assert.Contains("iris-random: 2 usable complete trial(s) of 2, at least 5 needed", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--tuner", "meta" }, "--tuner meta tunes with a Gaussian-process prior pre-trained on earlier studies of the same --storage: name them with --transfer-from <filter>")]
    [InlineData(new[] { "--transfer-from", "a,,b" }, "--transfer-from: Expected comma-separated terms in the study filter \"a,,b\", got an empty term")]
    [InlineData(new[] { "--transfer-from", "x", "--tuner", "random" }, "--transfer-from builds a prior for --tuner meta (the default gp becomes meta with it); got --tuner random")]
    public void TransferFlags_Inconsistent_OneLineExit2BeforeAnyTrial(string[] flags, string expected)
    {
        string error = AssertBadInput(Tune("iris", "bad", "2", flags));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Storage));
    }

    private static string AssertBadInput(HypergradProcess run)
    {
        using (run)
        {
            Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Output}{run.Errors}");
            string error = run.Errors.Trim();
            Assert.Single(error.Split('\n'));
            Assert.StartsWith("hypergrad: error: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain(" at MLNet.", error, StringComparison.Ordinal);
            return error;
        }
    }
}
