using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Postgres;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 13's load figures: 1, 2 and 4 worker processes on one PostgreSQL study, ours (<see cref="HyperGradExperiment"/> on
/// <see cref="PostgresStudyStorage"/>, random search) against Optuna 5's RDB storage (RandomSampler, one seed per worker) on
/// the same server in the same run, with the same cheap objective (a sleep of <c>--sleep-ms</c> and a 2-D quadratic).
/// </summary>
/// <remarks>
/// Each worker is its own process (<c>workers-child</c> for ours, <c>bench/peers/optuna_workers.py</c> for Optuna). Its clock
/// starts after its storage object is built (so neither runtime's start-up nor imports count) and stops when its last
/// trial is stored; it reports its trials, that window and the time spent inside the objective. Per configuration:
/// trials per second = complete trials / (last worker's end − first worker's start); storage overhead per trial =
/// Σ over workers (window − objective time) / trials: everything a worker does besides the objective, which with a random
/// sampler on both sides is almost all storage (claiming a trial, writing its result, reading the study back). Lost: fewer
/// complete trials than asked; duplicated: complete trials with the same parameters as another (a trial run twice);
/// extra: trials past the budget (0 since the storage counts and creates in one transaction; before, workers that started one as
/// the last budgeted one was claimed). The last line holds the
/// median over all configurations and repeats of the overhead per trial, and the lost and duplicated trials of ours in total.
/// </remarks>
internal static partial class WorkersBenchmark
{
    public static int Run(string[] args)
    {
        Dictionary<string, string> options = Options(args);
        string uri = options.GetValueOrDefault("--storage") ?? Environment.GetEnvironmentVariable("HYPERGRAD_TEST_POSTGRES")
            ?? throw new ArgumentException("workers needs a PostgreSQL server: --storage postgres://... or HYPERGRAD_TEST_POSTGRES (bash bench/run.sh workers starts a throwaway one)");
        int trials = Int(options, "--trials", 100);
        double sleepMs = double.Parse(options.GetValueOrDefault("--sleep-ms", "2"), CultureInfo.InvariantCulture);
        int repeats = Int(options, "--repeats", 1);
        int[] workers = [.. options.GetValueOrDefault("--workers", "1,2,4").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))];
        bool peers = !options.ContainsKey("--no-peers");
        string peer = options.GetValueOrDefault("--peer") ?? FindPeer();
        string sqlAlchemyUri = Regex.Replace(uri, "^postgres(ql)?://", "postgresql+psycopg2://");
        string run = TimeProvider.System.GetUtcNow().ToString("HHmmss", CultureInfo.InvariantCulture);

        Console.WriteLine($"workers: {trials} trials per study, objective sleep {sleepMs} ms, workers {string.Join(",", workers)}, repeats {repeats}; machine loaded (2 cores shared): uptime {Uptime()}");
        Console.WriteLine("| peer | workers | trials/s | storage overhead per trial ms | complete | lost | duplicated | extra |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var ours = new List<double>();
        var theirs = new List<double>();
        int lost = 0;
        int duplicated = 0;
        for (int r = 0; r < repeats; r++)
        {
            foreach (int w in workers)
            {
                // Interleaved, and the order alternates per repeat, so a load change hits both sides alike.
                bool oursFirst = r % 2 == 0;
                for (int side = 0; side < (peers ? 2 : 1); side++)
                {
                    bool isOurs = (side == 0) == oursFirst || !peers;
                    Measurement m = isOurs
                        ? Ours(uri, $"ours-{run}-r{r}-w{w}", w, trials, sleepMs)
                        : Optuna(peer, sqlAlchemyUri, $"optuna-{run}-r{r}-w{w}", w, trials, sleepMs);
                    (isOurs ? ours : theirs).Add(m.OverheadMs);
                    if (isOurs)
                    {
                        lost += m.Lost;
                        duplicated += m.Duplicated;
                    }

                    Console.WriteLine(Invariant($"| {(isOurs ? "ours" : "optuna 5 rdb")} | {w} | {m.TrialsPerSecond:F1} | {m.OverheadMs:F2} | {m.Complete} | {m.Lost} | {m.Duplicated} | {m.Extra} |"));
                }
            }
        }

        Console.WriteLine($"machine load after the run: uptime {Uptime()}");
        string optuna = peers ? Invariant($"{Median(theirs):F2}") : "n/a";
        Console.WriteLine(Invariant($"storage overhead per trial ms: ours {Median(ours):F2}, optuna {optuna}; lost {lost}, duplicated {duplicated}"));
        return 0;
    }

    /// <summary>One worker of ours: <c>workers-child --storage URI --study NAME --trials N --sleep-ms S</c>.</summary>
    public static int Child(string[] args)
    {
        Dictionary<string, string> options = Options(args);
        var space = new SearchSpace
        {
            ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.5),
            ["y"] = new UniformDoubleOption(0, 1, defaultValue: 0.5),
        };
        using var storage = new PostgresStudyStorage(options["--storage"]);
        using var runner = new QuadraticRunner(double.Parse(options["--sleep-ms"], CultureInfo.InvariantCulture));
        var monitor = new CountingMonitor();
        double startMs = UnixMs();
        new HyperGradExperiment()
            .AddSearchSpace("q", space)
            .SetTrialRunner(runner)
            .SetStudy(storage, options["--study"])
            .SetMaxStudyTrials(Int(options, "--trials", 200))
            .SetTrainingTimeInSeconds(3600)
            .SetTuner(c => new RandomSearchTuner(c.SearchSpace, c.Seed))
            .SetMonitor(monitor)
            .RunAsync().GetAwaiter().GetResult();
        double endMs = UnixMs();
        Console.WriteLine(Invariant($"worker: trials {monitor.Completed}, start-unix-ms {startMs:F3}, end-unix-ms {endMs:F3}, objective-ms {runner.ObjectiveMs:F3}"));
        return 0;
    }

    private static Measurement Ours(string uri, string study, int workers, int trials, double sleepMs)
    {
        string self = typeof(WorkersBenchmark).Assembly.Location;
        List<WorkerReport> reports = RunAll(workers, _ => Start("dotnet", [self, "workers-child", "--storage", uri, "--study", study, "--trials", Text(trials), "--sleep-ms", Text(sleepMs)]));
        using var storage = new PostgresStudyStorage(uri);
        long id = storage.GetStudyAsync(study).GetAwaiter().GetResult()?.Id ?? throw new InvalidOperationException($"study {study} was not created");
        IReadOnlyList<TrialRecord> records = storage.GetTrialsAsync(id).GetAwaiter().GetResult();
        TrialRecord[] complete = [.. records.Where(t => t.State == TrialState.Complete)];
        int distinct = complete.Select(t => t.ParametersJson).Distinct(StringComparer.Ordinal).Count();
        return Measure(reports, trials, complete.Length, records.Count, distinct);
    }

    private static Measurement Optuna(string peer, string uri, string study, int workers, int trials, double sleepMs)
    {
        string[] common = [peer, "--storage", uri, "--study", study];
        RunAll(1, _ => Start("/usr/bin/python3", [.. common, "--create"]), expectReport: false);
        List<WorkerReport> reports = RunAll(workers, w => Start("/usr/bin/python3", [.. common, "--trials", Text(trials), "--sleep-ms", Text(sleepMs), "--seed", Text(w)]));
        string stats = RunAll(1, _ => Start("/usr/bin/python3", [.. common, "--stats"]), expectReport: false, capture: true).Single().Line;
        Match m = StatsLine().Match(stats);
        if (!m.Success)
        {
            throw new InvalidOperationException($"optuna_workers.py --stats printed '{stats}'");
        }

        return Measure(reports, trials, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    private static Measurement Measure(List<WorkerReport> reports, int trials, int complete, int total, int distinct)
    {
        double window = (reports.Max(r => r.EndMs) - reports.Min(r => r.StartMs)) / 1000;
        int done = reports.Sum(r => r.Trials);
        double overhead = reports.Sum(r => r.EndMs - r.StartMs - r.ObjectiveMs) / Math.Max(1, done);
        return new Measurement(complete / window, overhead, complete, Math.Max(0, trials - complete), complete - distinct, Math.Max(0, total - trials));
    }

    private static Process Start(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PYTHONPATH"] = "";
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    /// <summary>Starts <paramref name="count"/> processes at once and waits for all; each must exit 0 (and print its report line).</summary>
    private static List<WorkerReport> RunAll(int count, Func<int, Process> start, bool expectReport = true, bool capture = false)
    {
        var processes = Enumerable.Range(0, count).Select(start).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        var reports = new List<WorkerReport>();
        for (int i = 0; i < count; i++)
        {
            using Process p = processes[i];
            p.WaitForExit();
            string stdout = outputs[i].Out.GetAwaiter().GetResult();
            string stderr = outputs[i].Err.GetAwaiter().GetResult();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"worker exited with {p.ExitCode}: {stderr}{stdout}");
            }

            string? line = stdout.Split('\n').LastOrDefault(l => l.StartsWith(capture ? "stats:" : "worker:", StringComparison.Ordinal));
            if (capture)
            {
                reports.Add(new WorkerReport(0, 0, 0, 0, line ?? stdout));
                continue;
            }

            if (!expectReport)
            {
                continue;
            }

            Match m = line is null ? Match.Empty : WorkerLine().Match(line);
            if (!m.Success)
            {
                throw new InvalidOperationException($"worker printed no report line: {stdout}{stderr}");
            }

            reports.Add(new WorkerReport(
                int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
                line!));
        }

        return reports;
    }

    private static string FindPeer()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "peers", "optuna_workers.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"bench/peers/optuna_workers.py not found in a folder above {AppContext.BaseDirectory}.");
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            bool flag = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i]] = flag ? "true" : args[++i];
        }

        return options;
    }

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double UnixMs() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    private static string Uptime()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^worker: trials (\d+), start-unix-ms ([0-9.]+), end-unix-ms ([0-9.]+), objective-ms ([0-9.]+)")]
    private static partial Regex WorkerLine();

    [GeneratedRegex(@"^stats: complete (\d+), total (\d+), distinct (\d+)")]
    private static partial Regex StatsLine();

    private readonly record struct WorkerReport(int Trials, double StartMs, double EndMs, double ObjectiveMs, string Line);

    private readonly record struct Measurement(double TrialsPerSecond, double OverheadMs, int Complete, int Lost, int Duplicated, int Extra);

    private sealed class QuadraticRunner(double sleepMs) : ITrialRunner
    {
        private long objectiveTicks;

        public double ObjectiveMs => Interlocked.Read(ref objectiveTicks) * 1000.0 / Stopwatch.Frequency;

        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            long start = Stopwatch.GetTimestamp();
            if (sleepMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(sleepMs), cancellationToken);
            }

            double x = settings.Parameter["q"]["x"].AsType<double>();
            double y = settings.Parameter["q"]["y"].AsType<double>();
            double loss = ((x - 0.3) * (x - 0.3)) + ((y - 0.6) * (y - 0.6));
            Interlocked.Add(ref objectiveTicks, Stopwatch.GetTimestamp() - start);
            return new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss };
        }

        public void Dispose()
        {
        }
    }

    private sealed class CountingMonitor : IMonitor
    {
        public int Completed { get; private set; }

        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportCompletedTrial(TrialResult result) => Completed++;

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
        {
        }

        public void ReportRunningTrial(TrialSettings settings)
        {
        }
    }
}
