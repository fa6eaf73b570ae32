using System.Globalization;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <summary>The versions of the PostgreSQL study schema, and the migration that brings a database to the newest.</summary>
/// <remarks>
/// Version 1: studies, their attributes, trials (times as .NET ticks, doubles as <c>double precision</c>, which keeps NaN,
/// infinities and -0 exactly), intermediate values and trial attributes. Version 2: a heartbeat per running trial
/// (<c>trials.heartbeat_ticks</c>), from which trials whose worker died are re-queued. Every opener runs the migration
/// in one transaction under an advisory lock, so that workers starting together migrate once.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The newest version, written by this library.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The statements of each version, applied in order; index 0 is version 1.</summary>
    internal static readonly string[] Versions =
    [
        """
        CREATE TABLE studies (
            id                bigserial PRIMARY KEY,
            name              text   NOT NULL UNIQUE CHECK (length(name) > 0),
            task_description  text   NOT NULL,
            search_space_json text   NOT NULL,
            direction         text   NOT NULL CHECK (direction IN ('Minimize', 'Maximize')),
            created_at_ticks  bigint NOT NULL
        );
        CREATE TABLE study_attributes (
            study_id bigint NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
            key      text   NOT NULL CHECK (length(key) > 0),
            value    text   NOT NULL,
            PRIMARY KEY (study_id, key)
        );
        CREATE TABLE trials (
            study_id         bigint  NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
            number           integer NOT NULL CHECK (number >= 0),
            state            text    NOT NULL CHECK (state IN ('Running', 'Complete', 'Failed', 'Pruned', 'Interrupted')),
            parameters_json  text    NOT NULL,
            loss             double precision,
            metric           double precision,
            duration_ms      double precision CHECK (duration_ms IS NULL OR duration_ms >= 0),
            started_at_ticks bigint  NOT NULL,
            ended_at_ticks   bigint,
            error            text,
            worker_id        text    CHECK (worker_id IS NULL OR length(worker_id) > 0),
            retry_of         integer CHECK (retry_of IS NULL OR (retry_of >= 0 AND retry_of < number)),
            PRIMARY KEY (study_id, number),
            CHECK ((state = 'Running') = (ended_at_ticks IS NULL)),
            CHECK (state NOT IN ('Failed', 'Interrupted') OR error IS NOT NULL)
        );
        CREATE UNIQUE INDEX ux_trials_retry_of ON trials (study_id, retry_of) WHERE retry_of IS NOT NULL;
        CREATE INDEX ix_trials_study_state ON trials (study_id, state);
        CREATE TABLE trial_intermediate_values (
            study_id     bigint  NOT NULL,
            trial_number integer NOT NULL,
            step         integer NOT NULL CHECK (step >= 0),
            value        double precision NOT NULL,
            PRIMARY KEY (study_id, trial_number, step),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials (study_id, number) ON DELETE CASCADE
        );
        CREATE TABLE trial_attributes (
            study_id     bigint  NOT NULL,
            trial_number integer NOT NULL,
            key          text    NOT NULL CHECK (length(key) > 0),
            value        double precision NOT NULL,
            PRIMARY KEY (study_id, trial_number, key),
            FOREIGN KEY (study_id, trial_number) REFERENCES trials (study_id, number) ON DELETE CASCADE
        );
        """,
        """
        ALTER TABLE trials ADD COLUMN heartbeat_ticks bigint;
        UPDATE trials SET heartbeat_ticks = started_at_ticks WHERE state = 'Running';
        CREATE INDEX ix_trials_running_heartbeat ON trials (study_id, heartbeat_ticks) WHERE state = 'Running';
        """,
    ];

    /// <summary>Creates the schema, or migrates an older one, in one transaction; refuses a newer one.</summary>
    /// <param name="connection">An open connection whose search path is the storage's schema.</param>
    /// <param name="description">The database, for messages.</param>
    /// <param name="nowTicks">The time recorded with each applied version.</param>
    /// <param name="targetVersion">The version to migrate to (tests create older databases with it).</param>
    public static void Migrate(NpgsqlConnection connection, string description, long nowTicks, int targetVersion = CurrentVersion)
    {
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.hypergrad_schema'));");
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS hypergrad_schema_version (version integer PRIMARY KEY CHECK (version >= 1), applied_at_ticks bigint NOT NULL);");
        int version;
        using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM hypergrad_schema_version;", connection, transaction))
        {
            version = (int)read.ExecuteScalar()!;
        }

        if (version > CurrentVersion)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"The study database {description} has schema version {version}, written by a newer MLNet.HyperGrad; this one supports versions up to {CurrentVersion}. Upgrade MLNet.HyperGrad.Postgres, or use another database or schema."));
        }

        for (int next = version + 1; next <= targetVersion; next++)
        {
            Execute(connection, transaction, Versions[next - 1]);
            using var record = new NpgsqlCommand("INSERT INTO hypergrad_schema_version (version, applied_at_ticks) VALUES (@version, @ticks);", connection, transaction);
            record.Parameters.AddWithValue("version", next);
            record.Parameters.AddWithValue("ticks", nowTicks);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Reads the schema version of a database (0 when it has none).</summary>
    public static int ReadVersion(NpgsqlConnection connection)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('hypergrad_schema_version') IS NOT NULL;", connection);
        if (!(bool)exists.ExecuteScalar()!)
        {
            return 0;
        }

        using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM hypergrad_schema_version;", connection);
        return (int)read.ExecuteScalar()!;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
