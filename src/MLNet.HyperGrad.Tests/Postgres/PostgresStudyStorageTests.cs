using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Tests.Postgres;

/// <summary>The storage contract on a PostgreSQL server (each test in its own schema), plus what only PostgreSQL has: heartbeats, re-queue, URIs and the schema's migrations.</summary>
public sealed class PostgresStudyStorageTests : Storage.StudyStorageContractTests
{
    private readonly string schema = PostgresTestServer.NewSchema();
    private readonly string connectionString = PostgresTestServer.ConnectionString;

    protected override IStudyStorage OpenStorage(TimeProvider timeProvider) =>
        // The contract's clock jumps by hours: heartbeats never go stale here (the re-queue has its own tests below).
        new PostgresStudyStorage(connectionString, new PostgresStudyStorageOptions { Schema = schema, TimeProvider = timeProvider, StaleAfter = TimeSpan.FromDays(3650) });

    protected override void Dispose(bool disposing)
    {
        NpgsqlConnection.ClearAllPools();
        PostgresTestServer.DropSchema(schema);
        base.Dispose(disposing);
    }

    [Fact]
    public async Task ClaimRetryAsync_RunningTrialWithStaleHeartbeat_IsRequeuedAndRetried()
    {
        var clock = new Storage.ManualTimeProvider(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var options = new PostgresStudyStorageOptions { Schema = schema, TimeProvider = clock, HeartbeatInterval = TimeSpan.FromSeconds(1), StaleAfter = TimeSpan.FromSeconds(10) };
        using var dead = new PostgresStudyStorage(connectionString, options);
        using var alive = new PostgresStudyStorage(connectionString, options);
        StudyRecord study = await dead.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        TrialRecord orphan = await dead.CreateTrialAsync(study.Id, """{"x":1}""", "host:1:a");
        dead.Dispose();

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await alive.ClaimRetryAsync(study.Id, "host:2:b"));
        clock.Advance(TimeSpan.FromSeconds(6));
        TrialRecord? retry = await alive.ClaimRetryAsync(study.Id, "host:2:b");

        Assert.NotNull(retry);
        Assert.Equal(orphan.Number, retry.RetryOf);
        Assert.Equal(orphan.ParametersJson, retry.ParametersJson);
        TrialRecord requeued = (await alive.GetTrialAsync(study.Id, orphan.Number))!;
        Assert.Equal(TrialState.Interrupted, requeued.State);
        Assert.Equal(PostgresStudyStorage.StaleHeartbeatReason, requeued.Error);
        Assert.Null(await alive.ClaimRetryAsync(study.Id, "host:2:b"));
    }

    [Fact]
    public async Task Heartbeat_RunningTrialOfALiveInstance_IsNeverRequeued()
    {
        // Beats every 100 ms, stale after 3 s (a loaded CI machine can delay a timer by a second), watched for 4 s: longer than the
        // staleness, so without heartbeats the trial would be re-queued.
        var options = new PostgresStudyStorageOptions { Schema = schema, HeartbeatInterval = TimeSpan.FromMilliseconds(100), StaleAfter = TimeSpan.FromSeconds(3) };
        using var worker = new PostgresStudyStorage(connectionString, options);
        using var other = new PostgresStudyStorage(connectionString, options);
        StudyRecord study = await worker.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        TrialRecord trial = await worker.CreateTrialAsync(study.Id, """{"x":1}""", "host:1:a");

        for (int i = 0; i < 8; i++)
        {
            await Task.Delay(500);
            Assert.Null(await other.ClaimRetryAsync(study.Id, "host:2:b"));
        }

        Assert.Equal(TrialState.Running, (await other.GetTrialAsync(study.Id, trial.Number))!.State);
        await worker.CompleteTrialAsync(study.Id, trial.Number, 1, 1, 1);
    }

    [Fact]
    public async Task Open_DatabaseOfSchemaVersion1_IsMigratedKeepingItsTrials()
    {
        // A database as version 1 wrote it: no heartbeat column.
        using (var dataSource = NpgsqlDataSource.Create(PostgresTestServer.PostgresConnectionStringFor(schema)))
        using (NpgsqlConnection connection = dataSource.OpenConnection())
        {
            using (var create = new NpgsqlCommand($"CREATE SCHEMA {PostgresStudyStorage.QuoteIdentifier(schema)};", connection))
            {
                create.ExecuteNonQuery();
            }

            PostgresSchema.Migrate(connection, "test", 0, targetVersion: 1);
            Assert.Equal(1, PostgresSchema.ReadVersion(connection));
            using var insert = new NpgsqlCommand(
                """
                INSERT INTO studies (name, task_description, search_space_json, direction, created_at_ticks) VALUES ('old', 't', '{}', 'Minimize', 1);
                INSERT INTO trials (study_id, number, state, parameters_json, loss, started_at_ticks, ended_at_ticks) SELECT id, 0, 'Complete', '{"x":1}', 0.5, 1, 2 FROM studies;
                INSERT INTO trials (study_id, number, state, parameters_json, started_at_ticks, worker_id) SELECT id, 1, 'Running', '{"x":2}', 3, 'h:1:a' FROM studies;
                """,
                connection);
            insert.ExecuteNonQuery();
        }

        using var storage = new PostgresStudyStorage(connectionString, new PostgresStudyStorageOptions { Schema = schema });

        Assert.Equal(PostgresSchema.CurrentVersion, storage.SchemaVersion);
        StudyRecord study = (await storage.GetStudyAsync("old"))!;
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(0.5, trials[0].Loss);
        Assert.Equal(TrialState.Running, trials[1].State);

        // The running trial of version 1 got its start as its heartbeat: long stale, so it is re-queued and retried.
        TrialRecord? retry = await storage.ClaimRetryAsync(study.Id, "h:2:b");
        Assert.Equal(1, retry?.RetryOf);
    }

    [Fact]
    public async Task Open_DatabaseOfANewerSchema_IsRefused()
    {
        using (var storage = new PostgresStudyStorage(connectionString, new PostgresStudyStorageOptions { Schema = schema }))
        {
            await storage.ListStudiesAsync();
        }

        using (var dataSource = NpgsqlDataSource.Create(PostgresTestServer.PostgresConnectionStringFor(schema)))
        using (NpgsqlConnection connection = dataSource.OpenConnection())
        using (var bump = new NpgsqlCommand("INSERT INTO hypergrad_schema_version (version, applied_at_ticks) VALUES (99, 0);", connection))
        {
            bump.ExecuteNonQuery();
        }

        StorageException ex = Assert.Throws<StorageException>(() => new PostgresStudyStorage(connectionString, new PostgresStudyStorageOptions { Schema = schema }));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u:secret@db.example:6543/studies?schema=team", "db.example", 6543, "studies", "u", "team")]
    [InlineData("postgresql://localhost/x", "localhost", 5432, "x", null, "public")]
    [InlineData("Host=h;Port=7;Database=d;Username=n;Search Path=s", "h", 7, "d", "n", "s")]
    public void Parse_ConnectionString_ReadsServerDatabaseUserAndSchema(string value, string host, int port, string database, string? user, string schemaName)
    {
        NpgsqlConnectionStringBuilder builder = PostgresConnectionString.Parse(value, null, out string parsedSchema);

        Assert.Equal((host, port, database, user, schemaName), (builder.Host, builder.Port, builder.Database, builder.Username, parsedSchema));
    }

    [Theory]
    [InlineData("postgres://")]
    [InlineData("postgres://h/d?nonsense_key=1")]
    [InlineData("Hots=x;;==")]
    public void Parse_MalformedConnectionString_ThrowsArgumentException(string value) =>
        Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse(value, null, out _));

    [Fact]
    public void Redact_UriWithPassword_HidesIt() =>
        Assert.Equal("postgres://u:***@h/d", PostgresConnectionString.Redact("postgres://u:secret@h/d"));
}
