using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Loading a large numeric CSV: our <see cref="CsvReader.Read(string, CsvReadOptions)"/> (to a float32
/// feature matrix) against pandas <c>read_csv</c> (Debian python3-pandas) on the same generated file,
/// interleaved, each load in a fresh process that first warms up on a small file of the same shape.
/// </summary>
/// <remarks>
/// Time is the load alone (the process start, the runtime's or Python's imports and the warm-up are
/// not timed). Memory is the growth of the process's peak resident set during the load: the child
/// resets its high-water mark (<c>/proc/self/clear_refs</c>, 5) after a full garbage collection,
/// reads <c>VmRSS</c>, loads, then reads <c>VmHWM</c>.
/// </remarks>
internal static class CsvLoadBenchmark
{
    private const string ChildCommand = "csv-load-child";

    private const string PandasPeer = """
        import json, sys, time
        import pandas as pd

        def status(field):
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1]) * 1024
            raise RuntimeError(field)

        path, warmup = sys.argv[1], sys.argv[2]
        pd.read_csv(warmup)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        base = status("VmRSS")
        start = time.perf_counter()
        frame = pd.read_csv(path)
        seconds = time.perf_counter() - start
        peak = status("VmHWM")
        print(json.dumps({"seconds": seconds, "rss_growth": peak - base, "rows": int(frame.shape[0]), "columns": int(frame.shape[1])}))
        """;

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = Options(args);
        int repeats = Int(options, "--repeats", 7);
        int rows = Int(options, "--rows", 200_000);
        int columns = Int(options, "--columns", 50);
        string directory = Path.Combine(Path.GetTempPath(), "hg-csv-load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        try
        {
            string file = Path.Combine(directory, "numeric.csv");
            string warmup = Path.Combine(directory, "warmup.csv");
            Generate(file, rows, columns, seed: 42);
            Generate(warmup, 2_000, columns, seed: 7);
            double matrixMb = rows * (double)columns * sizeof(float) / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# csv-load: {rows:N0} rows x {columns} numeric feature columns + an integer class label, {new FileInfo(file).Length / 1e6:F1} MB (seeded), {Environment.ProcessorCount} cores, {repeats} interleaved repeats, each load in a fresh process after a warm-up load of {2_000:N0} rows"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# float32 feature matrix: {matrixMb:F1} MB; peak RSS growth target: <= {2 * matrixMb:F1} MB"));

            var ours = new List<Load>();
            var theirs = new List<Load>();
            var ratios = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                Load a = Ours(file, warmup);
                Load b = Pandas(file, warmup);
                ours.Add(a);
                theirs.Add(b);
                ratios.Add(a.Seconds / b.Seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  repeat {r + 1}: hypergrad {a.Seconds:F3} s, peak RSS +{a.RssGrowthMb:F1} MB; pandas {b.Seconds:F3} s, peak RSS +{b.RssGrowthMb:F1} MB; ratio {a.Seconds / b.Seconds:F3}"));
            }

            Console.WriteLine(Summary("hypergrad CsvReader.Read", ours));
            Console.WriteLine(Summary("pandas read_csv", theirs));
            double ratio = Median(ratios);
            double growth = ours.Max(l => l.RssGrowthMb);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets: time ratio {ratio:F3} (<= 1: {(ratio <= 1 ? "met" : "MISSED")}); largest peak RSS growth {growth:F1} MB = {growth / matrixMb:F2}x the matrix (<= 2x: {(growth <= 2 * matrixMb ? "met" : "MISSED")})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"csv load ratio vs pandas: {ratio:F3}"));
            return 0;
        }
        finally
        {
            if (!options.ContainsKey("--keep"))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The child: warm up, then load the file once and print the time and the peak RSS growth as JSON.</summary>
    public static int Child(string[] args)
    {
        var options = new CsvReadOptions { LabelColumn = "label" };
        CsvReader.Read(args[1], options);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        long baseline = Status("VmRSS");
        var clock = Stopwatch.StartNew();
        CsvDataset data = CsvReader.Read(args[0], options);
        double seconds = clock.Elapsed.TotalSeconds;
        long peak = Status("VmHWM");
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, rss_growth = peak - baseline, rows = data.Dataset.Rows, columns = data.Dataset.FeatureCount }));
        GC.KeepAlive(data);
        return 0;
    }

    private static Load Ours(string file, string warmup)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own path is unknown");
        List<string> arguments = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(CsvLoadBenchmark).Assembly.Location] : [];
        return Measure(self, [.. arguments, ChildCommand, file, warmup]);
    }

    private static Load Pandas(string file, string warmup) => Measure("/usr/bin/python3", ["-c", PandasPeer, file, warmup]);

    private static Load Measure(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {errors.Result}");
        }

        using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        JsonElement root = json.RootElement;
        return new Load(root.GetProperty("seconds").GetDouble(), root.GetProperty("rss_growth").GetInt64() / 1e6);
    }

    /// <summary>Writes a seeded CSV: <paramref name="columns"/> features uniform in [-1, 1) with 5 decimals, then a class label in {0, 1, 2}.</summary>
    private static void Generate(string path, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, columns).Select(j => "f" + j.ToString(CultureInfo.InvariantCulture))) + ",label");
        var line = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < columns; j++)
            {
                line.Append(CultureInfo.InvariantCulture, $"{(random.NextDouble() * 2) - 1:F5},");
            }

            line.Append(random.Next(3));
            writer.WriteLine(line);
        }
    }

    private static long Status(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field}");
    }

    private static string Summary(string name, List<Load> loads) => string.Create(CultureInfo.InvariantCulture,
        $"{name}: median {Median([.. loads.Select(l => l.Seconds)]):F3} s (range {loads.Min(l => l.Seconds):F3}-{loads.Max(l => l.Seconds):F3}); peak RSS growth median {Median([.. loads.Select(l => l.RssGrowthMb)]):F1} MB (range {loads.Min(l => l.RssGrowthMb):F1}-{loads.Max(l => l.RssGrowthMb):F1})");

    internal static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    internal static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i]] = hasValue ? args[++i] : string.Empty;
        }

        return options;
    }

    internal static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out string? text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private sealed record Load(double Seconds, double RssGrowthMb);
}
