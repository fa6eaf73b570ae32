using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <summary>
/// An <see cref="IStudyStorage"/> on a PostgreSQL server, which many workers on one or several machines share: each opens
/// its own instance on the same database (<c>hypergrad worker --storage postgres://... --study ...</c>).
/// </summary>
/// <remarks>
/// <para><b>Atomicity.</b> Every call is one transaction. Creating a trial locks its study's row (<c>SELECT ... FOR UPDATE</c>),
/// so numbers are consecutive and unique however many workers race; retries are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> (two workers never wait on, nor take, the same interrupted trial) and a unique index on
/// <c>(study_id, retry_of)</c> backs the at-most-once rule; a trial changes state under its row lock, so a finished trial is
/// never changed again.</para>
/// <para><b>Heartbeats and re-queue.</b> While a trial created by this instance runs, a timer writes its heartbeat every
/// <see cref="PostgresStudyStorageOptions.HeartbeatInterval"/>. A running trial whose heartbeat is older than
/// <see cref="PostgresStudyStorageOptions.StaleAfter"/> belongs to a worker that died (<c>kill -9</c>, a lost machine):
/// <see cref="ClaimRetryAsync"/> first marks such trials <see cref="TrialState.Interrupted"/> (skipping rows another worker
/// holds locked), then claims the oldest interrupted trial, so another worker runs it again.</para>
/// <para><b>Values.</b> Doubles are <c>double precision</c> (NaN, infinities and -0 kept bit for bit); times are .NET ticks
/// (<c>bigint</c>), exact to 100 ns.</para>
/// <para><b>Schema.</b> The tables live in one PostgreSQL schema (<see cref="PostgresStudyStorageOptions.Schema"/>), created
/// or migrated when the storage opens (<see cref="SchemaVersion"/>); a database written by a newer version is refused.</para>
/// <para>Npgsql's I/O runs synchronously inside the asynchronous methods: a call completes on the calling thread.</para>
/// </remarks>
public sealed partial class PostgresStudyStorage : IStudyStorage
{
    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresStudyStorageOptions options;
    private readonly ConcurrentDictionary<(long StudyId, int Number), bool> running = new();
    private readonly ITimer heartbeat;
    private int disposed;

    /// <summary>Opens the study database, creating the schema and its tables when missing, and migrating an older schema.</summary>
    /// <param name="connectionString">A URI (<c>postgres://user:password@host:port/database?schema=name</c>, also <c>postgresql://</c>) or an Npgsql connection string (<c>Host=...;Database=...</c>).</param>
    /// <param name="options">Schema, heartbeats and clock; null for the defaults.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed, or the options are inconsistent.</exception>
    /// <exception cref="StorageException">The server cannot be reached or refuses the login, the schema is newer than this library supports, or the migration failed.</exception>
    public PostgresStudyStorage(string connectionString, PostgresStudyStorageOptions? options = null)
    {
        this.options = options ?? new PostgresStudyStorageOptions();
        if (this.options.HeartbeatInterval <= TimeSpan.Zero || this.options.StaleAfter <= this.options.HeartbeatInterval)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The heartbeat interval must be positive and shorter than StaleAfter; got {this.options.HeartbeatInterval} and {this.options.StaleAfter}."), nameof(options));
        }

        NpgsqlConnectionStringBuilder builder = PostgresConnectionString.Parse(connectionString, this.options.Schema, out string schema);
        Schema = schema;
        Description = string.Create(CultureInfo.InvariantCulture, $"postgres://{builder.Host}:{builder.Port}/{builder.Database} (schema {schema})");
        dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            using NpgsqlConnection connection = dataSource.OpenConnection();
            using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {QuoteIdentifier(schema)};", connection))
            {
                create.ExecuteNonQuery();
            }

            PostgresSchema.Migrate(connection, Description, UtcNow().Ticks);
            SchemaVersion = PostgresSchema.ReadVersion(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException and not ObjectDisposedException)
        {
            dataSource.Dispose();
            throw new StorageException($"Could not open the study database {Description}: {ex.Message}", ex);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }

        heartbeat = this.options.TimeProvider.CreateTimer(_ => Beat(), null, this.options.HeartbeatInterval, this.options.HeartbeatInterval);
    }

    /// <summary>Gets the server, database and schema, for messages (never the password).</summary>
    public string Description { get; }

    /// <summary>Gets the PostgreSQL schema that holds the study tables.</summary>
    public string Schema { get; }

    /// <summary>Gets the schema version of the database after opening (<see cref="PostgresSchema.CurrentVersion"/>).</summary>
    public int SchemaVersion { get; }

    /// <summary>Stops the heartbeats and closes the pooled connections; the trials this instance left running go stale and are re-queued by other workers.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        heartbeat.Dispose();
        dataSource.Dispose();
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private DateTime UtcNow() => options.TimeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Writes the heartbeat of every trial this instance created that is still running, in one statement.</summary>
    private void Beat()
    {
        if (Volatile.Read(ref disposed) != 0 || running.IsEmpty)
        {
            return;
        }

        try
        {
            (long StudyId, int Number)[] trials = [.. running.Keys];
            using NpgsqlConnection connection = dataSource.OpenConnection();
            using var update = new NpgsqlCommand(
                """
                UPDATE trials AS t SET heartbeat_ticks = @now
                FROM unnest(@studies, @numbers) AS r(study_id, number)
                WHERE t.study_id = r.study_id AND t.number = r.number AND t.state = 'Running';
                """,
                connection);
            update.Parameters.AddWithValue("now", UtcNow().Ticks);
            update.Parameters.AddWithValue("studies", trials.Select(t => t.StudyId).ToArray());
            update.Parameters.AddWithValue("numbers", trials.Select(t => t.Number).ToArray());
            update.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            // A missed beat is retried at the next tick; only StaleAfter without any beat re-queues a trial.
        }
    }

    /// <summary>Runs one transaction (read committed, with explicit row locks where numbers or states are decided) and commits it.</summary>
    private async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using NpgsqlTransaction transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
                T result = body(connection, transaction);
                transaction.Commit();
                return result;
            }
        }
        catch (PostgresException ex)
        {
            throw new StorageException($"Could not {operation} in the study database {Description}: {ex.MessageText} ({ex.SqlState})", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new StorageException($"Could not {operation} in the study database {Description}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            // A row written outside this library with a value the schema's types and checks let through (ticks outside .NET's
            // range, a NaN duration).
            throw new StorageException(
                $"Could not {operation} in the study database {Description}: a stored value has the wrong type or form ({ex.GetType().Name}: {ex.Message}); the database was changed outside this library.",
                ex);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql) => new(sql, connection, transaction);

    private static string FormatState(TrialState state) => state.ToString();

    /// <summary>Reads a stored state; the schema allows only the five names, but a table changed by hand may hold another.</summary>
    /// <exception cref="FormatException">The text is not the name of a state.</exception>
    private static TrialState ParseState(string text) => text switch
    {
        "Running" => TrialState.Running,
        "Complete" => TrialState.Complete,
        "Failed" => TrialState.Failed,
        "Pruned" => TrialState.Pruned,
        "Interrupted" => TrialState.Interrupted,
        _ => throw new FormatException($"the trial state '{text}' is none of Running, Complete, Failed, Pruned, Interrupted"),
    };

    /// <summary>Reads a stored time (.NET ticks, UTC).</summary>
    /// <exception cref="FormatException">The ticks lie outside the range of <see cref="DateTime"/>.</exception>
    private static DateTime FromTicks(long ticks, string column) =>
        ticks is >= 0 and <= 3155378975999999999 // DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{column} holds {ticks}, outside the range of .NET ticks (0 to {DateTime.MaxValue.Ticks})"));

    /// <summary>Reads a stored duration; the schema's check (<c>duration_ms &gt;= 0</c>) lets NaN and infinity through.</summary>
    /// <exception cref="FormatException">The duration is not finite.</exception>
    private static double Duration(double milliseconds) =>
        double.IsFinite(milliseconds) ? milliseconds : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"duration_ms holds {milliseconds}, not a finite number of milliseconds"));
}
