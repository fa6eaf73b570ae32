using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLNet.HyperGrad.Storage;

/// <content>Interrupted trials: those a killed process left running, and claiming their retries.</content>
public sealed partial class SqliteStudyStorage
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<TrialRecord>> InterruptStaleRunningTrialsAsync(
        long studyId,
        string reason,
        string? workerId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return WriteAsync<IReadOnlyList<TrialRecord>>(
            string.Create(CultureInfo.InvariantCulture, $"interrupt the stale running trials of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                List<TrialRecord> stale = ReadTrials(connection, transaction, studyId, number: null, runningOnly: true, workerId);
                if (stale.Count == 0)
                {
                    return stale;
                }

                DateTime now = UtcNow();
                using SqliteCommand update = Command(
                    connection,
                    transaction,
                    """
                    UPDATE trials SET state = 'Interrupted', ended_at_utc = $ended, error = $reason, duration_ms = NULL
                    WHERE study_id = $study AND state = 'Running' AND ($worker IS NULL OR worker_id = $worker);
                    """);
                update.Parameters.AddWithValue("$study", studyId);
                update.Parameters.AddWithValue("$ended", SqliteValues.FormatUtc(now));
                update.Parameters.AddWithValue("$reason", reason);
                update.Parameters.AddWithValue("$worker", (object?)workerId ?? DBNull.Value);
                int changed = update.ExecuteNonQuery();
                if (changed != stale.Count)
                {
                    throw new StorageException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Expected to interrupt {stale.Count} running trials of study {studyId} in '{Path}' but {changed} changed; nothing was written."));
                }

                return stale.ConvertAll(t => t with { State = TrialState.Interrupted, EndedAtUtc = now, Error = reason, DurationMilliseconds = null });
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The budget's count, the search and the insert run in one <c>BEGIN IMMEDIATE</c> transaction: the write lock is
    /// held from before the count to the commit, so a second instance or process sees the claim.
    /// </remarks>
    public Task<TrialRecord?> ClaimRetryAsync(long studyId, string? workerId = null, int? maxTrials = null, CancellationToken cancellationToken = default)
    {
        CheckWorkerId(workerId);
        TrialBudget.Check(maxTrials, nameof(maxTrials));
        return WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"claim a retry of an interrupted trial of study {studyId}"),
            (connection, transaction) =>
            {
                RequireStudyName(connection, transaction, studyId);
                if (maxTrials is int max && CountedTrials(connection, transaction, studyId) >= max)
                {
                    return null;
                }

                int retried;
                string parametersJson;
                using (SqliteCommand oldest = Command(
                    connection,
                    transaction,
                    """
                    SELECT number, parameters_json FROM trials AS t
                    WHERE study_id = $study AND state = 'Interrupted'
                        AND NOT EXISTS (SELECT 1 FROM trials AS r WHERE r.study_id = t.study_id AND r.retry_of = t.number)
                    ORDER BY number LIMIT 1;
                    """))
                {
                    oldest.Parameters.AddWithValue("$study", studyId);
                    using SqliteDataReader reader = oldest.ExecuteReader();
                    if (!reader.Read())
                    {
                        return null;
                    }

                    retried = SqliteValues.GetInt32(reader, 0);
                    parametersJson = reader.GetString(1);
                }

                return (TrialRecord?)InsertTrial(connection, transaction, studyId, parametersJson, workerId, retried);
            },
            cancellationToken);
    }
}
