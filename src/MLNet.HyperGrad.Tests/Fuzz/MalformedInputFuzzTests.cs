using System.Globalization;
using System.IO.Compression;
using Microsoft.Data.Sqlite;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Fuzz;

/// <summary>
/// Seeded generators of malformed inputs (CSV text, IDX bytes, search-space definitions, tabular-schema JSON, parameter
/// JSON and values, SQLite trial rows written outside the library). Every input is malformed by construction; each must
/// be refused with the library's documented exception for its kind (<see cref="DatasetFormatException"/>,
/// <see cref="StorageException"/>, <see cref="ArgumentException"/> for arguments), never another exception type, a
/// silent success, or a crash of the process.
/// </summary>
public sealed class MalformedInputFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261203;
    private static readonly string[] Words = ["abc", "1.2.3", "--4", "0x1F", "12e", "one", "1,5", "+-1", "1e", "\u00bd"];
    private static readonly string[] NonFinite = ["1e999", "inf", "-inf", "Infinity", "-Infinity", "1e39", "-3.5e38"];
    private readonly string folder = Path.Combine(Path.GetTempPath(), "hypergrad-fuzz", Guid.NewGuid().ToString("N"));
    private readonly List<string> failures = [];
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Read_AThousandSeededMalformedInputs_EachThrowsTheDocumentedLibraryException()
    {
        Directory.CreateDirectory(folder);
        var random = new Random(Seed);
        Csv(random, 320);
        Idx(random, 240);
        SearchSpaceDefinitions(random, 160);
        SchemaJson(random, 60);
        Parameters(random, 220);
        await StorageRows(random, 120);

        foreach ((string kind, int n) in counts)
        {
            output.WriteLine($"{kind}: {n}");
        }

        int total = counts.Values.Sum();
        output.WriteLine($"total: {total}, failures: {failures.Count}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} malformed inputs were not refused with the documented exception:\n" + string.Join("\n", failures.Take(15)));
        Assert.True(total >= 1000, $"only {total} inputs");
    }

    /// <summary>Runs one malformed input: it must throw <typeparamref name="TExpected"/> (or a subclass) with a message.</summary>
    private void Expect<TExpected>(string kind, string input, Action action)
        where TExpected : Exception
    {
        counts[kind] = counts.GetValueOrDefault(kind) + 1;
        try
        {
            action();
            failures.Add($"[{kind}] no exception for {Show(input)}");
        }
        catch (TExpected ex) when (!string.IsNullOrWhiteSpace(ex.Message))
        {
        }
        catch (Exception ex)
        {
            failures.Add($"[{kind}] {ex.GetType().Name}: {ex.Message} for {Show(input)}");
        }
    }

    private static string Show(string input) => input.Length <= 160 ? input.ReplaceLineEndings("⏎") : input[..160].ReplaceLineEndings("⏎") + "…";

    private void Csv(Random random, int n)
    {
        const int rows = 40;
        for (int i = 0; i < n; i++)
        {
            var lines = new List<string[]> { new[] { "f1", "f2", "f3", "label" } };
            for (int r = 0; r < rows; r++)
            {
                lines.Add([(r * 0.5).ToString(CultureInfo.InvariantCulture), ((r % 7) - 3.25).ToString(CultureInfo.InvariantCulture), (r * r % 11).ToString(CultureInfo.InvariantCulture), r % 2 == 0 ? "yes" : "no"]);
            }

            int row = 1 + random.Next(rows);
            int column = random.Next(3);
            var options = new CsvReadOptions { LabelColumn = "label", MissingValuePolicy = MissingValuePolicy.Error };
            string? text = null;
            int kind = i % 12;
            switch (kind)
            {
                case 0:
                    lines[row] = [.. lines[row], "7"];
                    break;
                case 1:
                    lines[row] = lines[row][..^1];
                    break;
                case 2:
                    lines[row][column] = "\"" + lines[row][column];
                    break;
                case 3:
                    lines[row][column] = lines[row][column] + "\"" + random.Next(10).ToString(CultureInfo.InvariantCulture);
                    break;
                case 4:
                    lines[row][column] = Words[random.Next(Words.Length)];
                    break;
                case 5:
                    lines[row][column] = NonFinite[random.Next(NonFinite.Length)];
                    break;
                case 6:
                    lines[row][column] = random.Next(2) == 0 ? string.Empty : "NA";
                    break;
                case 7:
                    text = random.Next(3) switch { 0 => string.Empty, 1 => new string(' ', random.Next(1, 5)) + "\n\n", _ => "f1,f2,f3,label\n" };
                    break;
                case 8:
                    options = new CsvReadOptions { LabelColumn = "nope" + random.Next(100).ToString(CultureInfo.InvariantCulture), MissingValuePolicy = MissingValuePolicy.Error };
                    break;
                case 9:
                    foreach (string[] line in lines.Skip(1))
                    {
                        line[3] = "only";
                    }

                    break;
                case 10:
                    options = new CsvReadOptions { LabelColumn = "label", MissingValuePolicy = MissingValuePolicy.Error, Task = TaskKind.Regression };
                    lines[row][3] = Words[random.Next(Words.Length)];
                    for (int r = 1; r <= rows; r++)
                    {
                        lines[r][3] = r == row ? lines[r][3] : r.ToString(CultureInfo.InvariantCulture);
                    }

                    break;
                default:
                    options = new CsvReadOptions { LabelColumn = "label", MissingValuePolicy = MissingValuePolicy.Error, MaxCategories = 2 };
                    for (int r = 1; r <= rows; r++)
                    {
                        lines[r][column] = "cat" + (r % 5).ToString(CultureInfo.InvariantCulture);
                    }

                    break;
            }

            text ??= string.Join("\n", lines.Select(l => string.Join(",", l))) + "\n";
            string path = Path.Combine(folder, $"fuzz{i}.csv");
            File.WriteAllText(path, text);
            Expect<DatasetFormatException>("csv", text, () => CsvReader.Read(path, options));
        }
    }

    private void Idx(Random random, int n)
    {
        for (int i = 0; i < n; i++)
        {
            int[] dims = [.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => 1 + random.Next(6))];
            byte[] valid = IdxBytes(dims, 0x08, dims.Aggregate(1, (a, b) => a * b));
            byte[] bytes;
            switch (i % 10)
            {
                case 0:
                    bytes = valid[..^(1 + random.Next(Math.Min(valid.Length - 4 - (4 * dims.Length), 3)))];
                    break;
                case 1:
                    bytes = [.. valid, .. Enumerable.Repeat((byte)random.Next(256), 1 + random.Next(5))];
                    break;
                case 2:
                    bytes = (byte[])valid.Clone();
                    bytes[2] = new byte[] { 0x00, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0xFF }[random.Next(7)];
                    break;
                case 3:
                    bytes = (byte[])valid.Clone();
                    bytes[random.Next(2)] = (byte)(1 + random.Next(254));
                    break;
                case 4:
                    bytes = [0, 0, 8, (byte)(100 + random.Next(150)), 0, 0, 0, 1];
                    break;
                case 5:
                    bytes = IdxBytes([int.MaxValue, 1 + random.Next(int.MaxValue - 1)], 0x08, 4);
                    break;
                case 6:
                    bytes = (byte[])valid.Clone();
                    bytes[4] = (byte)(0x80 | random.Next(128));
                    break;
                case 7:
                    bytes = valid[..random.Next(4)];
                    break;
                case 8:
                    bytes = [0x1f, 0x8b, .. Enumerable.Range(0, 4 + random.Next(20)).Select(_ => (byte)random.Next(256))];
                    break;
                default:
                    bytes = Gzip(valid[..^(1 + random.Next(2))]);
                    break;
            }

            string path = Path.Combine(folder, $"fuzz{i}.idx");
            File.WriteAllBytes(path, bytes);
            Expect<DatasetFormatException>("idx", Convert.ToHexString(bytes), () => IdxReader.Read(path));
        }
    }

    private static byte[] IdxBytes(int[] dims, byte type, int payload)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int d in dims)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(Enumerable.Range(0, payload).Select(k => (byte)k));
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }

        return memory.ToArray();
    }

    private void SearchSpaceDefinitions(Random random, int n)
    {
        for (int i = 0; i < n; i++)
        {
            double a = Math.Round((random.NextDouble() * 20) - 10, 3);
            double b = a - Math.Round(random.NextDouble() * 5, 3);
            int low = random.Next(-50, 50);
            (string Text, Action Build) definition = (i % 16) switch
            {
                0 => ($"double({a}, {b})", () => _ = new UniformDoubleOption(a, b)),
                1 => ($"double(NaN, {a})", () => _ = new UniformDoubleOption(random.Next(2) == 0 ? double.NaN : double.NegativeInfinity, a)),
                2 => ($"double({-Math.Abs(a)}, 1, log)", () => _ = new UniformDoubleOption(-Math.Abs(a), Math.Abs(a) + 1, logBase: true)),
                3 => ($"double(0, 1, default {a + 20})", () => _ = new UniformDoubleOption(0, 1, defaultValue: a + 20)),
                4 => ($"int({low}, {low - 1 - random.Next(9)})", () => _ = new UniformIntOption(low, low - 1 - random.Next(9))),
                5 => ($"int({-Math.Abs(low)}, 10, log)", () => _ = new UniformIntOption(-Math.Abs(low), 10 + Math.Abs(low), logBase: true)),
                6 => ($"int(0, 10, default {11 + random.Next(9)})", () => _ = new UniformIntOption(0, 10, defaultValue: 11 + random.Next(9))),
                7 => ($"single({(float)a}, {(float)b})", () => _ = new UniformSingleOption((float)a, (float)b)),
                8 => ($"single(NaN, 1)", () => _ = new UniformSingleOption(float.NaN, 1f)),
                9 => ($"array({-random.Next(3)}, 0, 1)", () => _ = new UniformDoubleArrayOption(-random.Next(3), 0, 1)),
                10 => ("choice()", () => _ = new ChoiceOption()),
                11 => ($"choice({low}, {low})", () => _ = new ChoiceOption(low, low, low + 1)),
                12 => ("choice(NaN)", () => _ = new ChoiceOption(1.0, double.NaN)),
                13 => ($"choice(1, 2, default {low + 3})", () => _ = new ChoiceOption([1, 2], low + 3)),
                14 => ("conditional(default missing)", () => _ = new ConditionalSearchSpace(new Dictionary<string, SearchSpace> { ["a"] = new() { ["x"] = new UniformDoubleOption(0, 1) } }, defaultBranch: "b" + random.Next(9).ToString(CultureInfo.InvariantCulture))),
                _ => (random.Next(2) == 0 ? "space(\"\")" : "conditional()", random.Next(2) == 0
                    ? () => _ = new SearchSpace { [string.Empty] = new UniformDoubleOption(0, 1) }
                    : () => _ = new ConditionalSearchSpace(new Dictionary<string, SearchSpace>())),
            };
            Expect<ArgumentException>("search space definition", definition.Text, definition.Build);
        }
    }

    private void SchemaJson(Random random, int n)
    {
        string path = Path.Combine(folder, "schema.csv");
        File.WriteAllText(path, "f1,kind,label\n1.5,a,yes\n2.5,b,no\n3,a,yes\n4,b,no\n");
        string json = CsvReader.Read(path, new CsvReadOptions { LabelColumn = "label" }).Schema.ToJson();
        for (int i = 0; i < n; i++)
        {
            // A strict prefix of a JSON object is never valid JSON.
            string text = json[..random.Next(json.Length - 1)];
            Expect<DatasetFormatException>("tabular schema JSON", text, () => TabularSchema.FromJson(text));
        }
    }

    private void Parameters(Random random, int n)
    {
        var space = new SearchSpace
        {
            ["model"] = new SearchSpace
            {
                ["learning_rate"] = new UniformDoubleOption(1e-4, 1, logBase: true),
                ["width"] = new UniformIntOption(8, 256, logBase: true),
                ["batch"] = new ChoiceOption(32, 64, 128),
            },
            ["x"] = new UniformDoubleOption(-1, 1),
        };
        Parameter valid = space.SampleFromFeatureSpace(space.Default);
        string json = valid.ToString();
        for (int i = 0; i < n; i++)
        {
            switch (i % 8)
            {
                case 0:
                {
                    string text = json[..random.Next(json.Length - 1)];
                    Expect<ArgumentException>("parameter JSON", text, () => Parameter.FromJson(text));
                    break;
                }

                case 1:
                {
                    string text = random.Next(4) switch
                    {
                        0 => "{\"a\":null}",
                        1 => "{\"a\":1,\"a\":2}",
                        2 => "{\"a\":1e999}",
                        _ => "{'a':" + random.Next(9).ToString(CultureInfo.InvariantCulture) + "}",
                    };
                    Expect<ArgumentException>("parameter JSON", text, () => Parameter.FromJson(text));
                    break;
                }

                case 2:
                {
                    string key = random.Next(2) == 0 ? "x" : "model";
                    Parameter broken = Parameter.FromJson(json.Replace($"\"{key}\":", $"\"{key}_gone\":", StringComparison.Ordinal));
                    Expect<ArgumentException>("parameter value", broken.ToString(), () => space.MappingToFeatureSpace(broken));
                    break;
                }

                case 3:
                {
                    double value = random.Next(2) == 0 ? 1.001 + random.NextDouble() : -1.001 - random.NextDouble();
                    Parameter broken = Replace(json, "x", value.ToString("R", CultureInfo.InvariantCulture));
                    Expect<ArgumentException>("parameter value", broken.ToString(), () => space.MappingToFeatureSpace(broken));
                    break;
                }

                case 4:
                {
                    string[] wrong = ["\"fast\"", "true", "[1,2]", "{\"a\":1}"];
                    Parameter broken = Replace(json, "x", wrong[random.Next(wrong.Length)]);
                    Expect<ArgumentException>("parameter value", broken.ToString(), () => space.MappingToFeatureSpace(broken));
                    break;
                }

                case 5:
                {
                    Parameter broken = Replace(json, "batch", (33 + random.Next(31)).ToString(CultureInfo.InvariantCulture));
                    Expect<ArgumentException>("parameter value", broken.ToString(), () => space.MappingToFeatureSpace(broken));
                    break;
                }

                case 6:
                {
                    Parameter broken = Replace(json, "learning_rate", (random.Next(2) == 0 ? 5.0 + random.Next(9) : -random.NextDouble()).ToString("R", CultureInfo.InvariantCulture));
                    Expect<ArgumentException>("parameter value", broken.ToString(), () => space.MappingToFeatureSpace(broken));
                    break;
                }

                default:
                {
                    double[] features = [.. Enumerable.Range(0, space.FeatureSpaceDim + (random.Next(2) == 0 ? 1 : 0)).Select(_ => random.NextDouble())];
                    if (features.Length == space.FeatureSpaceDim)
                    {
                        features[random.Next(features.Length)] = new[] { double.NaN, -0.5, 1.5, double.PositiveInfinity }[random.Next(4)];
                    }

                    Expect<ArgumentException>("unit-cube point", string.Join(",", features), () => space.SampleFromFeatureSpace(features));
                    break;
                }
            }
        }
    }

    /// <summary>The parameter of <paramref name="json"/> with the value of the (unique) key <paramref name="key"/> replaced by raw JSON.</summary>
    private static Parameter Replace(string json, string key, string value)
    {
        string marker = $"\"{key}\":";
        int start = json.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        int end = start;
        while (end < json.Length && json[end] != ',' && json[end] != '}')
        {
            end++;
        }

        return Parameter.FromJson(json[..start] + value + json[end..]);
    }

    private async Task StorageRows(Random random, int n)
    {
        string path = Path.Combine(folder, "fuzz.db");
        using var storage = new SqliteStudyStorage(path);
        using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        raw.Open();
        for (int i = 0; i < n; i++)
        {
            StudyRecord study = await storage.CreateStudyAsync($"fuzz{i}", "fuzz", "{}", StudyDirection.Minimize);
            string started = "'2026-12-03T10:00:00.0000000Z'";
            string ended = "'2026-12-03T10:00:01.0000000Z'";
            string parameters = "'{\"x\":0.5}'";
            string loss = "0.25";
            string duration = "1000";
            string number = "0";
            string? intermediate = null;
            string? attribute = null;
            string kind;
            switch (i % 8)
            {
                case 0:
                    kind = "parameters_json";
                    parameters = "'" + "{\"x\":0.5}"[..random.Next(8)].Replace("'", "''", StringComparison.Ordinal) + "'";
                    break;
                case 1:
                    kind = "loss";
                    loss = "'" + Words[random.Next(Words.Length)] + "'";
                    break;
                case 2:
                    kind = "started_at_utc";
                    started = random.Next(2) == 0 ? "'yesterday'" : "'2026-13-45T99:00:00Z'";
                    break;
                case 3:
                    kind = "ended_at_utc";
                    ended = random.Next(2) == 0 ? "'soon'" : "12345";
                    break;
                case 4:
                    kind = "duration_ms";
                    duration = random.Next(2) == 0 ? "'slow'" : "x'00ff'";
                    break;
                case 5:
                    kind = "number";
                    number = random.Next(2) == 0 ? "'seven'" : "2.5";
                    break;
                case 6:
                    kind = "intermediate value";
                    intermediate = "'" + Words[random.Next(Words.Length)] + "'";
                    break;
                default:
                    kind = "attribute value";
                    attribute = random.Next(2) == 0 ? "'high'" : "x'01'";
                    break;
            }

            bool running = intermediate is not null || attribute is not null;
            string sql = running
                ? $"INSERT INTO trials (study_id, number, state, parameters_json, started_at_utc) VALUES ({study.Id}, {number}, 'Running', {parameters}, {started});"
                : $"INSERT INTO trials (study_id, number, state, parameters_json, loss, metric, duration_ms, started_at_utc, ended_at_utc) VALUES ({study.Id}, {number}, 'Complete', {parameters}, {loss}, 0.5, {duration}, {started}, {ended});";
            Execute(raw, sql);
            if (intermediate is not null)
            {
                Execute(raw, $"INSERT INTO trial_intermediate_values (study_id, trial_number, step, value) VALUES ({study.Id}, 0, 0, {intermediate});");
            }

            if (attribute is not null)
            {
                Execute(raw, $"INSERT INTO trial_attributes (study_id, trial_number, key, value) VALUES ({study.Id}, 0, 'a', {attribute});");
            }

            Expect<StorageException>("storage row: " + kind, sql, () =>
            {
                foreach (TrialRecord record in storage.GetTrialsAsync(study.Id).GetAwaiter().GetResult())
                {
                    _ = StudySession.Replay(record);
                }
            });
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
