using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <summary>
/// The embedded default <see cref="IStudyStorage"/>: one SQLite file that several threads and
/// several processes on one machine can share.
/// </summary>
/// <remarks>
/// <para><b>Durability.</b> The database runs in WAL journal mode with <c>synchronous=FULL</c>:
/// every committed write is synced to the write-ahead log before the call returns, so neither a
/// killed process nor a power cut loses it. Every write is one transaction.</para>
/// <para><b>Threads and processes.</b> Each call opens its own connection from
/// Microsoft.Data.Sqlite's pool, so no connection is ever shared between threads. Writes made
/// through one instance are queued in order by an asynchronous gate (a <see cref="SemaphoreSlim"/>)
/// instead of spinning on SQLite's lock. Writes of different instances and processes are
/// serialized by SQLite itself: every write transaction is <c>BEGIN IMMEDIATE</c>, which takes the
/// database's write lock before it reads anything (such as the next trial number), and waits up to
/// <see cref="BusyTimeout"/> for it. Reads run beside writes (WAL) and see one consistent snapshot.
/// The file must be on a local file system: SQLite's WAL mode does not work over network file
/// systems; use a server storage to share a study between machines.</para>
/// <para><b>Integrity.</b> Foreign keys are on; the schema's CHECK constraints and triggers refuse
/// unknown states and any change to a finished trial even from other programs writing to the file.
/// Doubles read back bit for bit: SQLite's REAL cannot hold NaN nor keep the sign of -0.0, so
/// these two are stored as <c>NULL</c> with a <c>*_special</c> text ('NaN', '-0'); infinities are
/// stored as they are.</para>
/// <para><b>Schema.</b> Opening a file creates the schema, or migrates an older one in one
/// transaction; a file written by a newer MLNet.HyperGrad, or that is not a study database,
/// is refused with a <see cref="StorageException"/>.</para>
/// <para>Microsoft.Data.Sqlite does its I/O synchronously: the asynchronous methods complete on the
/// calling thread once the write gate is free.</para>
/// </remarks>
public sealed partial class SqliteStudyStorage : IStudyStorage
{
    private const int SqliteBusy = 5;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly string connectionString;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private int disposed;

    /// <summary>Opens the study database at a path, creating its folder, the file and the schema when missing, and migrating an older schema.</summary>
    /// <param name="path">The database file, such as <c>hypergrad-output/studies.db</c>; relative paths are taken from the current directory.</param>
    /// <param name="timeProvider">The clock for creation, start and end times. The default is <see cref="TimeProvider.System"/>.</param>
    /// <param name="busyTimeout">How long a write waits for another process or instance holding the write lock before it fails. The default is 30 seconds.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, names a folder, or asks for an in-memory database (which would not be durable).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="busyTimeout"/> is not positive or longer than a day.</exception>
    /// <exception cref="StorageException">The folder or file cannot be created, the file is not a SQLite database or not a study database, its schema is newer than this library supports, or the migration failed.</exception>
    public SqliteStudyStorage(string path, TimeProvider? timeProvider = null, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (string.Equals(path.Trim(), ":memory:", StringComparison.Ordinal))
        {
            throw new ArgumentException("An in-memory SQLite database is not durable; give the path of a file.", nameof(path));
        }

        TimeSpan timeout = busyTimeout ?? TimeSpan.FromSeconds(30);
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(busyTimeout), timeout, "The busy timeout must be positive and at most one day.");
        }

        Path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(Path))
        {
            throw new ArgumentException($"'{Path}' is a folder; give the path of a database file in it, such as '{System.IO.Path.Combine(Path, "studies.db")}'.", nameof(path));
        }

        BusyTimeout = timeout;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        connectionString = BuildConnectionString(pooling: true);

        try
        {
            string? folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Could not create the folder of the study database '{Path}': {ex.Message}", ex);
        }

        Initialize();
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Gets how long a write waits for the write lock held by another instance or process.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>Releases the pooled connections to the file; the file itself stays.</summary>
    /// <remarks>Calls made after this throw <see cref="ObjectDisposedException"/>. Disposing twice does nothing.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        // The write gate is left to the garbage collector (it holds no wait handle): a call still
        // running must be able to release it.
    }

    /// <summary>Opens a connection with this storage's settings: foreign keys on, <c>synchronous=FULL</c>, the busy timeout.</summary>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <returns>An open connection that the caller disposes.</returns>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            ApplyConnectionSettings(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string BuildConnectionString(bool pooling) => new SqliteConnectionStringBuilder
    {
        DataSource = Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = pooling,
        ForeignKeys = true,
        DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
    }.ToString();

    private void ApplyConnectionSettings(SqliteConnection connection)
    {
        // One statement per command: Microsoft.Data.Sqlite can drop an error of a later statement (dotnet/efcore#32740).
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds};");
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
    }

    private void Initialize()
    {
        try
        {
            // A connection of its own, outside the pool: the migration switches foreign keys off and on.
            using var connection = new SqliteConnection(BuildConnectionString(pooling: false));
            connection.Open();
            ApplyConnectionSettings(connection);
            EnableWriteAheadLog(connection);
            SchemaMigrations.Migrate(connection, Path, timeProvider);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            throw new StorageException(
                $"'{Path}' is not a SQLite database, or is damaged ({ex.Message}). Give the path of a study database, or of a file that does not exist yet.",
                ex);
        }
        catch (SqliteException ex)
        {
            throw new StorageException($"Could not open the study database '{Path}': {ex.Message}", ex);
        }
    }

    private void EnableWriteAheadLog(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        string? mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException(
                $"Could not switch the study database '{Path}' to WAL journal mode (SQLite kept '{mode}'); the file must be on a local file system that supports shared memory.");
        }
    }

    private DateTime UtcNow() => timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Runs one write transaction (<c>BEGIN IMMEDIATE</c>) behind the write gate and commits it.</summary>
    private async Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using SqliteTransaction transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
                T result = body(connection, transaction);
                transaction.Commit();
                return result;
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteBusy)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Could not {operation} in the study database '{Path}': another connection or process held its write lock for longer than the busy timeout ({BusyTimeout.TotalSeconds:0.###} s). {ex.Message}"),
                ex);
        }
        catch (SqliteException ex)
        {
            throw new StorageException($"Could not {operation} in the study database '{Path}': {ex.Message}", ex);
        }
        catch (Exception ex) when (IsMalformedValue(ex))
        {
            throw Malformed(operation, ex);
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>Runs one read transaction, so that its queries see one snapshot.</summary>
    private async Task<T> ReadAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        try
        {
            SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using SqliteTransaction transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: true);
                T result = body(connection, transaction);
                transaction.Commit();
                return result;
            }
        }
        catch (SqliteException ex)
        {
            throw new StorageException($"Could not {operation} in the study database '{Path}': {ex.Message}", ex);
        }
        catch (Exception ex) when (IsMalformedValue(ex))
        {
            throw Malformed(operation, ex);
        }
    }

    /// <summary>Whether an exception is ADO.NET's or the parser's way of saying a stored value has the wrong type or form.</summary>
    private static bool IsMalformedValue(Exception ex) => ex is FormatException or InvalidCastException or OverflowException;

    /// <summary>The failure of an operation that met a stored value of the wrong type or form (a row written outside this library).</summary>
    private StorageException Malformed(string operation, Exception ex) => new(
        $"Could not {operation} in the study database '{Path}': a stored value has the wrong type or form ({ex.GetType().Name}: {ex.Message}); the database was changed outside this library.",
        ex);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
