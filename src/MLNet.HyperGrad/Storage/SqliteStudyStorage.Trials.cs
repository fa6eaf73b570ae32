using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <content>Trials: numbering, creation without duplicates, state transitions, intermediate values, attributes.</content>
public sealed partial class SqliteStudyStorage
{
    private const string TrialColumns =
        "study_id, number, state, parameters_json, loss, loss_special, metric, metric_special, duration_ms, started_at_utc, ended_at_utc, error, worker_id, retry_of";

    /// <inheritdoc/>
    public Task<TrialRecord> CreateTrialAsync(
        long studyId,
        string parametersJson,
        string? workerId = null,
        int? retryOf = null,
        CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckJson(parametersJson, nameof(parametersJson));
        CheckWorkerId(workerId);
        if (retryOf is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retryOf), retryOf, "Trial numbers start at 0.");
        }

        return WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"create a trial of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                return InsertTrial(connection, transaction, studyId, parametersJson, workerId, retryOf);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialCreation> TryCreateTrialAsync(
        long studyId,
        string parametersJson,
        string? workerId = null,
        int? maxTrials = null,
        bool acceptDuplicate = false,
        CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckJson(parametersJson, nameof(parametersJson));
        CheckWorkerId(workerId);
        TrialBudget.Check(maxTrials, nameof(maxTrials));
        return WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"create a trial of study {studyId}"),
            (connection, transaction) =>
            {
                // One BEGIN IMMEDIATE transaction: the write lock is held from the count to the commit, so no other connection or
                // process can create a trial in between.
                RequireStudyName(connection, transaction, studyId);
                if (maxTrials is int max && CountedTrials(connection, transaction, studyId) >= max)
                {
                    return new TrialCreation(null, null, NextNumber(connection, transaction, studyId), IsBudgetExhausted: true);
                }

                if (!acceptDuplicate)
                {
                    using SqliteCommand same = Command(connection, transaction, "SELECT MIN(number) FROM trials WHERE study_id = $study AND parameters_json = $parameters;");
                    same.Parameters.AddWithValue("$study", studyId);
                    same.Parameters.AddWithValue("$parameters", parametersJson);
                    if (same.ExecuteScalar() is long duplicateOf)
                    {
                        return new TrialCreation(null, checked((int)duplicateOf), NextNumber(connection, transaction, studyId));
                    }
                }

                TrialRecord trial = InsertTrial(connection, transaction, studyId, parametersJson, workerId, retryOf: null);
                return new TrialCreation(trial, null, trial.Number + 1);
            },
            cancellationToken);
    }

    /// <summary>Inserts a running trial with the study's next number, inside a write transaction (which holds the write lock, so no other connection or process can take the same number).</summary>
    private TrialRecord InsertTrial(SqliteConnection connection, SqliteTransaction transaction, long studyId, string parametersJson, string? workerId, int? retryOf)
    {
        int number = NextNumber(connection, transaction, studyId);
        if (retryOf is int retried)
        {
            CheckRetryable(connection, transaction, studyId, number, retried);
        }

        DateTime now = UtcNow();
        using (SqliteCommand insert = Command(
            connection,
            transaction,
            """
            INSERT INTO trials (study_id, number, state, parameters_json, started_at_utc, worker_id, retry_of)
            VALUES ($study, $number, 'Running', $parameters, $started, $worker, $retry);
            """))
        {
            insert.Parameters.AddWithValue("$study", studyId);
            insert.Parameters.AddWithValue("$number", number);
            insert.Parameters.AddWithValue("$parameters", parametersJson);
            insert.Parameters.AddWithValue("$started", SqliteValues.FormatUtc(now));
            insert.Parameters.AddWithValue("$worker", (object?)workerId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$retry", retryOf is int r ? r : DBNull.Value);
            insert.ExecuteNonQuery();
        }

        return new TrialRecord
        {
            StudyId = studyId,
            Number = number,
            State = TrialState.Running,
            ParametersJson = parametersJson,
            StartedAtUtc = now,
            WorkerId = workerId,
            RetryOf = retryOf,
        };
    }

    /// <summary>The number of the study's trials that count towards its trial budget (<see cref="TrialBudget.Counts"/>: all but the interrupted ones).</summary>
    private static int CountedTrials(SqliteConnection connection, SqliteTransaction transaction, long studyId)
    {
        using SqliteCommand count = Command(connection, transaction, "SELECT COUNT(*) FROM trials WHERE study_id = $study AND state <> 'Interrupted';");
        count.Parameters.AddWithValue("$study", studyId);
        return checked((int)(long)count.ExecuteScalar()!);
    }

    private static int NextNumber(SqliteConnection connection, SqliteTransaction transaction, long studyId)
    {
        using SqliteCommand next = Command(connection, transaction, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = $study;");
        next.Parameters.AddWithValue("$study", studyId);
        return checked((int)(long)next.ExecuteScalar()!);
    }

    /// <summary>Checks that trial <paramref name="retried"/> exists and that no trial retries it yet.</summary>
    private void CheckRetryable(SqliteConnection connection, SqliteTransaction transaction, long studyId, int number, int retried)
    {
        if (retried >= number)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Trial {number} of study '{RequireStudyName(connection, transaction, studyId)}' (id {studyId}) in '{Path}' cannot retry trial {retried}: the study has only trials 0 to {number - 1}."));
        }

        using SqliteCommand existing = Command(connection, transaction, "SELECT MIN(number) FROM trials WHERE study_id = $study AND retry_of = $retried;");
        existing.Parameters.AddWithValue("$study", studyId);
        existing.Parameters.AddWithValue("$retried", retried);
        if (existing.ExecuteScalar() is long retry)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Trial {number} of study '{RequireStudyName(connection, transaction, studyId)}' (id {studyId}) in '{Path}' cannot retry trial {retried}: trial {retry} already retries it, and a trial is retried at most once."));
        }
    }

    private static void CheckWorkerId(string? workerId)
    {
        if (workerId is not null && workerId.Length == 0)
        {
            throw new ArgumentException("A worker id must not be empty; pass null when there is none.", nameof(workerId));
        }
    }

    /// <inheritdoc/>
    public Task ReportIntermediateValueAsync(long studyId, int number, int step, double value, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"report step {step} of trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                RequireRunningTrial(connection, transaction, studyId, number, "report an intermediate value of");
                using SqliteCommand upsert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO trial_intermediate_values (study_id, trial_number, step, value, value_special)
                    VALUES ($study, $number, $step, $value, $value_special)
                    ON CONFLICT (study_id, trial_number, step) DO UPDATE SET value = excluded.value, value_special = excluded.value_special;
                    """);
                upsert.Parameters.AddWithValue("$study", studyId);
                upsert.Parameters.AddWithValue("$number", number);
                upsert.Parameters.AddWithValue("$step", step);
                SqliteValues.AddDouble(upsert, "$value", value);
                upsert.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> CompleteTrialAsync(
        long studyId,
        int number,
        double loss,
        double metric,
        double durationMilliseconds,
        IReadOnlyDictionary<string, double>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        IReadOnlyDictionary<string, double> checkedAttributes = TrialAttributes.Copy(attributes, nameof(attributes));
        return FinishAsync(studyId, number, TrialState.Complete, loss, metric, durationMilliseconds, error: null, "complete", cancellationToken, checkedAttributes);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> FailTrialAsync(
        long studyId,
        int number,
        string error,
        double? durationMilliseconds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        return FinishAsync(studyId, number, TrialState.Failed, loss: null, metric: null, durationMilliseconds, error, "fail", cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> PruneTrialAsync(
        long studyId,
        int number,
        double? loss = null,
        double? metric = null,
        double? durationMilliseconds = null,
        string? reason = null,
        IReadOnlyDictionary<string, double>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        IReadOnlyDictionary<string, double> checkedAttributes = TrialAttributes.Copy(attributes, nameof(attributes));
        return FinishAsync(studyId, number, TrialState.Pruned, loss, metric, durationMilliseconds, reason, "prune", cancellationToken, checkedAttributes);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> InterruptTrialAsync(
        long studyId,
        int number,
        string reason,
        double? durationMilliseconds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        return FinishAsync(studyId, number, TrialState.Interrupted, loss: null, metric: null, durationMilliseconds, reason, "interrupt", cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long studyId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<TrialRecord>>(
            string.Create(CultureInfo.InvariantCulture, $"read the trials of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                return ReadTrials(connection, transaction, studyId, number: null, runningOnly: false, workerId: null);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<TrialRecord?> GetTrialAsync(long studyId, int number, CancellationToken cancellationToken = default) =>
        ReadAsync(
            string.Create(CultureInfo.InvariantCulture, $"read trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                return ReadTrials(connection, transaction, studyId, number, runningOnly: false, workerId: null).FirstOrDefault();
            },
            cancellationToken);

    private Task<TrialRecord> FinishAsync(
        long studyId,
        int number,
        TrialState state,
        double? loss,
        double? metric,
        double? durationMilliseconds,
        string? error,
        string verb,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, double>? attributes = null) =>
        WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"{verb} trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                TrialRecord running = RequireRunningTrial(connection, transaction, studyId, number, verb);
                DateTime now = UtcNow();

                // Attributes first: the schema accepts them only while the trial is running.
                InsertAttributes(connection, transaction, studyId, number, attributes ?? TrialAttributes.Empty);
                using SqliteCommand update = Command(
                    connection,
                    transaction,
                    """
                    UPDATE trials
                    SET state = $state, loss = $loss, loss_special = $loss_special, metric = $metric, metric_special = $metric_special,
                        duration_ms = $duration, ended_at_utc = $ended, error = $error
                    WHERE study_id = $study AND number = $number AND state = 'Running';
                    """);
                update.Parameters.AddWithValue("$study", studyId);
                update.Parameters.AddWithValue("$number", number);
                update.Parameters.AddWithValue("$state", SqliteValues.FormatState(state));
                SqliteValues.AddDouble(update, "$loss", loss);
                SqliteValues.AddDouble(update, "$metric", metric);
                update.Parameters.AddWithValue("$duration", durationMilliseconds is double d ? d : DBNull.Value);
                update.Parameters.AddWithValue("$ended", SqliteValues.FormatUtc(now));
                update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
                if (update.ExecuteNonQuery() != 1)
                {
                    throw new StorageException(
                        string.Create(CultureInfo.InvariantCulture, $"Could not {verb} trial {number} of study {studyId} in '{Path}': it stopped running during the call."));
                }

                return running with
                {
                    State = state,
                    Loss = loss,
                    Metric = metric,
                    DurationMilliseconds = durationMilliseconds,
                    EndedAtUtc = now,
                    Error = error,
                    Attributes = attributes ?? TrialAttributes.Empty,
                };
            },
            cancellationToken);

    private static void InsertAttributes(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long studyId,
        int number,
        IReadOnlyDictionary<string, double> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        using SqliteCommand insert = Command(
            connection,
            transaction,
            "INSERT INTO trial_attributes (study_id, trial_number, key, value, value_special) VALUES ($study, $number, $key, $value, $value_special);");
        foreach (KeyValuePair<string, double> kv in attributes)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$study", studyId);
            insert.Parameters.AddWithValue("$number", number);
            insert.Parameters.AddWithValue("$key", kv.Key);
            SqliteValues.AddDouble(insert, "$value", kv.Value);
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>Reads a trial that must exist and be running; <paramref name="verb"/> says what the caller wanted to do to it.</summary>
    private TrialRecord RequireRunningTrial(SqliteConnection connection, SqliteTransaction transaction, long studyId, int number, string verb)
    {
        string studyName = RequireStudyName(connection, transaction, studyId);
        TrialRecord trial = ReadTrials(connection, transaction, studyId, number, runningOnly: false, workerId: null).FirstOrDefault()
            ?? throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Cannot {verb} trial {number} of study '{studyName}' (id {studyId}) in '{Path}': the study has no trial with this number."));
        if (trial.IsFinished)
        {
            throw new StorageException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Cannot {verb} trial {number} of study '{studyName}' (id {studyId}) in '{Path}': it already finished as {trial.State} at {trial.EndedAtUtc:O}, and finished trials are immutable. Only running trials accept results."));
        }

        return trial;
    }

    /// <summary>Reads trials of a study with their intermediate values, ordered by number: one trial, the running ones (of one worker), or all.</summary>
    private static List<TrialRecord> ReadTrials(
        SqliteConnection connection,
        SqliteTransaction transaction,
        long studyId,
        int? number,
        bool runningOnly,
        string? workerId)
    {
        // Fixed fragments only, so that SQLite can use the primary key and the indices.
        string filter = "WHERE study_id = $study"
            + (number is null ? string.Empty : " AND number = $number")
            + (runningOnly ? " AND state = 'Running'" : string.Empty)
            + (workerId is null ? string.Empty : " AND worker_id = $worker");

        var trials = new List<TrialRecord>();
        using (SqliteCommand select = Command(connection, transaction, $"SELECT {TrialColumns} FROM trials {filter} ORDER BY number;"))
        {
            AddFilter(select);
            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                trials.Add(new TrialRecord
                {
                    StudyId = SqliteValues.GetInt64(reader, 0),
                    Number = SqliteValues.GetInt32(reader, 1),
                    State = SqliteValues.ParseState(reader.GetString(2)),
                    ParametersJson = reader.GetString(3),
                    Loss = SqliteValues.GetDouble(reader, 4, 5),
                    Metric = SqliteValues.GetDouble(reader, 6, 7),
                    DurationMilliseconds = reader.IsDBNull(8) ? null : SqliteValues.GetNumber(reader, 8),
                    StartedAtUtc = SqliteValues.ParseUtc(reader.GetString(9)),
                    EndedAtUtc = reader.IsDBNull(10) ? null : SqliteValues.ParseUtc(reader.GetString(10)),
                    Error = SqliteValues.GetNullableString(reader, 11),
                    WorkerId = SqliteValues.GetNullableString(reader, 12),
                    RetryOf = reader.IsDBNull(13) ? null : SqliteValues.GetInt32(reader, 13),
                });
            }
        }

        if (trials.Count == 0)
        {
            return trials;
        }

        var values = new Dictionary<int, List<IntermediateValue>>();
        using (SqliteCommand select = Command(
            connection,
            transaction,
            $"""
            SELECT trial_number, step, value, value_special FROM trial_intermediate_values
            WHERE study_id = $study AND trial_number IN (SELECT number FROM trials {filter})
            ORDER BY trial_number, step;
            """))
        {
            AddFilter(select);
            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                int trialNumber = SqliteValues.GetInt32(reader, 0);
                if (!values.TryGetValue(trialNumber, out List<IntermediateValue>? list))
                {
                    list = [];
                    values.Add(trialNumber, list);
                }

                list.Add(new IntermediateValue(SqliteValues.GetInt32(reader, 1), SqliteValues.GetDouble(reader, 2, 3)!.Value));
            }
        }

        var attributes = new Dictionary<int, Dictionary<string, double>>();
        using (SqliteCommand select = Command(
            connection,
            transaction,
            $"""
            SELECT trial_number, key, value, value_special FROM trial_attributes
            WHERE study_id = $study AND trial_number IN (SELECT number FROM trials {filter})
            ORDER BY trial_number, key;
            """))
        {
            AddFilter(select);
            using SqliteDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                int trialNumber = SqliteValues.GetInt32(reader, 0);
                if (!attributes.TryGetValue(trialNumber, out Dictionary<string, double>? map))
                {
                    map = new Dictionary<string, double>(StringComparer.Ordinal);
                    attributes.Add(trialNumber, map);
                }

                map.Add(reader.GetString(1), SqliteValues.GetDouble(reader, 2, 3)!.Value);
            }
        }

        if (values.Count == 0 && attributes.Count == 0)
        {
            return trials;
        }

        return trials.ConvertAll(t => t with
        {
            IntermediateValues = values.TryGetValue(t.Number, out List<IntermediateValue>? list) ? list : t.IntermediateValues,
            Attributes = attributes.TryGetValue(t.Number, out Dictionary<string, double>? map) ? map : t.Attributes,
        });

        void AddFilter(SqliteCommand command)
        {
            command.Parameters.AddWithValue("$study", studyId);
            if (number is int n)
            {
                command.Parameters.AddWithValue("$number", n);
            }

            if (workerId is not null)
            {
                command.Parameters.AddWithValue("$worker", workerId);
            }
        }
    }
}
