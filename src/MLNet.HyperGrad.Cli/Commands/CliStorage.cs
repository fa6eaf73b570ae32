using System.Text.RegularExpressions;
using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// Opens the study storage a <c>--storage</c> value names: a PostgreSQL database (<c>postgres://user:password@host:port/database</c>,
/// <c>postgresql://...</c>, or Npgsql's <c>Host=...;Database=...</c>), which workers on several machines share, or else a SQLite file
/// (the default, <c>&lt;output&gt;/study.db</c>).
/// </summary>
internal static partial class CliStorage
{
    /// <summary>Whether a <c>--storage</c> value names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string storage) =>
        storage.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || storage.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || HostKeyword().IsMatch(storage);

    /// <summary>Opens the storage: the PostgreSQL server (its schema created or migrated), or the SQLite file.</summary>
    /// <param name="storage">The resolved <c>--storage</c> (<see cref="TuneSettings.ResolvedStoragePath"/>).</param>
    /// <exception cref="ArgumentException">The PostgreSQL URI or connection string is malformed (the message names the value, without its password).</exception>
    /// <exception cref="StorageException">The server cannot be reached or refuses the login (the message names host, port and database, and what failed).</exception>
    public static IStudyStorage Open(string storage)
    {
        if (!IsPostgres(storage))
        {
            return new SqliteStudyStorage(storage);
        }

        try
        {
            return new PostgresStudyStorage(storage);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"--storage {Describe(storage)}: {CliErrors.UserMessage(ex)}", ex);
        }
        catch (StorageException ex)
        {
            throw new StorageException($"--storage {Describe(storage)}: {CliErrors.UserMessage(ex)}", ex);
        }
    }

    /// <summary>The storage for messages and reports: the SQLite path, or the PostgreSQL URI or connection string with its password masked.</summary>
    public static string Describe(string storage) => !IsPostgres(storage)
        ? storage
        : storage.Contains("://", StringComparison.Ordinal)
        ? UriPassword().Replace(storage, "${user}:***@")
        : KeywordPassword().Replace(storage, "${key}=***");

    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HostKeyword();

    [GeneratedRegex(@"(?<=://)(?<user>[^:@/]*):[^@/]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"(?<key>password|pwd)\s*=\s*[^;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeywordPassword();
}
