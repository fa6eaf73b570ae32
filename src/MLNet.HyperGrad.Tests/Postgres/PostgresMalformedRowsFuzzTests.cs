using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Postgres;

/// <summary>
/// The storage-row part of the malformed-input fuzz (<see cref="Fuzz.MalformedInputFuzzTests"/>) on PostgreSQL: seeded rows written
/// outside the library with values that the schema's types and checks let through but the library never writes (parameters that
/// are not JSON, times outside .NET's range, a NaN or infinite duration). Reading each back must throw
/// <see cref="StorageException"/> with a message, never another exception type, a silent success, or a crash.
/// </summary>
public sealed class PostgresMalformedRowsFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261203;
    private static readonly string[] Garbage = ["abc", "{", "{\"x\":", "[1,", "'", "\"open", "{\"x\" 1}", "nul", "}{"];
    private readonly string schema = PostgresTestServer.NewSchema();
    private readonly string connectionString = PostgresTestServer.ConnectionString;
    private readonly List<string> failures = [];
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        PostgresTestServer.DropSchema(schema);
    }

    [Fact]
    public async Task Read_SeededMalformedRows_EachThrowsStorageException()
    {
        var random = new Random(Seed);
        using var storage = new PostgresStudyStorage(connectionString, new PostgresStudyStorageOptions { Schema = schema });
        using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(PostgresTestServer.PostgresConnectionStringFor(schema));
        using NpgsqlConnection raw = dataSource.OpenConnection();
        const long maxTicks = 3155378975999999999; // DateTime.MaxValue.Ticks
        for (int i = 0; i < 150; i++)
        {
            StudyRecord study = await storage.CreateStudyAsync(string.Create(CultureInfo.InvariantCulture, $"fuzz{i}"), "fuzz", "{}", StudyDirection.Minimize);
            string parameters = "'{\"x\":0.5}'";
            string started = "638687520000000000";
            string ended = "638687520010000000";
            string duration = "1000";
            string kind;
            bool studyRow = false;
            long outOfRange = random.Next(2) == 0 ? -1 - random.NextInt64(long.MaxValue - 1) : maxTicks + 1 + random.NextInt64(long.MaxValue - maxTicks - 1);
            switch (i % 5)
            {
                case 0:
                    kind = "parameters_json";
                    parameters = "'" + (random.Next(2) == 0 ? "{\"x\":0.5}"[..random.Next(8)] : Garbage[random.Next(Garbage.Length)]).Replace("'", "''", StringComparison.Ordinal) + "'";
                    break;
                case 1:
                    kind = "started_at_ticks";
                    started = outOfRange.ToString(CultureInfo.InvariantCulture);
                    break;
                case 2:
                    kind = "ended_at_ticks";
                    ended = outOfRange.ToString(CultureInfo.InvariantCulture);
                    break;
                case 3:
                    kind = "duration_ms";
                    duration = random.Next(2) == 0 ? "'NaN'" : "'Infinity'";
                    break;
                default:
                    kind = "created_at_ticks";
                    studyRow = true;
                    break;
            }

            string sql = studyRow
                ? string.Create(CultureInfo.InvariantCulture, $"UPDATE studies SET created_at_ticks = {outOfRange} WHERE id = {study.Id};")
                : string.Create(CultureInfo.InvariantCulture, $"INSERT INTO trials (study_id, number, state, parameters_json, loss, metric, duration_ms, started_at_ticks, ended_at_ticks) VALUES ({study.Id}, 0, 'Complete', {parameters}, 0.25, 0.5, {duration}, {started}, {ended});");
            using (var command = new NpgsqlCommand(sql, raw))
            {
                command.ExecuteNonQuery();
            }

            Expect("storage row: " + kind, sql, () =>
            {
                if (studyRow)
                {
                    _ = storage.GetStudyAsync(study.Name).GetAwaiter().GetResult();
                    return;
                }

                foreach (TrialRecord record in storage.GetTrialsAsync(study.Id).GetAwaiter().GetResult())
                {
                    _ = StudySession.Replay(record);
                }
            });
        }

        foreach ((string kind, int n) in counts)
        {
            output.WriteLine($"{kind}: {n}");
        }

        int total = counts.Values.Sum();
        output.WriteLine($"total: {total}, failures: {failures.Count}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} malformed rows were not refused with StorageException:\n" + string.Join("\n", failures.Take(15)));
        Assert.Equal(150, total);

        // The malformed rows do not poison the store: a study of well-formed rows still reads.
        StudyRecord clean = await storage.CreateStudyAsync("clean", "fuzz", "{}", StudyDirection.Minimize);
        TrialRecord trial = await storage.CreateTrialAsync(clean.Id, """{"x":0.5}""");
        await storage.CompleteTrialAsync(clean.Id, trial.Number, 0.25, 0.5, 1000);
        Assert.Equal(TrialState.Complete, Assert.Single(await storage.GetTrialsAsync(clean.Id)).State);
    }

    /// <summary>Runs one malformed row: reading it must throw <see cref="StorageException"/> with a message.</summary>
    private void Expect(string kind, string input, Action action)
    {
        counts[kind] = counts.GetValueOrDefault(kind) + 1;
        try
        {
            action();
            failures.Add($"[{kind}] no exception for {input}");
        }
        catch (StorageException ex) when (!string.IsNullOrWhiteSpace(ex.Message))
        {
        }
        catch (Exception ex)
        {
            failures.Add($"[{kind}] {ex.GetType().Name}: {ex.Message} for {input}");
        }
    }
}
