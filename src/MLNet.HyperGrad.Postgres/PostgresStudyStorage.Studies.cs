using System.Globalization;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <content>Studies and their attributes.</content>
public sealed partial class PostgresStudyStorage
{
    /// <inheritdoc/>
    public Task<StudyRecord> CreateStudyAsync(string name, string taskDescription, string searchSpaceJson, StudyDirection direction, IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancellationToken = default)
    {
        Dictionary<string, string> copy = StudyArguments.CheckStudy(name, taskDescription, searchSpaceJson, direction, attributes);
        return RunAsync(
            $"create study '{name}'",
            (connection, transaction) =>
            {
                LockStudyNames(connection, transaction);
                if (ReadStudies(connection, transaction, name).FirstOrDefault() is { } existing)
                {
                    throw new StorageException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"A study named '{name}' already exists in {Description} (id {existing.Id}, created {existing.CreatedAtUtc:O}). Resume it with GetOrCreateStudyAsync, delete it, or choose another name."));
                }

                return InsertStudy(connection, transaction, name, taskDescription, searchSpaceJson, direction, copy);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StudyRecord?> GetStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync($"read study '{name}'", (connection, transaction) => ReadStudies(connection, transaction, name).FirstOrDefault(), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<StudyRecord> GetOrCreateStudyAsync(string name, string taskDescription, string searchSpaceJson, StudyDirection direction, IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancellationToken = default)
    {
        Dictionary<string, string> copy = StudyArguments.CheckStudy(name, taskDescription, searchSpaceJson, direction, attributes);
        return RunAsync(
            $"open or create study '{name}'",
            (connection, transaction) =>
            {
                LockStudyNames(connection, transaction);
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
        RunAsync<IReadOnlyList<StudyRecord>>("list studies", (connection, transaction) => ReadStudies(connection, transaction, name: null), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync(
            $"delete study '{name}'",
            (connection, transaction) =>
            {
                // Foreign keys cascade to the attributes, the trials, their values and attributes.
                using NpgsqlCommand delete = Command(connection, transaction, "DELETE FROM studies WHERE name = @name;");
                delete.Parameters.AddWithValue("name", name);
                return delete.ExecuteNonQuery() > 0;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task SetStudyAttributeAsync(long studyId, string key, string value, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckAttribute(key, value, nameof(key));
        return RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"set attribute '{key}' of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId, lockRow: true);
                using NpgsqlCommand upsert = Command(connection, transaction, "INSERT INTO study_attributes (study_id, key, value) VALUES (@study, @key, @value) ON CONFLICT (study_id, key) DO UPDATE SET value = excluded.value;");
                upsert.Parameters.AddWithValue("study", studyId);
                upsert.Parameters.AddWithValue("key", key);
                upsert.Parameters.AddWithValue("value", value);
                upsert.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    /// <summary>Serializes the creation of studies (a transaction-scoped advisory lock), so that two workers creating the same name do not both insert.</summary>
    private static void LockStudyNames(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        using NpgsqlCommand command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.hypergrad_studies'));");
        command.ExecuteNonQuery();
    }

    private StudyRecord InsertStudy(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string taskDescription, string searchSpaceJson, StudyDirection direction, Dictionary<string, string> attributes)
    {
        DateTime now = UtcNow();
        long id;
        using (NpgsqlCommand insert = Command(connection, transaction, "INSERT INTO studies (name, task_description, search_space_json, direction, created_at_ticks) VALUES (@name, @task, @space, @direction, @created) RETURNING id;"))
        {
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("task", taskDescription);
            insert.Parameters.AddWithValue("space", searchSpaceJson);
            insert.Parameters.AddWithValue("direction", direction.ToString());
            insert.Parameters.AddWithValue("created", now.Ticks);
            id = (long)insert.ExecuteScalar()!;
        }

        foreach (KeyValuePair<string, string> pair in attributes)
        {
            using NpgsqlCommand insertAttribute = Command(connection, transaction, "INSERT INTO study_attributes (study_id, key, value) VALUES (@study, @key, @value);");
            insertAttribute.Parameters.AddWithValue("study", id);
            insertAttribute.Parameters.AddWithValue("key", pair.Key);
            insertAttribute.Parameters.AddWithValue("value", pair.Value);
            insertAttribute.ExecuteNonQuery();
        }

        return new StudyRecord { Id = id, Name = name, TaskDescription = taskDescription, SearchSpaceJson = searchSpaceJson, Direction = direction, CreatedAtUtc = now, Attributes = attributes };
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
            problems.Add($"it was created with the search space {StudyArguments.Shorten(existing.SearchSpaceJson)}, but this run gives {StudyArguments.Shorten(searchSpaceJson)}");
        }

        if (problems.Count > 0)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"Cannot resume study '{existing.Name}' (id {existing.Id}) in {Description}: {string.Join("; and ", problems)}. A resumed study must tune the same search space in the same direction; to tune another, use a new study name."));
        }

        static string Verb(StudyDirection d) => d == StudyDirection.Minimize ? "minimize" : "maximize";
    }

    /// <summary>Reads one study by name, or every study when <paramref name="name"/> is null, ordered by id.</summary>
    private static List<StudyRecord> ReadStudies(NpgsqlConnection connection, NpgsqlTransaction transaction, string? name)
    {
        var rows = new List<StudyRecord>();
        using (NpgsqlCommand select = Command(
            connection,
            transaction,
            "SELECT id, name, task_description, search_space_json, direction, created_at_ticks FROM studies"
            + (name is null ? " ORDER BY id;" : " WHERE name = @name;")))
        {
            if (name is not null)
            {
                select.Parameters.AddWithValue("name", name);
            }

            using NpgsqlDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new StudyRecord
                {
                    Id = reader.GetInt64(0),
                    Name = reader.GetString(1),
                    TaskDescription = reader.GetString(2),
                    SearchSpaceJson = reader.GetString(3),
                    Direction = reader.GetString(4) switch
                    {
                        "Minimize" => StudyDirection.Minimize,
                        "Maximize" => StudyDirection.Maximize,
                        string other => throw new FormatException($"the study direction '{other}' is neither Minimize nor Maximize"),
                    },
                    CreatedAtUtc = FromTicks(reader.GetInt64(5), "created_at_ticks"),
                });
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var attributes = new Dictionary<long, Dictionary<string, string>>();
        using (NpgsqlCommand select = Command(connection, transaction, "SELECT study_id, key, value FROM study_attributes WHERE study_id = ANY(@ids);"))
        {
            select.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            using NpgsqlDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                long id = reader.GetInt64(0);
                if (!attributes.TryGetValue(id, out Dictionary<string, string>? map))
                {
                    attributes[id] = map = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                map[reader.GetString(1)] = reader.GetString(2);
            }
        }

        return rows.ConvertAll(r => attributes.TryGetValue(r.Id, out Dictionary<string, string>? map) ? r with { Attributes = map } : r);
    }

    /// <summary>Gets the name of a study, for messages, or throws when it does not exist; <paramref name="lockRow"/> locks the study's row until the transaction ends (trial numbering).</summary>
    private string RequireStudyName(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, bool lockRow = false)
    {
        using NpgsqlCommand select = Command(connection, transaction, "SELECT name FROM studies WHERE id = @study" + (lockRow ? " FOR UPDATE;" : ";"));
        select.Parameters.AddWithValue("study", studyId);
        return select.ExecuteScalar() as string
            ?? throw new StorageException(string.Create(CultureInfo.InvariantCulture, $"Study {studyId} does not exist in {Description} (it was never created, or was deleted)."));
    }
}
