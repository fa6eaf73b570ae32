using System.Globalization;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <summary>Reads the connection strings <see cref="PostgresStudyStorage"/> accepts: a <c>postgres://</c> URI or an Npgsql keyword string.</summary>
internal static class PostgresConnectionString
{
    /// <summary>Whether a <c>--storage</c> value names a PostgreSQL database (a <c>postgres://</c> or <c>postgresql://</c> URI).</summary>
    public static bool IsPostgresUri(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a connection string into Npgsql's builder, with the schema as its search path.</summary>
    /// <param name="value">The URI or keyword string.</param>
    /// <param name="schemaOption">The schema of the options, which wins over the string's; or null.</param>
    /// <param name="schema">The schema the tables live in.</param>
    /// <exception cref="ArgumentException">The value is empty or malformed.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value, string? schemaOption, out string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(value));
        NpgsqlConnectionStringBuilder builder;
        string? uriSchema = null;
        if (IsPostgresUri(value))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new ArgumentException($"'{Redact(value)}' is not a valid PostgreSQL URI; expected postgres://user:password@host:port/database.", nameof(value));
            }

            builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
            string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            if (database.Length > 0)
            {
                builder.Database = database;
            }

            if (uri.UserInfo.Length > 0)
            {
                string[] user = uri.UserInfo.Split(':', 2);
                builder.Username = Uri.UnescapeDataString(user[0]);
                if (user.Length == 2)
                {
                    builder.Password = Uri.UnescapeDataString(user[1]);
                }
            }

            foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] kv = pair.Split('=', 2);
                string key = Uri.UnescapeDataString(kv[0]);
                string v = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
                if (string.Equals(key, "schema", StringComparison.OrdinalIgnoreCase))
                {
                    uriSchema = v;
                }
                else
                {
                    try
                    {
                        builder[key] = v;
                    }
                    catch (ArgumentException ex)
                    {
                        throw new ArgumentException($"'{Redact(value)}': unknown or invalid connection parameter '{key}' ({ex.Message}).", nameof(value), ex);
                    }
                }
            }
        }
        else
        {
            try
            {
                builder = new NpgsqlConnectionStringBuilder(value);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Not a PostgreSQL connection string: {ex.Message} Give postgres://user:password@host:port/database or Host=...;Database=....", nameof(value), ex);
            }
        }

        schema = schemaOption ?? uriSchema ?? (string.IsNullOrWhiteSpace(builder.SearchPath) ? "public" : builder.SearchPath.Split(',')[0].Trim());
        if (schema.Length == 0 || schema.Length > 63)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The schema name must have 1 to 63 characters; got '{schema}'."), nameof(value));
        }

        builder.SearchPath = PostgresStudyStorage.QuoteIdentifier(schema);
        return builder;
    }

    /// <summary>The URI without its password, for messages.</summary>
    public static string Redact(string value)
    {
        int at = value.IndexOf('@', StringComparison.Ordinal);
        int scheme = value.IndexOf("://", StringComparison.Ordinal);
        int colon = scheme < 0 || at < 0 ? -1 : value.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? value[..(colon + 1)] + "***" + value[at..] : value;
    }
}
