using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <content>Studies and their attributes.</content>
public sealed partial class SqliteStudyStorage
{
    private const string StudyColumns = "id, name, task_description, search_space_json, direction, created_at_utc";

    /// <inheritdoc/>
    public Task<StudyRecord> CreateStudyAsync(
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        IReadOnlyDictionary<string, string>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        Dictionary<string, string> copy = StudyArguments.CheckStudy(name, taskDescription, searchSpaceJson, direction, attributes);
        return WriteAsync(
            $"create study '{name}'",
            (connection, transaction) =>
            {
                StudyRecord? existing = ReadStudies(connection, transaction, name).FirstOrDefault();
                if (existing is not null)
                {
                    throw new StorageException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"A study named '{name}' already exists in '{Path}' (id {existing.Id}, created {existing.CreatedAtUtc:O}). Resume it with GetOrCreateStudyAsync, delete it, or choose another name."));
                }

                return InsertStudy(connection, transaction, name, taskDescription, searchSpaceJson, direction, copy);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StudyRecord?> GetStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(
            $"read study '{name}'",
            (connection, transaction) => ReadStudies(connection, transaction, name).FirstOrDefault(),
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StudyRecord> GetOrCreateStudyAsync(
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        IReadOnlyDictionary<string, string>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        Dictionary<string, string> copy = StudyArguments.CheckStudy(name, taskDescription, searchSpaceJson, direction, attributes);
        return WriteAsync(
            $"open or create study '{name}'",
            (connection, transaction) =>
            {
                StudyRecord? existing = ReadStudies(connection, transaction, name).FirstOrDefault();
                if (existing is null)
                {
                    return InsertStudy(connection, transaction, name, taskDescription, searchSpaceJson, direction, copy);
                }

                CheckSameStudy(existing, searchSpaceJson, direction);
                return existing;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StudyRecord>> ListStudiesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StudyRecord>>(
            "list studies",
            (connection, transaction) => ReadStudies(connection, transaction, name: null),
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync(
            $"delete study '{name}'",
            (connection, transaction) =>
            {
                // Foreign keys cascade to the attributes, the trials and their intermediate values.
                using SqliteCommand delete = Command(connection, transaction, "DELETE FROM studies WHERE name = $name;");
                delete.Parameters.AddWithValue("$name", name);
                return delete.ExecuteNonQuery() > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task SetStudyAttributeAsync(long studyId, string key, string value, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckAttribute(key, value, nameof(key));
        return WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"set attribute '{key}' of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                using SqliteCommand upsert = Command(
                    connection,
                    transaction,
                    "INSERT INTO study_attributes (study_id, key, value) VALUES ($study, $key, $value) ON CONFLICT (study_id, key) DO UPDATE SET value = excluded.value;");
                upsert.Parameters.AddWithValue("$study", studyId);
                upsert.Parameters.AddWithValue("$key", key);
                upsert.Parameters.AddWithValue("$value", value);
                upsert.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    private StudyRecord InsertStudy(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        Dictionary<string, string> attributes)
    {
        DateTime now = UtcNow();
        long id;
        using (SqliteCommand insert = Command(
            connection,
            transaction,
            """
            INSERT INTO studies (name, task_description, search_space_json, direction, created_at_utc)
            VALUES ($name, $task, $space, $direction, $created)
            RETURNING id;
            """))
        {
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$task", taskDescription);
            insert.Parameters.AddWithValue("$space", searchSpaceJson);
            insert.Parameters.AddWithValue("$direction", SqliteValues.FormatDirection(direction));
            insert.Parameters.AddWithValue("$created", SqliteValues.FormatUtc(now));
            id = (long)insert.ExecuteScalar()!;
        }

        if (attributes.Count > 0)
        {
            using SqliteCommand insertAttribute = Command(
                connection,
                transaction,
                "INSERT INTO study_attributes (study_id, key, value) VALUES ($study, $key, $value);");
            SqliteParameter key = insertAttribute.Parameters.Add("$key", SqliteType.Text);
            SqliteParameter value = insertAttribute.Parameters.Add("$value", SqliteType.Text);
            insertAttribute.Parameters.AddWithValue("$study", id);
            foreach (KeyValuePair<string, string> pair in attributes)
            {
                key.Value = pair.Key;
                value.Value = pair.Value;
                insertAttribute.ExecuteNonQuery();
            }
        }

        return new StudyRecord
        {
            Id = id,
            Name = name,
            TaskDescription = taskDescription,
            SearchSpaceJson = searchSpaceJson,
            Direction = direction,
            CreatedAtUtc = now,
            Attributes = attributes,
        };
    }

    private void CheckSameStudy(StudyRecord existing, string searchSpaceJson, StudyDirection direction)
    {
        var problems = new List<string>();
        if (existing.Direction != direction)
        {
            problems.Add($"it was created to {Verb(existing.Direction)} its objective, but this run asks to {Verb(direction)} it");
        }

        if (!StudyArguments.SameJson(existing.SearchSpaceJson, searchSpaceJson))
        {
            problems.Add(
                $"it was created with the search space {StudyArguments.Shorten(existing.SearchSpaceJson)}, but this run gives {StudyArguments.Shorten(searchSpaceJson)}");
        }

        if (problems.Count > 0)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Cannot resume study '{existing.Name}' (id {existing.Id}) in '{Path}': {string.Join("; and ", problems)}. A resumed study must tune the same search space in the same direction; to tune another, use a new study name."));
        }

        static string Verb(StudyDirection d) => d == StudyDirection.Minimize ? "minimize" : "maximize";
    }

    /// <summary>Reads one study by name, or every study when <paramref name="name"/> is <see langword="null"/>, ordered by id.</summary>
    private static List<StudyRecord> ReadStudies(SqliteConnection connection, SqliteTransaction transaction, string? name)
    {
        var rows = new List<(long Id, string Name, string Task, string Space, StudyDirection Direction, DateTime Created)>();
        using (SqliteCommand select = Command(
            connection,
            transaction,
            name is null
                ? $"SELECT {StudyColumns} FROM studies ORDER BY id;"
                : $"SELECT {StudyColumns} FROM studies WHERE name = $name;"))
        {
            if (name is not null)
            {
                select.Parameters.AddWithValue("$name", name);
            }

            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((
                    SqliteValues.GetInt64(reader, 0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    SqliteValues.ParseDirection(reader.GetString(4)),
                    SqliteValues.ParseUtc(reader.GetString(5))));
            }
        }

        var attributes = new Dictionary<long, Dictionary<string, string>>();
        if (rows.Count > 0)
        {
            using SqliteCommand select = Command(
                connection,
                transaction,
                name is null
                    ? "SELECT study_id, key, value FROM study_attributes;"
                    : "SELECT study_id, key, value FROM study_attributes WHERE study_id = $study;");
            if (name is not null)
            {
                select.Parameters.AddWithValue("$study", rows[0].Id);
            }

            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                long studyId = SqliteValues.GetInt64(reader, 0);
                if (!attributes.TryGetValue(studyId, out Dictionary<string, string>? map))
                {
                    map = new Dictionary<string, string>(StringComparer.Ordinal);
                    attributes.Add(studyId, map);
                }

                map[reader.GetString(1)] = reader.GetString(2);
            }
        }

        return rows.ConvertAll(row => new StudyRecord
        {
            Id = row.Id,
            Name = row.Name,
            TaskDescription = row.Task,
            SearchSpaceJson = row.Space,
            Direction = row.Direction,
            CreatedAtUtc = row.Created,
            Attributes = attributes.TryGetValue(row.Id, out Dictionary<string, string>? map) ? map : new Dictionary<string, string>(),
        });
    }

    /// <summary>Gets the name of a study, for messages, or throws when it does not exist.</summary>
    private string RequireStudyName(SqliteConnection connection, SqliteTransaction transaction, long studyId)
    {
        using SqliteCommand select = Command(connection, transaction, "SELECT name FROM studies WHERE id = $study;");
        select.Parameters.AddWithValue("$study", studyId);
        return select.ExecuteScalar() as string
            ?? throw new StorageException(
                string.Create(CultureInfo.InvariantCulture, $"Study {studyId} does not exist in '{Path}' (it was never created, or was deleted)."));
    }
}
