using Microsoft.Data.Sqlite;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Storage;

/// <summary>The storage contract on a SQLite file, plus what only SQLite has: the file, the schema and its migrations.</summary>
public sealed class SqliteStudyStorageTests : StudyStorageContractTests
{
    /// <summary>The version-1 schema exactly as MLNet.HyperGrad first wrote it. Never edit: databases like this exist.</summary>
    private static readonly string[] Version1Schema =
    [
        """
        CREATE TABLE schema_version (
            version        INTEGER PRIMARY KEY CHECK (version >= 1),
            applied_at_utc TEXT    NOT NULL,
            description    TEXT    NOT NULL
        );
        """,
        """
        CREATE TABLE studies (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            name              TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
            task_description  TEXT    NOT NULL,
            search_space_json TEXT    NOT NULL,
            direction         TEXT    NOT NULL CHECK (direction IN ('Minimize', 'Maximize')),
            created_at_utc    TEXT    NOT NULL
        );
        """,
        """
        CREATE TABLE study_attributes (
            study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
            key      TEXT    NOT NULL CHECK (length(key) > 0),
            value    TEXT    NOT NULL,
            PRIMARY KEY (study_id, key)
        ) WITHOUT ROWID;
        """,
        """
        CREATE TABLE trials (
            study_id        INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
            number          INTEGER NOT NULL CHECK (number >= 0),
            state           TEXT    NOT NULL CHECK (state IN ('Running', 'Complete', 'Failed', 'Pruned')),
            parameters_json TEXT    NOT NULL,
            loss            REAL,
            loss_special    TEXT    CHECK (loss_special IS NULL OR (loss_special IN ('NaN', '-0') AND loss IS NULL)),
            metric          REAL,
            metric_special  TEXT    CHECK (metric_special IS NULL OR (metric_special IN ('NaN', '-0') AND metric IS NULL)),
            duration_ms     REAL    CHECK (duration_ms IS NULL OR duration_ms >= 0),
            started_at_utc  TEXT    NOT NULL,
            ended_at_utc    TEXT,
            error           TEXT,
            PRIMARY KEY (study_id, number),
            CHECK ((state = 'Running') = (ended_at_utc IS NULL)),
            CHECK (state <> 'Complete' OR loss IS NOT NULL OR loss_special IS NOT NULL),
            CHECK (state <> 'Failed' OR error IS NOT NULL)
        );
        """,
        """
        CREATE INDEX ix_trials_study_state ON trials (study_id, state);
        """,
        """
        CREATE TABLE trial_intermediate_values (
            study_id      INTEGER NOT NULL,
            trial_number  INTEGER NOT NULL,
            step          INTEGER NOT NULL CHECK (step >= 0),
            value         REAL,
            value_special TEXT    CHECK (value_special IN ('NaN', '-0')),
            PRIMARY KEY (study_id, trial_number, step),
            CHECK ((value IS NULL) <> (value_special IS NULL)),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials (study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """,
        """
        CREATE TRIGGER trials_finished_are_immutable
        BEFORE UPDATE ON trials
        WHEN OLD.state <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'finished trials are immutable');
        END;
        """,
        """
        CREATE TRIGGER intermediate_values_insert_only_while_running
        BEFORE INSERT ON trial_intermediate_values
        WHEN (SELECT state FROM trials WHERE study_id = NEW.study_id AND number = NEW.trial_number) <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'intermediate values of finished trials are immutable');
        END;
        """,
        """
        CREATE TRIGGER intermediate_values_update_only_while_running
        BEFORE UPDATE ON trial_intermediate_values
        WHEN (SELECT state FROM trials WHERE study_id = OLD.study_id AND number = OLD.trial_number) <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'intermediate values of finished trials are immutable');
        END;
        """,
        """
        INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.0000000Z', 'initial schema: studies, study attributes, trials, intermediate values');
        """,
    ];

    /// <summary>A study with a complete trial (NaN loss, two intermediate values), a failed one and a running one, in version-1 columns.</summary>
    private static readonly string[] Version1Data =
    [
        """
        INSERT INTO studies VALUES (1, 'legacy', 'MNIST', '{"lr":[0.001,0.1]}', 'Minimize', '2025-01-02T03:04:05.0000000Z');
        """,
        """
        INSERT INTO study_attributes VALUES (1, 'seed', '42');
        """,
        """
        INSERT INTO trials (study_id, number, state, parameters_json, started_at_utc)
        VALUES (1, 0, 'Running', '{"lr":0.01}', '2025-01-02T03:05:00.0000000Z'),
               (1, 1, 'Running', '{"lr":0.1}', '2025-01-02T03:06:00.0000000Z'),
               (1, 2, 'Running', '{"lr":0.05}', '2025-01-02T03:07:00.0000000Z');
        """,
        """
        INSERT INTO trial_intermediate_values VALUES (1, 0, 1, 0.5, NULL), (1, 0, 0, 0.75, NULL), (1, 2, 0, NULL, 'NaN');
        """,
        """
        UPDATE trials SET state = 'Complete', loss_special = 'NaN', metric = 0.25, duration_ms = 1500, ended_at_utc = '2025-01-02T03:05:01.5000000Z'
        WHERE number = 0;
        """,
        """
        UPDATE trials SET state = 'Failed', error = 'diverged', ended_at_utc = '2025-01-02T03:06:00.1000000Z' WHERE number = 1;
        """,
    ];

    private readonly string folder = Path.Combine(Path.GetTempPath(), "hypergrad-storage-tests", Guid.NewGuid().ToString("N"));

    public SqliteStudyStorageTests()
    {
        DatabasePath = Path.Combine(folder, "nested", "studies.db");
    }

    private string DatabasePath { get; }

    protected override IStudyStorage OpenStorage(TimeProvider timeProvider) => new SqliteStudyStorage(DatabasePath, timeProvider);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private SqliteConnection OpenRaw()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, ForeignKeys = true }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // One statement per command: Microsoft.Data.Sqlite can drop an error of a later statement (dotnet/efcore#32740).
    private static void Execute(SqliteConnection connection, string[] statements)
    {
        foreach (string statement in statements)
        {
            Execute(connection, statement);
        }
    }

    private static List<string> Tables(SqliteConnection connection) =>
        Names(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name;");

    private static List<string> Columns(SqliteConnection connection, string table) =>
        Names(connection, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid;");

    private static List<string> Names(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [Fact]
    public void Constructor_MissingFolder_CreatesFolderAndFileWithCurrentSchemaInWalMode()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);

        Assert.Equal(Path.GetFullPath(DatabasePath), storage.Path);
        Assert.True(File.Exists(DatabasePath));
        using SqliteConnection raw = OpenRaw();
        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
        Assert.Equal((long)SchemaMigrations.CurrentVersion, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
        Assert.Equal(4L, Scalar(raw, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(["schema_version", "studies", "study_attributes", "trial_attributes", "trial_intermediate_values", "trials"], Tables(raw));
        Assert.Contains("retry_of", Columns(raw, "trials"));
    }

    [Fact]
    public async Task OpenConnectionAsync_AnyConnection_HasFullSyncForeignKeysAndBusyTimeout()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock, TimeSpan.FromSeconds(7));

        for (int i = 0; i < 3; i++)
        {
            // Pooled connections are reused: the settings must hold on every one.
            await using SqliteConnection connection = await storage.OpenConnectionAsync(CancellationToken.None);
            Assert.Equal(2L, Scalar(connection, "PRAGMA synchronous;"));
            Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys;"));
            Assert.Equal(7000L, Scalar(connection, "PRAGMA busy_timeout;"));
            Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
        }
    }

    [Fact]
    public async Task Constructor_Version1Database_MigratesToCurrentVersionKeepingData()
    {
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, Version1Schema);
            Execute(raw, Version1Data);
            Assert.DoesNotContain("worker_id", Columns(raw, "trials"));
        }

        using var storage = new SqliteStudyStorage(DatabasePath, Clock);

        using (SqliteConnection raw = OpenRaw())
        {
            Assert.Equal(4L, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
            Assert.Equal(Clock.UtcNow.ToString("O"), Scalar(raw, "SELECT applied_at_utc FROM schema_version WHERE version = 2;"));
            Assert.Equal(Clock.UtcNow.ToString("O"), Scalar(raw, "SELECT applied_at_utc FROM schema_version WHERE version = 3;"));
            Assert.Contains("worker_id", Columns(raw, "trials"));
            Assert.Contains("retry_of", Columns(raw, "trials"));
            Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check;"));
            Assert.Equal(["schema_version", "studies", "study_attributes", "trial_attributes", "trial_intermediate_values", "trials"], Tables(raw));
        }

        StudyRecord? study = await storage.GetStudyAsync("legacy");
        Assert.NotNull(study);
        Assert.Equal(1, study.Id);
        Assert.Equal("42", study.Attributes["seed"]);
        Assert.Equal(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), study.CreatedAtUtc);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.Equal([TrialState.Complete, TrialState.Failed, TrialState.Running], trials.Select(t => t.State));
        Assert.True(double.IsNaN(trials[0].Loss!.Value));
        Assert.Equal(0.25, trials[0].Metric);
        Assert.Equal(1500, trials[0].DurationMilliseconds);
        Assert.Equal([new IntermediateValue(0, 0.75), new IntermediateValue(1, 0.5)], trials[0].IntermediateValues);
        Assert.Equal("diverged", trials[1].Error);
        Assert.True(double.IsNaN(trials[2].IntermediateValues.Single().Value));
        Assert.All(trials, t => Assert.Null(t.WorkerId));
        Assert.All(trials, t => Assert.Null(t.RetryOf));

        // The migrated database takes the new columns and keeps its guarantees.
        IReadOnlyList<TrialRecord> stale = await storage.InterruptStaleRunningTrialsAsync(study.Id, "killed");
        TrialRecord retry = await storage.CreateTrialAsync(study.Id, stale[0].ParametersJson, workerId: "w", retryOf: stale[0].Number);
        Assert.Equal(3, retry.Number);
        Assert.Equal(retry, await storage.GetTrialAsync(study.Id, 3));
        await Assert.ThrowsAsync<StorageException>(() => storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1));
    }

    /// <summary>
    /// Copies <c>Fixtures/study-schema-v2.db</c> to the test's database path. The file was written by the
    /// library at commit d2e929d (schema version 2), by two runs of an experiment on the Branin function
    /// (seed 7): trials 0, 1, 3 complete with 3-step curves; 2 failed ("InvalidOperationException:
    /// diverged on purpose"); 4 stopped by the time budget; 5 left running by a process that did not
    /// exist and marked interrupted by the second run; 6 the retry of 4, cancelled by the caller. Version
    /// 2 stored interruptions as Failed with errors starting "interrupted: ". Never regenerate it.
    /// </summary>
    private void CopyVersion2Fixture()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "study-schema-v2.db"), DatabasePath);
    }

    [Fact]
    public async Task Constructor_Version2DatabaseOfTheLibrary_MigratesInterruptedErrorsToTheInterruptedState()
    {
        CopyVersion2Fixture();
        using (SqliteConnection raw = OpenRaw())
        {
            Assert.Equal(2L, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
            Assert.Equal(3L, Scalar(raw, "SELECT COUNT(*) FROM trials WHERE state = 'Failed' AND error LIKE 'interrupted: %';"));
        }

        using var storage = new SqliteStudyStorage(DatabasePath, Clock);

        using (SqliteConnection raw = OpenRaw())
        {
            Assert.Equal(4L, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
            Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check;"));
            Assert.Equal(0L, Scalar(raw, "SELECT COUNT(*) FROM pragma_foreign_key_check;"));
            Assert.Equal(0L, Scalar(raw, "SELECT COUNT(*) FROM trials WHERE error LIKE 'interrupted:%';"));
        }

        StudyRecord study = (await storage.GetStudyAsync("branin"))!;
        Assert.Equal("7", study.Attributes["seed"]);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(
            [TrialState.Complete, TrialState.Complete, TrialState.Failed, TrialState.Complete, TrialState.Interrupted, TrialState.Interrupted, TrialState.Interrupted],
            trials.Select(t => t.State));
        Assert.Equal("InvalidOperationException: diverged on purpose", trials[2].Error);
        Assert.Equal(["the time budget ran out", "the process running it stopped before it finished", "cancelled by the caller"], trials.Skip(4).Select(t => t.Error));
        Assert.Equal(4, trials[6].RetryOf);
        Assert.Equal(3, trials[0].IntermediateValues.Count);
        Assert.Equal(trials[0].Loss!.Value, trials[0].IntermediateValues[^1].Value, 12);
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.NotNull(t.Loss));
        Assert.Equal(1931.0679, trials[4].DurationMilliseconds);

        // Interrupted trials that no trial retries yet (5 and 6; 4 is retried by 6) are claimed once each.
        TrialRecord? first = await storage.ClaimRetryAsync(study.Id, "w");
        TrialRecord? second = await storage.ClaimRetryAsync(study.Id, "w");
        Assert.Equal((7, 5), (first!.Number, first.RetryOf!.Value));
        Assert.Equal((8, 6), (second!.Number, second.RetryOf!.Value));
        Assert.Equal(trials[5].ParametersJson, first.ParametersJson);
        Assert.Null(await storage.ClaimRetryAsync(study.Id, "w"));
        await Assert.ThrowsAsync<StorageException>(() => storage.CreateTrialAsync(study.Id, "{}", retryOf: 4));
        await Assert.ThrowsAsync<StorageException>(() => storage.CompleteTrialAsync(study.Id, 4, 1, 1, 1));
    }

    [Fact]
    public void Constructor_Version2MigrationFails_ThrowsStorageExceptionAndLeavesVersion2WithItsTrials()
    {
        CopyVersion2Fixture();
        using (SqliteConnection raw = OpenRaw())
        {
            // An object the version-3 step will try to create: the step fails after it rebuilt the trials table.
            Execute(raw, "CREATE INDEX ix_trials_study_retry_of ON studies (name);");
        }

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains("from schema version 2 to 4: step 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("left at version 2", ex.Message, StringComparison.Ordinal);
        using SqliteConnection check = OpenRaw();
        Assert.Equal(2L, Scalar(check, "SELECT MAX(version) FROM schema_version;"));
        Assert.Equal(3L, Scalar(check, "SELECT COUNT(*) FROM trials WHERE state = 'Failed' AND error LIKE 'interrupted: %';"));
        Assert.Equal(7L, Scalar(check, "SELECT COUNT(*) FROM trials;"));
        Assert.Equal(9L, Scalar(check, "SELECT COUNT(*) FROM trial_intermediate_values;"));
        Assert.Equal(4L, Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger';"));
    }

    /// <summary>
    /// Copies <c>Fixtures/study-schema-v3.db</c> to the test's database path. The file was written by the
    /// library at commit e5d3c0b (schema version 3) through <see cref="SqliteStudyStorage"/>: study
    /// "hypergrad-v3" (attributes seed=11, tuner=hypergrad); trial 0 complete (loss 0.7, metric 0.75, steps
    /// 1 and 2), 1 complete with a NaN loss and an infinite metric, 2 failed, 3 interrupted and retried by 4
    /// (complete, loss 0.65, worker-b), 5 left running with one step. Never regenerate it.
    /// </summary>
    private void CopyVersion3Fixture()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "study-schema-v3.db"), DatabasePath);
    }

    [Fact]
    public async Task Constructor_Version3DatabaseOfTheLibrary_MigratesAddingTrialAttributesKeepingEveryTrial()
    {
        CopyVersion3Fixture();
        using (SqliteConnection raw = OpenRaw())
        {
            Assert.Equal(3L, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
            Assert.DoesNotContain("trial_attributes", Tables(raw));
        }

        using var storage = new SqliteStudyStorage(DatabasePath, Clock);

        using (SqliteConnection raw = OpenRaw())
        {
            Assert.Equal(4L, Scalar(raw, "SELECT MAX(version) FROM schema_version;"));
            Assert.Equal(Clock.UtcNow.ToString("O"), Scalar(raw, "SELECT applied_at_utc FROM schema_version WHERE version = 4;"));
            Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check;"));
            Assert.Equal(0L, Scalar(raw, "SELECT COUNT(*) FROM pragma_foreign_key_check;"));
            Assert.Equal(["study_id", "trial_number", "key", "value", "value_special"], Columns(raw, "trial_attributes"));
        }

        StudyRecord study = (await storage.GetStudyAsync("hypergrad-v3"))!;
        Assert.Equal("11", study.Attributes["seed"]);
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        Assert.Equal(
            [TrialState.Complete, TrialState.Complete, TrialState.Failed, TrialState.Interrupted, TrialState.Complete, TrialState.Running],
            trials.Select(t => t.State));
        Assert.All(trials, t => Assert.Empty(t.Attributes));
        Assert.Equal(0.7, trials[0].Loss);
        Assert.Equal([new IntermediateValue(1, 0.9), new IntermediateValue(2, 0.7)], trials[0].IntermediateValues);
        Assert.True(double.IsNaN(trials[1].Loss!.Value));
        Assert.Equal(double.PositiveInfinity, trials[1].Metric);
        Assert.Equal("InvalidOperationException: diverged on purpose", trials[2].Error);
        Assert.Equal((3, "worker-b"), (trials[4].RetryOf!.Value, trials[4].WorkerId!));
        Assert.Equal("""{"learning_rate":[0.14,0.12,0.1],"momentum":[0.87,0.9,0.93]}""", trials[5].ParametersJson);

        // The running trial of the old file completes with attributes; finished ones stay immutable.
        TrialRecord done = await storage.CompleteTrialAsync(study.Id, 5, 0.6, 0.78, 50, new Dictionary<string, double> { ["test_loss"] = 0.62 });
        Assert.Equal(done, await storage.GetTrialAsync(study.Id, 5));
        Assert.Equal(0.62, (await storage.GetTrialAsync(study.Id, 5))!.Attributes["test_loss"]);
        await Assert.ThrowsAsync<StorageException>(() => storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1, new Dictionary<string, double> { ["test_loss"] = 1 }));
        Assert.Empty((await storage.GetTrialAsync(study.Id, 0))!.Attributes);
        Assert.True(await storage.DeleteStudyAsync("hypergrad-v3"));
        using SqliteConnection after = OpenRaw();
        Assert.Equal(0L, Scalar(after, "SELECT COUNT(*) FROM trial_attributes;"));
    }

    [Fact]
    public void Constructor_Version3MigrationFails_ThrowsStorageExceptionAndLeavesVersion3WithItsTrials()
    {
        CopyVersion3Fixture();
        using (SqliteConnection raw = OpenRaw())
        {
            // An object the version-4 step will try to create after its table: the step fails half-way.
            Execute(raw, "CREATE TRIGGER trial_attributes_are_never_updated BEFORE UPDATE ON studies BEGIN SELECT 1; END;");
        }

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains("from schema version 3 to 4: step 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("left at version 3", ex.Message, StringComparison.Ordinal);
        using SqliteConnection check = OpenRaw();
        Assert.Equal(3L, Scalar(check, "SELECT MAX(version) FROM schema_version;"));
        Assert.DoesNotContain("trial_attributes", Tables(check));
        Assert.Equal(6L, Scalar(check, "SELECT COUNT(*) FROM trials;"));
    }

    [Fact]
    public async Task Schema_RawAttributeOfFinishedTrialOrUpdate_IsRejectedByTriggers()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        await storage.CreateTrialAsync(study.Id, "{}");
        TrialRecord done = await storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1, new Dictionary<string, double> { ["test_loss"] = double.NaN });
        using SqliteConnection raw = OpenRaw();

        var insert = Assert.Throws<SqliteException>(() => Execute(raw, $"INSERT INTO trial_attributes VALUES ({study.Id}, 0, 'other', 1.0, NULL);"));
        var update = Assert.Throws<SqliteException>(() => Execute(raw, "UPDATE trial_attributes SET value_special = NULL, value = 2.0;"));

        Assert.Contains("attributes of finished trials are immutable", insert.Message, StringComparison.Ordinal);
        Assert.Contains("trial attributes are immutable", update.Message, StringComparison.Ordinal);
        Assert.Equal("NaN", Scalar(raw, "SELECT value_special FROM trial_attributes;"));
        Assert.Equal(done, await storage.GetTrialAsync(study.Id, 0));
    }

    [Fact]
    public async Task Schema_RawSecondRetryOfOneTrial_IsRejectedByTrigger()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        await storage.CreateTrialAsync(study.Id, "{}");
        await storage.InterruptTrialAsync(study.Id, 0, "cancelled by the caller");
        await storage.ClaimRetryAsync(study.Id);
        using SqliteConnection raw = OpenRaw();

        var ex = Assert.Throws<SqliteException>(() => Execute(
            raw,
            $"INSERT INTO trials (study_id, number, state, parameters_json, started_at_utc, retry_of) VALUES ({study.Id}, 2, 'Running', '{{}}', '2025-01-01T00:00:00.0000000Z', 0);"));

        Assert.Contains("a trial is retried at most once", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Version1MigrationFails_ThrowsStorageExceptionAndLeavesVersion1()
    {
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, Version1Schema);
            Execute(raw, Version1Data);

            // An object the version-2 step will try to create: the step fails half-way.
            Execute(raw, "CREATE INDEX ix_trials_study_worker_state ON studies (name);");
        }

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains("from schema version 1 to 4: step 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("left at version 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(DatabasePath), ex.Message, StringComparison.Ordinal);
        using SqliteConnection check = OpenRaw();
        Assert.Equal(1L, Scalar(check, "SELECT MAX(version) FROM schema_version;"));
        Assert.DoesNotContain("worker_id", Columns(check, "trials"));
        Assert.Equal(3L, Scalar(check, "SELECT COUNT(*) FROM trials;"));
    }

    [Fact]
    public void Constructor_SeveralInstancesOpenVersion1DatabaseTogether_MigrateOnce()
    {
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, Version1Schema);
            Execute(raw, Version1Data);
        }

        SqliteStudyStorage[] storages = Enumerable.Range(0, 4)
            .AsParallel()
            .Select(_ => new SqliteStudyStorage(DatabasePath, Clock))
            .ToArray();
        foreach (SqliteStudyStorage storage in storages)
        {
            storage.Dispose();
        }

        using SqliteConnection check = OpenRaw();
        Assert.Equal(4L, Scalar(check, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(3L, Scalar(check, "SELECT COUNT(*) FROM trials;"));
    }

    [Fact]
    public void Constructor_NewerSchemaVersion_ThrowsStorageExceptionNamingBothVersionsAndPath()
    {
        new SqliteStudyStorage(DatabasePath, Clock).Dispose();
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "INSERT INTO schema_version VALUES (5, '2030-01-01T00:00:00.0000000Z', 'from the future');");
        }

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains("has schema version 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("supports schema versions up to 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(DatabasePath), ex.Message, StringComparison.Ordinal);
        using SqliteConnection check = OpenRaw();
        Assert.Equal(5L, Scalar(check, "SELECT MAX(version) FROM schema_version;"));
    }

    [Theory]
    [InlineData("sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n")]
    [InlineData("x")]
    public void Constructor_NotSqliteFile_ThrowsStorageExceptionNamingPathAndKeepsFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        File.WriteAllText(DatabasePath, string.Concat(Enumerable.Repeat(content, 50)));

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains($"'{Path.GetFullPath(DatabasePath)}' is not a SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Equal(string.Concat(Enumerable.Repeat(content, 50)), File.ReadAllText(DatabasePath));
    }

    [Fact]
    public void Constructor_SqliteDatabaseOfAnotherProgram_ThrowsStorageExceptionListingItsTables()
    {
        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);");
        }

        var ex = Assert.Throws<StorageException>(() => new SqliteStudyStorage(DatabasePath, Clock));

        Assert.Contains("not an MLNet.HyperGrad study database", ex.Message, StringComparison.Ordinal);
        Assert.Contains("customers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PathIsFolder_ThrowsArgumentException()
    {
        Directory.CreateDirectory(folder);

        var ex = Assert.Throws<ArgumentException>(() => new SqliteStudyStorage(folder, Clock));

        Assert.Contains("is a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_UnknownTrialState_IsRejectedByCheckConstraint()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        using SqliteConnection raw = OpenRaw();

        var ex = Assert.Throws<SqliteException>(() => Execute(
            raw,
            $"INSERT INTO trials (study_id, number, state, parameters_json, started_at_utc) VALUES ({study.Id}, 0, 'Paused', '{{}}', '2025-01-01T00:00:00.0000000Z');"));

        Assert.Contains("CHECK constraint failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_RawUpdateOfFinishedTrial_IsRejectedByTrigger()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        await storage.CreateTrialAsync(study.Id, "{}");
        TrialRecord done = await storage.CompleteTrialAsync(study.Id, 0, 1, 1, 1);
        using SqliteConnection raw = OpenRaw();

        var update = Assert.Throws<SqliteException>(() => Execute(raw, "UPDATE trials SET loss = 0 WHERE number = 0;"));
        var report = Assert.Throws<SqliteException>(() => Execute(raw, $"INSERT INTO trial_intermediate_values VALUES ({study.Id}, 0, 0, 1.0, NULL);"));

        Assert.Contains("finished trials are immutable", update.Message, StringComparison.Ordinal);
        Assert.Contains("immutable", report.Message, StringComparison.Ordinal);
        Assert.Equal(done, await storage.GetTrialAsync(study.Id, 0));
    }

    [Fact]
    public async Task CompleteTrialAsync_NanLossAndInfiniteMetric_StoresNanAsSpecialTextAndInfinityAsReal()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        await storage.CreateTrialAsync(study.Id, "{}");
        await storage.CompleteTrialAsync(study.Id, 0, double.NaN, double.NegativeInfinity, 1);
        using SqliteConnection raw = OpenRaw();

        Assert.Equal(DBNull.Value, Scalar(raw, "SELECT loss FROM trials;"));
        Assert.Equal("NaN", Scalar(raw, "SELECT loss_special FROM trials;"));
        Assert.Equal(double.NegativeInfinity, Scalar(raw, "SELECT metric FROM trials;"));
        Assert.Equal(DBNull.Value, Scalar(raw, "SELECT metric_special FROM trials;"));
        Assert.Equal("real", Scalar(raw, "SELECT typeof(metric) FROM trials;"));
    }

    [Fact]
    public async Task Storage_SecondInstanceWhileFirstHoldsWriteLock_WaitsThenWrites()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock, TimeSpan.FromSeconds(20));
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        using SqliteConnection blocker = OpenRaw();
        Execute(blocker, "BEGIN IMMEDIATE;");

        Task<TrialRecord> waiting = Task.Run(() => storage.CreateTrialAsync(study.Id, "{}"));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        Execute(blocker, "COMMIT;");

        Assert.Equal(0, (await waiting).Number);
    }

    [Fact]
    public async Task Storage_WriteLockHeldLongerThanBusyTimeout_ThrowsStorageExceptionNamingPath()
    {
        using var storage = new SqliteStudyStorage(DatabasePath, Clock, TimeSpan.FromSeconds(1));
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        using SqliteConnection blocker = OpenRaw();
        Execute(blocker, "BEGIN IMMEDIATE;");

        var ex = await Assert.ThrowsAsync<StorageException>(() => storage.CreateTrialAsync(study.Id, "{}"));

        Execute(blocker, "ROLLBACK;");
        Assert.Contains(Path.GetFullPath(DatabasePath), ex.Message, StringComparison.Ordinal);
        Assert.Contains("longer than the busy timeout (1 s)", ex.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(ex.InnerException);
        Assert.Empty(await storage.GetTrialsAsync(study.Id));
    }

    [Fact]
    public async Task CompleteTrialAsync_FilesAsAKilledProcessLeavesThem_HoldTheResult()
    {
        // Not disposed until the end: the pooled connection stays open, as in a process killed
        // right after the call returned. What is on disk then (the database and its write-ahead
        // log; the shared-memory index is rebuilt) must be enough.
        var storage = new SqliteStudyStorage(DatabasePath, Clock);
        StudyRecord study = await storage.CreateStudyAsync("s", "t", "{}", StudyDirection.Minimize);
        await storage.CreateTrialAsync(study.Id, "{}");
        await storage.ReportIntermediateValueAsync(study.Id, 0, 0, 0.75);
        TrialRecord done = await storage.CompleteTrialAsync(study.Id, 0, 0.5, 0.9, 10);
        Assert.True(File.Exists(DatabasePath + "-wal"));
        string copy = Path.Combine(folder, "after-kill", "studies.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(DatabasePath, copy);
        File.Copy(DatabasePath + "-wal", copy + "-wal");

        using (var recovered = new SqliteStudyStorage(copy, Clock))
        {
            Assert.Equal(done, await recovered.GetTrialAsync(study.Id, 0));
        }

        storage.Dispose();
    }
}
