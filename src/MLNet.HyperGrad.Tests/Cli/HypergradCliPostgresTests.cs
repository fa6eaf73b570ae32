using System.Diagnostics;
using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Postgres;
using Npgsql;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>
/// <c>--storage postgres://...</c> and <c>hypergrad worker</c>: the errors need no server; the study shared by a tune run and two
/// workers runs against the throwaway server of <c>scripts/test.sh</c> (<see cref="PostgresTestServer"/>).
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HypergradCliPostgresTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string directory = Directory.CreateTempSubdirectory("hg-cli-pg-").FullName;
    private string? schema;

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        if (schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            PostgresTestServer.DropSchema(schema);
        }
    }

    [Theory]
    [InlineData("postgres://user:hunter2@:5432/studies", "is not a valid PostgreSQL URI")]
    [InlineData("postgres://user:hunter2@127.0.0.1:5432/studies?no_such_keyword=1", "unknown or invalid connection parameter 'no_such_keyword'")]
    [InlineData("Host=127.0.0.1;Password=hunter2;Nonsense Keyword=3", "Not a PostgreSQL connection string")]
    public void Classification_MalformedPostgresStorage_OneLineExit2WithoutThePassword(string storage, string message)
    {
        string csv = SklearnCsv.Export("wine", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "1", "--storage", storage, "-o", Path.Combine(directory, "out"));
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.StartsWith("hypergrad: error: --storage ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output + run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void Classification_UnreachablePostgresServer_NamesHostPortAndWhatFailed(string parallelism)
    {
        // Port 1 on localhost: nothing listens, the connection is refused at once. With --parallelism 2 the run opens the study
        // before it starts its worker processes; with 1, after reading the data.
        string csv = SklearnCsv.Export("wine", directory);
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--max-trials", "1", "--parallelism", parallelism,
            "--storage", "postgres://hg:hunter2@127.0.0.1:1/studies", "-o", Path.Combine(directory, "out" + parallelism));
        Assert.Equal(2, run.ExitCode);
        string error = run.Errors.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains("--storage postgres://hg:***@127.0.0.1:1/studies: Could not open the study database postgres://127.0.0.1:1/studies", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", error[error.IndexOf("(schema", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output + run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_UnknownStudy_ListsTheStudiesThereExit2()
    {
        string db = Path.Combine(directory, "missing.db");
        using HypergradProcess run = HypergradProcess.Run(directory, Timeout, "worker", "--storage", db, "--study", "nope");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--storage {db}: no such file", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TuneOnPostgresInterrupted_TwoWorkersFinishTheStudy_NoTrialLostNoneDuplicated()
    {
        schema = PostgresTestServer.NewSchema();
        string server = PostgresTestServer.ConnectionString;
        string storage = server + (server.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "schema=" + schema;
        string csv = SklearnCsv.Export("breast_cancer", directory);
        const int MaxTrials = 8;
        using var study = new PostgresStudyStorage(storage);

        // The tune run creates the study on the server, finishes a trial or two, and is stopped with Ctrl+C (exit 130). Trials of up to
        // 200 epochs (about 1-4 s each here): with 6, a quiet machine finished all 8 trials before the 200 ms poll saw two (2026-12-05).
        using (HypergradProcess tune = HypergradProcess.Start(directory,
            "classification", "--dataset", csv, "--label-col", "target", "--trainers", "mlp", "--tuner", "random", "--max-epochs", "200",
            "--max-trials", MaxTrials.ToString(System.Globalization.CultureInfo.InvariantCulture), "--train-time", "400", "--parallelism", "1",
            "--storage", storage, "--study", "shared", "-o", Path.Combine(directory, "a")))
        {
            var clock = Stopwatch.StartNew();
            while ((await Finished(study)).Count(t => t.State == TrialState.Complete) < 2)
            {
                Assert.True(clock.Elapsed < Timeout, "no trial completed in time: " + tune.Output + tune.Errors);
                await Task.Delay(200);
            }

            tune.Interrupt();
            Assert.True(tune.WaitForExit(TimeSpan.FromSeconds(60)), "the tune run did not stop after SIGINT: " + tune.Output + tune.Errors);
            Assert.True(tune.ExitCode == 130, tune.Output + tune.Errors);
            Assert.Contains("postgres://", tune.Output, StringComparison.Ordinal);
        }

        int byTune = (await Finished(study)).Count(t => t.State != TrialState.Interrupted);
        Assert.True(byTune < MaxTrials, $"the tune run finished the study ({byTune} trials) before it was stopped");

        // Two workers on other "machines" (other folders) join it and finish it.
        using HypergradProcess first = HypergradProcess.Start(Directory.CreateDirectory(Path.Combine(directory, "b")).FullName, "worker", "--storage", storage, "--study", "shared");
        using HypergradProcess second = HypergradProcess.Start(Directory.CreateDirectory(Path.Combine(directory, "c")).FullName, "worker", "--storage", storage, "--study", "shared");
        Assert.True(first.WaitForExit(Timeout), "worker 1 did not finish: " + first.Output + first.Errors);
        Assert.True(second.WaitForExit(Timeout), "worker 2 did not finish: " + second.Output + second.Errors);
        Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        Assert.True(second.ExitCode == 0, second.Output + second.Errors);
        Assert.Contains("worker joins study shared", first.Output, StringComparison.Ordinal);

        IReadOnlyList<TrialRecord> trials = await study.GetTrialsAsync((await study.GetStudyAsync("shared"))!.Id);
        string table = string.Join("\n", trials.Select(t => $"{t.Number} {t.State} {t.WorkerId} retry of {t.RetryOf} {t.Error}"));
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        // Not lost: every trial Ctrl+C interrupted was run again, once. Not duplicated: exactly --max-trials trials count, each number once.
        Assert.True(trials.Count(t => t.State != TrialState.Interrupted) == MaxTrials, table);
        Assert.All(trials.Where(t => t.State == TrialState.Interrupted), t => Assert.Single(trials, r => r.RetryOf == t.Number));
        Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
        Assert.True(trials.Count(t => t.RetryOf is null && t.State != TrialState.Interrupted) == trials.Where(t => t.RetryOf is null && t.State != TrialState.Interrupted).Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count(), table);
        Assert.True(trials.Count(t => t.State == TrialState.Complete) >= MaxTrials - 1, table);
    }

    private static async Task<IReadOnlyList<TrialRecord>> Finished(PostgresStudyStorage storage) =>
        await storage.GetStudyAsync("shared") is { } s ? [.. (await storage.GetTrialsAsync(s.Id)).Where(t => t.IsFinished)] : [];
}
