using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <summary>
/// The versions of the SQLite study schema and the steps between them. A database records every
/// step applied to it in <c>schema_version</c>; its version is the highest one there.
/// </summary>
/// <remarks>
/// <para>Opening a database of an older version applies the missing steps in one
/// <c>BEGIN IMMEDIATE</c> transaction, with foreign keys off (so a step may rebuild a table the
/// way SQLite recommends: create, copy, drop, rename) and a <c>PRAGMA foreign_key_check</c> before
/// the commit: either every step applies or the database is left as it was. Two processes opening
/// an old database together migrate it once: the second re-reads the version inside its
/// transaction.</para>
/// <para>To change the schema, append a step with the next version; never edit a released step.
/// The tests keep a hand-written copy of every older schema to prove that its databases still
/// open.</para>
/// </remarks>
internal static class SchemaMigrations
{
    // Statements that more than one step runs (step 3 rebuilds the trials table and recreates its
    // indices and triggers exactly as steps 1 and 2 made them). Released text: never edit.
    private const string TrialsFinishedAreImmutable =
        """
        CREATE TRIGGER trials_finished_are_immutable
        BEFORE UPDATE ON trials
        WHEN OLD.state <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'finished trials are immutable');
        END;
        """;

    private const string IntermediateValuesInsertOnlyWhileRunning =
        """
        CREATE TRIGGER intermediate_values_insert_only_while_running
        BEFORE INSERT ON trial_intermediate_values
        WHEN (SELECT state FROM trials WHERE study_id = NEW.study_id AND number = NEW.trial_number) <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'intermediate values of finished trials are immutable');
        END;
        """;

    private const string IntermediateValuesUpdateOnlyWhileRunning =
        """
        CREATE TRIGGER intermediate_values_update_only_while_running
        BEFORE UPDATE ON trial_intermediate_values
        WHEN (SELECT state FROM trials WHERE study_id = OLD.study_id AND number = OLD.trial_number) <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'intermediate values of finished trials are immutable');
        END;
        """;

    private const string TrialsRetryOfMustExist =
        """
        CREATE TRIGGER trials_retry_of_must_exist
        BEFORE INSERT ON trials
        WHEN NEW.retry_of IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM trials WHERE study_id = NEW.study_id AND number = NEW.retry_of)
        BEGIN
            SELECT RAISE(ABORT, 'retry_of must name an existing trial of the same study');
        END;
        """;

    private const string TrialsStudyStateIndex =
        """
        CREATE INDEX ix_trials_study_state ON trials (study_id, state);
        """;

    private const string TrialsStudyWorkerStateIndex =
        """
        CREATE INDEX ix_trials_study_worker_state ON trials (study_id, worker_id, state) WHERE worker_id IS NOT NULL;
        """;

    /// <summary>Version 1: studies, their attributes, trials and intermediate values.</summary>
    internal static readonly string[] Version1Statements =
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
        TrialsStudyStateIndex,
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
        TrialsFinishedAreImmutable,
        IntermediateValuesInsertOnlyWhileRunning,
        IntermediateValuesUpdateOnlyWhileRunning,
    ];

    /// <summary>Version 2: which worker ran a trial, and which earlier trial it retries.</summary>
    internal static readonly string[] Version2Statements =
    [
        """
        ALTER TABLE trials ADD COLUMN worker_id TEXT CHECK (worker_id IS NULL OR length(worker_id) > 0);
        """,
        """
        ALTER TABLE trials ADD COLUMN retry_of INTEGER CHECK (retry_of IS NULL OR (retry_of >= 0 AND retry_of < number));
        """,
        TrialsStudyWorkerStateIndex,
        TrialsRetryOfMustExist,
    ];

    /// <summary>
    /// Version 3: the <c>Interrupted</c> state, and a trial retried at most once. Version 2 recorded an
    /// interrupted trial as <c>Failed</c> with an error starting <c>"interrupted: "</c>; those rows
    /// become <c>Interrupted</c>, their error the text after the prefix. SQLite cannot change a CHECK
    /// constraint, so the trials table is rebuilt (create, copy, drop, rename), with the triggers that
    /// name it.
    /// </summary>
    internal static readonly string[] Version3Statements =
    [
        """
        DROP TRIGGER intermediate_values_insert_only_while_running;
        """,
        """
        DROP TRIGGER intermediate_values_update_only_while_running;
        """,
        """
        CREATE TABLE trials_v3 (
            study_id        INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
            number          INTEGER NOT NULL CHECK (number >= 0),
            state           TEXT    NOT NULL CHECK (state IN ('Running', 'Complete', 'Failed', 'Pruned', 'Interrupted')),
            parameters_json TEXT    NOT NULL,
            loss            REAL,
            loss_special    TEXT    CHECK (loss_special IS NULL OR (loss_special IN ('NaN', '-0') AND loss IS NULL)),
            metric          REAL,
            metric_special  TEXT    CHECK (metric_special IS NULL OR (metric_special IN ('NaN', '-0') AND metric IS NULL)),
            duration_ms     REAL    CHECK (duration_ms IS NULL OR duration_ms >= 0),
            started_at_utc  TEXT    NOT NULL,
            ended_at_utc    TEXT,
            error           TEXT,
            worker_id       TEXT    CHECK (worker_id IS NULL OR length(worker_id) > 0),
            retry_of        INTEGER CHECK (retry_of IS NULL OR (retry_of >= 0 AND retry_of < number)),
            PRIMARY KEY (study_id, number),
            CHECK ((state = 'Running') = (ended_at_utc IS NULL)),
            CHECK (state <> 'Complete' OR loss IS NOT NULL OR loss_special IS NOT NULL),
            CHECK (state NOT IN ('Failed', 'Interrupted') OR error IS NOT NULL)
        );
        """,
        """
        INSERT INTO trials_v3 (study_id, number, state, parameters_json, loss, loss_special, metric, metric_special, duration_ms,
                               started_at_utc, ended_at_utc, error, worker_id, retry_of)
        SELECT study_id, number,
               CASE WHEN state = 'Failed' AND substr(error, 1, 13) = 'interrupted: ' THEN 'Interrupted' ELSE state END,
               parameters_json, loss, loss_special, metric, metric_special, duration_ms, started_at_utc, ended_at_utc,
               CASE WHEN state = 'Failed' AND substr(error, 1, 13) = 'interrupted: ' THEN substr(error, 14) ELSE error END,
               worker_id, retry_of
        FROM trials;
        """,
        """
        DROP TABLE trials;
        """,
        """
        ALTER TABLE trials_v3 RENAME TO trials;
        """,
        TrialsStudyStateIndex,
        TrialsStudyWorkerStateIndex,
        """
        CREATE INDEX ix_trials_study_retry_of ON trials (study_id, retry_of) WHERE retry_of IS NOT NULL;
        """,
        TrialsFinishedAreImmutable,
        TrialsRetryOfMustExist,
        """
        CREATE TRIGGER trials_retried_at_most_once
        BEFORE INSERT ON trials
        WHEN NEW.retry_of IS NOT NULL
            AND EXISTS (SELECT 1 FROM trials WHERE study_id = NEW.study_id AND retry_of = NEW.retry_of)
        BEGIN
            SELECT RAISE(ABORT, 'a trial is retried at most once');
        END;
        """,
        IntermediateValuesInsertOnlyWhileRunning,
        IntermediateValuesUpdateOnlyWhileRunning,
    ];

    /// <summary>
    /// Version 4: numeric attributes of a trial (<c>test_loss</c>), written with its result when it
    /// completes. A new table, so older rows are untouched and have none. Like intermediate values,
    /// attributes store NaN and -0 as <c>value = NULL</c> with a <c>value_special</c> text, and are
    /// written only while their trial is running (in the transaction that completes it) and never changed.
    /// </summary>
    internal static readonly string[] Version4Statements =
    [
        """
        CREATE TABLE trial_attributes (
            study_id      INTEGER NOT NULL,
            trial_number  INTEGER NOT NULL,
            key           TEXT    NOT NULL CHECK (length(key) > 0),
            value         REAL,
            value_special TEXT    CHECK (value_special IN ('NaN', '-0')),
            PRIMARY KEY (study_id, trial_number, key),
            CHECK ((value IS NULL) <> (value_special IS NULL)),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials (study_id, number) ON DELETE CASCADE
        ) WITHOUT ROWID;
        """,
        """
        CREATE TRIGGER trial_attributes_insert_only_while_running
        BEFORE INSERT ON trial_attributes
        WHEN (SELECT state FROM trials WHERE study_id = NEW.study_id AND number = NEW.trial_number) <> 'Running'
        BEGIN
            SELECT RAISE(ABORT, 'attributes of finished trials are immutable');
        END;
        """,
        """
        CREATE TRIGGER trial_attributes_are_never_updated
        BEFORE UPDATE ON trial_attributes
        BEGIN
            SELECT RAISE(ABORT, 'trial attributes are immutable');
        END;
        """,
    ];

    /// <summary>Gets every step, in order; step <c>i</c> takes a database to version <c>i + 1</c>.</summary>
    internal static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "initial schema: studies, study attributes, trials, intermediate values", Version1Statements),
        new(2, "trials.worker_id and trials.retry_of", Version2Statements),
        new(3, "the Interrupted trial state (from errors starting 'interrupted: '); a trial retried at most once", Version3Statements),
        new(4, "trial_attributes: numeric attributes of a trial (test_loss), stored when it completes", Version4Statements),
    ];

    /// <summary>Gets the schema version this library writes, and the newest it can open.</summary>
    internal static int CurrentVersion => All[^1].Version;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>, creating the schema in an empty database.</summary>
    /// <param name="connection">An open connection used by nobody else; its foreign-key setting is switched off during a migration and back on after.</param>
    /// <param name="path">The database file, for messages.</param>
    /// <param name="timeProvider">The clock for <c>schema_version.applied_at_utc</c>.</param>
    /// <returns>The version the database had before, 0 for an empty one.</returns>
    /// <exception cref="StorageException">The database is newer than this library, is not a study database, or a step failed (then nothing changed).</exception>
    internal static int Migrate(SqliteConnection connection, string path, TimeProvider timeProvider)
    {
        int found = ReadVersion(connection, transaction: null, path);
        CheckNotNewer(found, path);
        if (found == CurrentVersion)
        {
            return found;
        }

        Execute(connection, null, "PRAGMA foreign_keys = OFF;");
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            found = ReadVersion(connection, transaction, path);
            CheckNotNewer(found, path);
            foreach (SchemaMigration migration in All)
            {
                if (migration.Version <= found)
                {
                    continue;
                }

                try
                {
                    foreach (string statement in migration.Statements)
                    {
                        Execute(connection, transaction, statement);
                    }

                    using SqliteCommand record = connection.CreateCommand();
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_version (version, applied_at_utc, description) VALUES ($version, $at, $description);";
                    record.Parameters.AddWithValue("$version", migration.Version);
                    record.Parameters.AddWithValue("$at", SqliteValues.FormatUtc(timeProvider.GetUtcNow().UtcDateTime));
                    record.Parameters.AddWithValue("$description", migration.Description);
                    record.ExecuteNonQuery();
                }
                catch (SqliteException ex)
                {
                    throw new StorageException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Could not migrate the study database '{path}' from schema version {found} to {CurrentVersion}: step {migration.Version} ({migration.Description}) failed: {ex.Message} The database was left at version {found}."),
                        ex);
                }
            }

            CheckForeignKeys(connection, transaction, path, found);
            transaction.Commit();
        }
        finally
        {
            Execute(connection, null, "PRAGMA foreign_keys = ON;");
        }

        return found;
    }

    /// <summary>Reads the schema version of a database: 0 when it holds no tables.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction to read in, or <see langword="null"/>.</param>
    /// <param name="path">The database file, for messages.</param>
    /// <returns>The highest version in <c>schema_version</c>, or 0 for an empty database.</returns>
    /// <exception cref="StorageException">The database holds tables but is not a study database.</exception>
    internal static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction, string path)
    {
        var tables = new List<string>();
        using (SqliteCommand list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name;";
            using SqliteDataReader reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            return 0;
        }

        if (!tables.Contains("schema_version"))
        {
            throw new StorageException(
                $"'{path}' is a SQLite database but not an MLNet.HyperGrad study database: it has no schema_version table (its tables: {string.Join(", ", tables)}). Use a new file for the study storage.");
        }

        using SqliteCommand read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT MAX(version) FROM schema_version;";
        object? version = read.ExecuteScalar();
        if (version is not long value)
        {
            throw new StorageException($"The study database '{path}' has an empty schema_version table, so its schema version is unknown.");
        }

        return checked((int)value);
    }

    private static void CheckNotNewer(int found, string path)
    {
        if (found > CurrentVersion)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The study database '{path}' has schema version {found}, but this version of MLNet.HyperGrad supports schema versions up to {CurrentVersion}. Open it with the newer MLNet.HyperGrad that wrote it."));
        }
    }

    private static void CheckForeignKeys(SqliteConnection connection, SqliteTransaction transaction, string path, int found)
    {
        using SqliteCommand check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "PRAGMA foreign_key_check;";
        using SqliteDataReader reader = check.ExecuteReader();
        if (reader.Read())
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Could not migrate the study database '{path}' from schema version {found} to {CurrentVersion}: afterwards a row of table '{reader.GetString(0)}' references a missing row of '{reader.GetString(2)}'. The database was left at version {found}."));
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
