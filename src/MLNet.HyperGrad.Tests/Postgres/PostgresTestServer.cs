using MLNet.HyperGrad.Postgres;
using Npgsql;

namespace MLNet.HyperGrad.Tests.Postgres;

/// <summary>
/// The PostgreSQL server of the tests: the connection string in <see cref="Variable"/>, which <c>scripts/test.sh</c> exports after it
/// starts a throwaway cluster (initdb and pg_ctl as the postgres user, a temporary folder, a free port on localhost).
/// </summary>
/// <remarks>
/// Without the variable these tests fail, with a message that says how to run them: they are never skipped, so that a CI run
/// without a server cannot pass without checking the PostgreSQL storage. Each test works in a schema of its own, dropped after it.
/// </remarks>
internal static class PostgresTestServer
{
    public const string Variable = "HYPERGRAD_TEST_POSTGRES";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: {Variable} is not set. Run `bash scripts/test.sh` (it starts a throwaway PostgreSQL cluster and sets it), "
                + $"or set {Variable}=postgres://user:password@localhost:5432/database yourself (each test creates and drops a schema of its own).");

    /// <summary>A fresh schema name for one test.</summary>
    public static string NewSchema() => "hg_test_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Drops a test's schema with everything in it.</summary>
    public static void DropSchema(string schema)
    {
        using var dataSource = NpgsqlDataSource.Create(PostgresConnectionStringFor(schema: null));
        using NpgsqlConnection connection = dataSource.OpenConnection();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {PostgresStudyStorage.QuoteIdentifier(schema)} CASCADE;", connection);
        drop.ExecuteNonQuery();
    }

    /// <summary>Npgsql's form of the test server's connection string.</summary>
    public static NpgsqlConnectionStringBuilder PostgresConnectionStringFor(string? schema) =>
        PostgresConnectionString.Parse(ConnectionString, schema, out _);
}
