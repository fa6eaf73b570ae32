using System.Globalization;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <content>Trials: numbering under the study's row lock, creation without duplicates, state changes under the trial's row lock.</content>
public sealed partial class PostgresStudyStorage
{
    private const string TrialColumns = "study_id, number, state, parameters_json, loss, metric, duration_ms, started_at_ticks, ended_at_ticks, error, worker_id, retry_of";

    /// <inheritdoc/>
    public Task<TrialRecord> CreateTrialAsync(long studyId, string parametersJson, string? workerId = null, int? retryOf = null, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckJson(parametersJson, nameof(parametersJson));
        CheckWorkerId(workerId);
        if (retryOf is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retryOf), retryOf, "Trial numbers start at 0.");
        }

        return Track(RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"create a trial of study {studyId}"),
            (connection, transaction) =>
            {
                string study = RequireStudyName(connection, transaction, studyId, lockRow: true);
                return InsertTrial(connection, transaction, studyId, study, parametersJson, workerId, retryOf);
            },
            cancellationToken));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The study's row is locked (<c>SELECT ... FOR UPDATE</c>) before the budget's count, and every creation of a trial takes the
    /// same lock, so the count cannot change before this transaction commits (read committed: the count, run after the lock is
    /// granted, sees every trial committed by the lock's earlier holders).
    /// </remarks>
    public async Task<TrialCreation> TryCreateTrialAsync(long studyId, string parametersJson, string? workerId = null, int? maxTrials = null, bool acceptDuplicate = false, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckJson(parametersJson, nameof(parametersJson));
        CheckWorkerId(workerId);
        TrialBudget.Check(maxTrials, nameof(maxTrials));
        TrialCreation creation = await RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"create a trial of study {studyId}"),
            (connection, transaction) =>
            {
                string study = RequireStudyName(connection, transaction, studyId, lockRow: true);
                if (maxTrials is int max && CountedTrials(connection, transaction, studyId) >= max)
                {
                    return new TrialCreation(null, null, NextNumber(connection, transaction, studyId), IsBudgetExhausted: true);
                }

                if (!acceptDuplicate)
                {
                    using NpgsqlCommand same = Command(connection, transaction, "SELECT MIN(number) FROM trials WHERE study_id = @study AND parameters_json = @parameters;");
                    same.Parameters.AddWithValue("study", studyId);
                    same.Parameters.AddWithValue("parameters", parametersJson);
                    if (same.ExecuteScalar() is int duplicateOf)
                    {
                        return new TrialCreation(null, duplicateOf, NextNumber(connection, transaction, studyId));
                    }
                }

                TrialRecord trial = InsertTrial(connection, transaction, studyId, study, parametersJson, workerId, retryOf: null);
                return new TrialCreation(trial, null, trial.Number + 1);
            },
            cancellationToken).ConfigureAwait(false);
        if (creation.Trial is { } created)
        {
            running[(created.StudyId, created.Number)] = true;
        }

        return creation;
    }

    /// <summary>Inserts a running trial with the study's next number; the caller holds the study's row lock.</summary>
    private TrialRecord InsertTrial(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, string study, string parametersJson, string? workerId, int? retryOf)
    {
        int number = NextNumber(connection, transaction, studyId);
        if (retryOf is int retried)
        {
            CheckRetryable(connection, transaction, studyId, study, number, retried);
        }

        DateTime now = UtcNow();
        using (NpgsqlCommand insert = Command(
            connection,
            transaction,
            """
            INSERT INTO trials (study_id, number, state, parameters_json, started_at_ticks, worker_id, retry_of, heartbeat_ticks)
            VALUES (@study, @number, 'Running', @parameters, @started, @worker, @retry, @started);
            """))
        {
            insert.Parameters.AddWithValue("study", studyId);
            insert.Parameters.AddWithValue("number", number);
            insert.Parameters.AddWithValue("parameters", parametersJson);
            insert.Parameters.AddWithValue("started", now.Ticks);
            insert.Parameters.AddWithValue("worker", (object?)workerId ?? DBNull.Value);
            insert.Parameters.AddWithValue("retry", retryOf is int r ? r : DBNull.Value);
            insert.ExecuteNonQuery();
        }

        return new TrialRecord { StudyId = studyId, Number = number, State = TrialState.Running, ParametersJson = parametersJson, StartedAtUtc = now, WorkerId = workerId, RetryOf = retryOf };
    }

    /// <summary>The number of the study's trials that count towards its trial budget (<see cref="TrialBudget.Counts"/>: all but the interrupted ones); the caller holds the study's row lock.</summary>
    private static int CountedTrials(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId)
    {
        using NpgsqlCommand count = Command(connection, transaction, "SELECT COUNT(*) FROM trials WHERE study_id = @study AND state <> 'Interrupted';");
        count.Parameters.AddWithValue("study", studyId);
        return checked((int)(long)count.ExecuteScalar()!);
    }

    private static int NextNumber(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId)
    {
        using NpgsqlCommand next = Command(connection, transaction, "SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = @study;");
        next.Parameters.AddWithValue("study", studyId);
        return (int)next.ExecuteScalar()!;
    }

    private void CheckRetryable(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, string study, int number, int retried)
    {
        if (retried >= number)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"Trial {number} of study '{study}' (id {studyId}) in {Description} cannot retry trial {retried}: the study has only trials 0 to {number - 1}."));
        }

        using NpgsqlCommand existing = Command(connection, transaction, "SELECT MIN(number) FROM trials WHERE study_id = @study AND retry_of = @retried;");
        existing.Parameters.AddWithValue("study", studyId);
        existing.Parameters.AddWithValue("retried", retried);
        if (existing.ExecuteScalar() is int retry)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"Trial {number} of study '{study}' (id {studyId}) in {Description} cannot retry trial {retried}: trial {retry} already retries it, and a trial is retried at most once."));
        }
    }

    private static void CheckWorkerId(string? workerId)
    {
        if (workerId is not null && workerId.Length == 0)
        {
            throw new ArgumentException("A worker id must not be empty; pass null when there is none.", nameof(workerId));
        }
    }

    /// <summary>Starts the heartbeats of a trial this instance created, once it is recorded.</summary>
    private async Task<TrialRecord> Track(Task<TrialRecord> creation)
    {
        TrialRecord trial = await creation.ConfigureAwait(false);
        running[(trial.StudyId, trial.Number)] = true;
        return trial;
    }

    /// <inheritdoc/>
    public Task ReportIntermediateValueAsync(long studyId, int number, int step, double value, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"report step {step} of trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                RequireRunningTrial(connection, transaction, studyId, number, "report an intermediate value of");
                using NpgsqlCommand upsert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO trial_intermediate_values (study_id, trial_number, step, value) VALUES (@study, @number, @step, @value)
                    ON CONFLICT (study_id, trial_number, step) DO UPDATE SET value = excluded.value;
                    """);
                upsert.Parameters.AddWithValue("study", studyId);
                upsert.Parameters.AddWithValue("number", number);
                upsert.Parameters.AddWithValue("step", step);
                upsert.Parameters.AddWithValue("value", value);
                upsert.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> CompleteTrialAsync(long studyId, int number, double loss, double metric, double durationMilliseconds, IReadOnlyDictionary<string, double>? attributes = null, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        IReadOnlyDictionary<string, double> checkedAttributes = TrialAttributes.Copy(attributes, nameof(attributes));
        return FinishAsync(studyId, number, TrialState.Complete, loss, metric, durationMilliseconds, error: null, "complete", checkedAttributes, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> FailTrialAsync(long studyId, int number, string error, double? durationMilliseconds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        return FinishAsync(studyId, number, TrialState.Failed, loss: null, metric: null, durationMilliseconds, error, "fail", TrialAttributes.Empty, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> PruneTrialAsync(long studyId, int number, double? loss = null, double? metric = null, double? durationMilliseconds = null, string? reason = null, IReadOnlyDictionary<string, double>? attributes = null, CancellationToken cancellationToken = default)
    {
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        IReadOnlyDictionary<string, double> checkedAttributes = TrialAttributes.Copy(attributes, nameof(attributes));
        return FinishAsync(studyId, number, TrialState.Pruned, loss, metric, durationMilliseconds, reason, "prune", checkedAttributes, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<TrialRecord> InterruptTrialAsync(long studyId, int number, string reason, double? durationMilliseconds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        StudyArguments.CheckDuration(durationMilliseconds, nameof(durationMilliseconds));
        return FinishAsync(studyId, number, TrialState.Interrupted, loss: null, metric: null, durationMilliseconds, reason, "interrupt", TrialAttributes.Empty, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long studyId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<TrialRecord>>(
            string.Create(CultureInfo.InvariantCulture, $"read the trials of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                return ReadTrials(connection, transaction, studyId, number: null, runningOnly: false, workerId: null, lockRows: false);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<TrialRecord?> GetTrialAsync(long studyId, int number, CancellationToken cancellationToken = default) =>
        RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"read trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                return ReadTrials(connection, transaction, studyId, number, runningOnly: false, workerId: null, lockRows: false).FirstOrDefault();
            },
            cancellationToken);

    private async Task<TrialRecord> FinishAsync(long studyId, int number, TrialState state, double? loss, double? metric, double? durationMilliseconds, string? error, string verb, IReadOnlyDictionary<string, double> attributes, CancellationToken cancellationToken)
    {
        TrialRecord finished = await RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"{verb} trial {number} of study {studyId}"),
            (connection, transaction) =>
            {
                TrialRecord trial = RequireRunningTrial(connection, transaction, studyId, number, verb);
                DateTime now = UtcNow();
                foreach (KeyValuePair<string, double> kv in attributes)
                {
                    using NpgsqlCommand insert = Command(connection, transaction, "INSERT INTO trial_attributes (study_id, trial_number, key, value) VALUES (@study, @number, @key, @value);");
                    insert.Parameters.AddWithValue("study", studyId);
                    insert.Parameters.AddWithValue("number", number);
                    insert.Parameters.AddWithValue("key", kv.Key);
                    insert.Parameters.AddWithValue("value", kv.Value);
                    insert.ExecuteNonQuery();
                }

                using NpgsqlCommand update = Command(
                    connection,
                    transaction,
                    """
                    UPDATE trials SET state = @state, loss = @loss, metric = @metric, duration_ms = @duration, ended_at_ticks = @ended, error = @error
                    WHERE study_id = @study AND number = @number AND state = 'Running';
                    """);
                update.Parameters.AddWithValue("study", studyId);
                update.Parameters.AddWithValue("number", number);
                update.Parameters.AddWithValue("state", FormatState(state));
                update.Parameters.AddWithValue("loss", loss is double l ? l : DBNull.Value);
                update.Parameters.AddWithValue("metric", metric is double m ? m : DBNull.Value);
                update.Parameters.AddWithValue("duration", durationMilliseconds is double d ? d : DBNull.Value);
                update.Parameters.AddWithValue("ended", now.Ticks);
                update.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
                update.ExecuteNonQuery();
                return trial with { State = state, Loss = loss, Metric = metric, DurationMilliseconds = durationMilliseconds, EndedAtUtc = now, Error = error, Attributes = attributes };
            },
            cancellationToken).ConfigureAwait(false);
        running.TryRemove((studyId, number), out _);
        return finished;
    }

    /// <summary>Reads and locks a trial that must exist and be running; <paramref name="verb"/> says what the caller wanted to do to it.</summary>
    private TrialRecord RequireRunningTrial(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, int number, string verb)
    {
        string study = RequireStudyName(connection, transaction, studyId);
        TrialRecord trial = ReadTrials(connection, transaction, studyId, number, runningOnly: false, workerId: null, lockRows: true).FirstOrDefault()
            ?? throw new StorageException(string.Create(CultureInfo.InvariantCulture, $"Cannot {verb} trial {number} of study '{study}' (id {studyId}) in {Description}: the study has no trial with this number."));
        if (trial.IsFinished)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"Cannot {verb} trial {number} of study '{study}' (id {studyId}) in {Description}: it already finished as {trial.State} at {trial.EndedAtUtc:O}, and finished trials are immutable. Only running trials accept results."));
        }

        return trial;
    }

    /// <summary>Reads trials of a study with their intermediate values and attributes, ordered by number; <paramref name="lockRows"/> locks the trial rows.</summary>
    private static List<TrialRecord> ReadTrials(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, int? number, bool runningOnly, string? workerId, bool lockRows)
    {
        string filter = "WHERE study_id = @study"
            + (number is null ? string.Empty : " AND number = @number")
            + (runningOnly ? " AND state = 'Running'" : string.Empty)
            + (workerId is null ? string.Empty : " AND worker_id = @worker");
        var trials = new List<TrialRecord>();
        using (NpgsqlCommand select = Command(connection, transaction, $"SELECT {TrialColumns} FROM trials {filter} ORDER BY number{(lockRows ? " FOR UPDATE" : string.Empty)};"))
        {
            AddFilter(select);
            using NpgsqlDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                trials.Add(new TrialRecord
                {
                    StudyId = reader.GetInt64(0),
                    Number = reader.GetInt32(1),
                    State = ParseState(reader.GetString(2)),
                    ParametersJson = reader.GetString(3),
                    Loss = reader.IsDBNull(4) ? null : reader.GetDouble(4),
                    Metric = reader.IsDBNull(5) ? null : reader.GetDouble(5),
                    DurationMilliseconds = reader.IsDBNull(6) ? null : Duration(reader.GetDouble(6)),
                    StartedAtUtc = FromTicks(reader.GetInt64(7), "started_at_ticks"),
                    EndedAtUtc = reader.IsDBNull(8) ? null : FromTicks(reader.GetInt64(8), "ended_at_ticks"),
                    Error = reader.IsDBNull(9) ? null : reader.GetString(9),
                    WorkerId = reader.IsDBNull(10) ? null : reader.GetString(10),
                    RetryOf = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                });
            }
        }

        if (trials.Count == 0)
        {
            return trials;
        }

        var values = new Dictionary<int, List<IntermediateValue>>();
        using (NpgsqlCommand select = Command(connection, transaction, $"SELECT trial_number, step, value FROM trial_intermediate_values WHERE study_id = @study AND trial_number IN (SELECT number FROM trials {filter}) ORDER BY trial_number, step;"))
        {
            AddFilter(select);
            using NpgsqlDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                int trialNumber = reader.GetInt32(0);
                if (!values.TryGetValue(trialNumber, out List<IntermediateValue>? list))
                {
                    values[trialNumber] = list = [];
                }

                list.Add(new IntermediateValue(reader.GetInt32(1), reader.GetDouble(2)));
            }
        }

        var attributes = new Dictionary<int, Dictionary<string, double>>();
        using (NpgsqlCommand select = Command(connection, transaction, $"SELECT trial_number, key, value FROM trial_attributes WHERE study_id = @study AND trial_number IN (SELECT number FROM trials {filter}) ORDER BY trial_number, key;"))
        {
            AddFilter(select);
            using NpgsqlDataReader reader = select.ExecuteReader();
            while (reader.Read())
            {
                int trialNumber = reader.GetInt32(0);
                if (!attributes.TryGetValue(trialNumber, out Dictionary<string, double>? map))
                {
                    attributes[trialNumber] = map = new Dictionary<string, double>(StringComparer.Ordinal);
                }

                map.Add(reader.GetString(1), reader.GetDouble(2));
            }
        }

        return values.Count == 0 && attributes.Count == 0
            ? trials
            : trials.ConvertAll(t => t with
            {
                IntermediateValues = values.TryGetValue(t.Number, out List<IntermediateValue>? list) ? list : t.IntermediateValues,
                Attributes = attributes.TryGetValue(t.Number, out Dictionary<string, double>? map) ? map : t.Attributes,
            });

        void AddFilter(NpgsqlCommand command)
        {
            command.Parameters.AddWithValue("study", studyId);
            if (number is int n)
            {
                command.Parameters.AddWithValue("number", n);
            }

            if (workerId is not null)
            {
                command.Parameters.AddWithValue("worker", workerId);
            }
        }
    }
}
