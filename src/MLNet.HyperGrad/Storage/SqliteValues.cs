using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <summary>How the SQLite storage writes and reads timestamps, doubles and enums.</summary>
/// <remarks>
/// <para>Timestamps are UTC text in the round-trip form <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>: exact
/// to the tick, sortable, and readable with any SQLite tool.</para>
/// <para>SQLite's REAL holds infinities, but turns NaN into NULL and stores -0.0 as the integer 0,
/// so a double column <c>x</c> comes with a text column <c>x_special</c>: NaN is stored as
/// <c>x = NULL, x_special = 'NaN'</c> and negative zero as <c>x = NULL, x_special = '-0'</c>; every
/// other value, infinities included, is stored in <c>x</c> as it is (and <c>x_special</c> is NULL),
/// so that SQL ordering on the column stays meaningful. Every double reads back bit for bit.</para>
/// </remarks>
internal static class SqliteValues
{
    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string NaN = "NaN";
    private const string NegativeZero = "-0";

    /// <summary>Formats a UTC time.</summary>
    /// <param name="utc">A time of kind <see cref="DateTimeKind.Utc"/>.</param>
    /// <returns>The stored text.</returns>
    internal static string FormatUtc(DateTime utc)
    {
        if (utc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException($"Expected a UTC time, got one of kind {utc.Kind}.", nameof(utc));
        }

        return utc.ToString(UtcFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a time written by <see cref="FormatUtc"/>.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The time, of kind <see cref="DateTimeKind.Utc"/>.</returns>
    internal static DateTime ParseUtc(string text) =>
        DateTime.ParseExact(text, UtcFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Adds the two parameters <paramref name="name"/> and <paramref name="name"/><c>_special</c> for a double column.</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The parameter name, such as <c>$loss</c>.</param>
    /// <param name="value">The value, or <see langword="null"/>.</param>
    internal static void AddDouble(SqliteCommand command, string name, double? value)
    {
        string? special = value switch
        {
            double v when double.IsNaN(v) => NaN,
            double v when v == 0 && double.IsNegative(v) => NegativeZero,
            _ => null,
        };
        command.Parameters.AddWithValue(name, value is null || special is not null ? DBNull.Value : value.Value);
        command.Parameters.AddWithValue(name + "_special", (object?)special ?? DBNull.Value);
    }

    /// <summary>Reads a double column stored with its <c>_special</c> companion.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="valueOrdinal">The ordinal of the value column.</param>
    /// <param name="specialOrdinal">The ordinal of the <c>_special</c> column.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    internal static double? GetDouble(SqliteDataReader reader, int valueOrdinal, int specialOrdinal)
    {
        if (!reader.IsDBNull(specialOrdinal))
        {
            string special = reader.GetString(specialOrdinal);
            return special switch
            {
                NaN => double.NaN,
                NegativeZero => -0.0,
                _ => throw new StorageException($"Unknown special double '{special}' in column '{reader.GetName(specialOrdinal)}'."),
            };
        }

        return reader.IsDBNull(valueOrdinal) ? null : GetNumber(reader, valueOrdinal);
    }

    /// <summary>Reads a number column that is not null, refusing text and blobs (which SQLite would silently read as 0).</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The value.</returns>
    /// <exception cref="StorageException">The stored value is not a number.</exception>
    internal static double GetNumber(SqliteDataReader reader, int ordinal)
    {
        RequireType(reader, ordinal, integer: false);
        return reader.GetDouble(ordinal);
    }

    /// <summary>Reads a 64-bit integer column that is not null, refusing text, blobs and reals.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The value.</returns>
    /// <exception cref="StorageException">The stored value is not an integer.</exception>
    internal static long GetInt64(SqliteDataReader reader, int ordinal)
    {
        RequireType(reader, ordinal, integer: true);
        return reader.GetInt64(ordinal);
    }

    /// <summary>Reads a 32-bit integer column that is not null, refusing text, blobs, reals and values out of range.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The value.</returns>
    /// <exception cref="StorageException">The stored value is not an integer of 32 bits.</exception>
    internal static int GetInt32(SqliteDataReader reader, int ordinal)
    {
        long value = GetInt64(reader, ordinal);
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new StorageException(string.Create(CultureInfo.InvariantCulture, $"Column '{reader.GetName(ordinal)}' holds {value}, beyond a 32-bit integer; the database was changed outside this library."));
    }

    private static void RequireType(SqliteDataReader reader, int ordinal, bool integer)
    {
        Type type = reader.GetFieldType(ordinal);
        if (type == typeof(long) || (!integer && type == typeof(double)))
        {
            return;
        }

        string found = type == typeof(string) ? $"the text '{Shorten(reader.GetString(ordinal))}'"
            : type == typeof(double) ? string.Create(CultureInfo.InvariantCulture, $"the real {reader.GetDouble(ordinal)}")
            : type == typeof(DBNull) ? "null"
            : "a blob";
        throw new StorageException($"Column '{reader.GetName(ordinal)}' holds {found} where {(integer ? "an integer" : "a number")} is expected; the database was changed outside this library.");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>Reads a nullable text column.</summary>
    /// <param name="reader">The reader, on a row.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    internal static string? GetNullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Converts a stored trial state.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The state.</returns>
    internal static TrialState ParseState(string text) => text switch
    {
        "Running" => TrialState.Running,
        "Complete" => TrialState.Complete,
        "Failed" => TrialState.Failed,
        "Pruned" => TrialState.Pruned,
        "Interrupted" => TrialState.Interrupted,
        _ => throw new StorageException($"Unknown trial state '{text}' in the database."),
    };

    /// <summary>Converts a trial state for storage.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The stored text, which the schema's CHECK constraint accepts.</returns>
    internal static string FormatState(TrialState state) => state switch
    {
        TrialState.Running => "Running",
        TrialState.Complete => "Complete",
        TrialState.Failed => "Failed",
        TrialState.Pruned => "Pruned",
        TrialState.Interrupted => "Interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown trial state."),
    };

    /// <summary>Converts a stored direction.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The direction.</returns>
    internal static StudyDirection ParseDirection(string text) => text switch
    {
        "Minimize" => StudyDirection.Minimize,
        "Maximize" => StudyDirection.Maximize,
        _ => throw new StorageException($"Unknown study direction '{text}' in the database."),
    };

    /// <summary>Converts a direction for storage.</summary>
    /// <param name="direction">The direction.</param>
    /// <returns>The stored text, which the schema's CHECK constraint accepts.</returns>
    internal static string FormatDirection(StudyDirection direction) => direction switch
    {
        StudyDirection.Minimize => "Minimize",
        StudyDirection.Maximize => "Maximize",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown study direction."),
    };
}
