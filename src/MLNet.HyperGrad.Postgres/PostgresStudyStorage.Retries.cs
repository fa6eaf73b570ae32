using System.Globalization;
using MLNet.HyperGrad.Storage;
using Npgsql;

namespace MLNet.HyperGrad.Postgres;

/// <content>Interrupted trials: those a killed worker left running (by worker id, or by a stale heartbeat), and claiming their retries.</content>
public sealed partial class PostgresStudyStorage
{
    /// <summary>The reason stored with a trial re-queued because its worker stopped sending heartbeats.</summary>
    public const string StaleHeartbeatReason = "its worker stopped sending heartbeats (the process or machine died); re-queued for another worker";

    /// <inheritdoc/>
    public Task<IReadOnlyList<TrialRecord>> InterruptStaleRunningTrialsAsync(long studyId, string reason, string? workerId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return RunAsync<IReadOnlyList<TrialRecord>>(
            string.Create(CultureInfo.InvariantCulture, $"interrupt the stale running trials of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                List<TrialRecord> stale = ReadTrials(connection, transaction, studyId, number: null, runningOnly: true, workerId, lockRows: true);
                return Interrupt(connection, transaction, studyId, stale, reason);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// First re-queues the running trials whose heartbeat is older than <see cref="PostgresStudyStorageOptions.StaleAfter"/>
    /// (their worker died), then claims the oldest interrupted trial that no trial retries, locked with
    /// <c>FOR UPDATE SKIP LOCKED</c> so that a second worker claiming at the same time takes the next one or none; the budget is
    /// counted and the retry numbered under the study's row lock.
    /// </remarks>
    public async Task<TrialRecord?> ClaimRetryAsync(long studyId, string? workerId = null, int? maxTrials = null, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        TrialBudget.Check(maxTrials, nameof(maxTrials));
        TrialRecord? retry = await RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"claim a retry of an interrupted trial of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                RequeueStale(connection, transaction, studyId);
                int retried;
                string parametersJson;
                using (NpgsqlCommand oldest = Command(
                    connection,
                    transaction,
                    """
                    SELECT number, parameters_json FROM trials AS t
                    WHERE study_id = @study AND state = 'Interrupted'
                        AND NOT EXISTS (SELECT 1 FROM trials AS r WHERE r.study_id = t.study_id AND r.retry_of = t.number)
                    ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED;
                    """))
                {
                    oldest.Parameters.AddWithValue("study", studyId);
                    using NpgsqlDataReader reader = oldest.ExecuteReader();
                    if (!reader.Read())
                    {
                        return null;
                    }

                    retried = reader.GetInt32(0);
                    parametersJson = reader.GetString(1);
                }

                string study = RequireStudyName(connection, transaction, studyId, lockRow: true);

                // Under the study's lock: a claim that committed while this one waited has its retry visible now.
                using (NpgsqlCommand taken = Command(connection, transaction, "SELECT 1 FROM trials WHERE study_id = @study AND retry_of = @retried;"))
                {
                    taken.Parameters.AddWithValue("study", studyId);
                    taken.Parameters.AddWithValue("retried", retried);
                    if (taken.ExecuteScalar() is not null)
                    {
                        return null;
                    }
                }

                // Under the study's lock too: the budget's count cannot grow before this commits (the stale trials re-queued above
                // no longer count, and their retries will).
                if (maxTrials is int max && CountedTrials(connection, transaction, studyId) >= max)
                {
                    return null;
                }

                return (TrialRecord?)InsertTrial(connection, transaction, studyId, study, parametersJson, workerId, retried);
            },
            cancellationToken).ConfigureAwait(false);
        if (retry is not null)
        {
            running[(retry.StudyId, retry.Number)] = true;
        }

        return retry;
    }

    /// <summary>Marks interrupted the running trials of a study whose heartbeat is stale, skipping rows another transaction holds.</summary>
    private void RequeueStale(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId)
    {
        long staleBefore = UtcNow().Ticks - options.StaleAfter.Ticks;
        using NpgsqlCommand update = Command(
            connection,
            transaction,
            """
            WITH stale AS (
                SELECT number FROM trials
                WHERE study_id = @study AND state = 'Running' AND COALESCE(heartbeat_ticks, started_at_ticks) < @before
                FOR UPDATE SKIP LOCKED)
            UPDATE trials AS t SET state = 'Interrupted', ended_at_ticks = @now, error = @reason, duration_ms = NULL
            FROM stale WHERE t.study_id = @study AND t.number = stale.number;
            """);
        update.Parameters.AddWithValue("study", studyId);
        update.Parameters.AddWithValue("before", staleBefore);
        update.Parameters.AddWithValue("now", UtcNow().Ticks);
        update.Parameters.AddWithValue("reason", StaleHeartbeatReason);
        update.ExecuteNonQuery();
    }

    private List<TrialRecord> Interrupt(NpgsqlConnection connection, NpgsqlTransaction transaction, long studyId, List<TrialRecord> trials, string reason)
    {
        if (trials.Count == 0)
        {
            return trials;
        }

        DateTime now = UtcNow();
        using NpgsqlCommand update = Command(
            connection,
            transaction,
            "UPDATE trials SET state = 'Interrupted', ended_at_ticks = @ended, error = @reason, duration_ms = NULL WHERE study_id = @study AND number = ANY(@numbers) AND state = 'Running';");
        update.Parameters.AddWithValue("study", studyId);
        update.Parameters.AddWithValue("ended", now.Ticks);
        update.Parameters.AddWithValue("reason", reason);
        update.Parameters.AddWithValue("numbers", trials.Select(t => t.Number).ToArray());
        update.ExecuteNonQuery();
        foreach (TrialRecord trial in trials)
        {
            running.TryRemove((studyId, trial.Number), out _);
        }

        return trials.ConvertAll(t => t with { State = TrialState.Interrupted, EndedAtUtc = now, Error = reason, DurationMilliseconds = null });
    }
}
