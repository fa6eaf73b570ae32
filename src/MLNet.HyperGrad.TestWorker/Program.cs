using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.TestWorker;

/// <summary>
/// One worker on a shared study: <c>--storage FILE --study NAME --max-study-trials N [--seed S] [--sleep-ms MS]
/// [--abort-on TRIAL] [--hang-on TRIAL] [--tuner random|gp]</c>. Its runner scores a 2-D quadratic after sleeping; on trial
/// <c>--abort-on</c> it aborts the process (<see cref="Environment.FailFast(string)"/>, SIGABRT, as libtorch's native errors
/// do); on <c>--hang-on</c> it sleeps until killed. Prints <c>trial N: loss L</c> per finished trial.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        string Get(string name) => options.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"missing {name}");
        int Int(string name, int fallback) => options.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        int seed = Int("--seed", 0);
        var space = new SearchSpace
        {
            ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.5),
            ["y"] = new UniformDoubleOption(0, 1, defaultValue: 0.5),
        };
        string location = Get("--storage");
        using IStudyStorage storage = location.StartsWith("postgres", StringComparison.Ordinal)
            ? new Postgres.PostgresStudyStorage(location, new Postgres.PostgresStudyStorageOptions
            {
                Schema = options.TryGetValue("--schema", out string? schema) ? schema : null,
                HeartbeatInterval = TimeSpan.FromMilliseconds(Int("--heartbeat-ms", 5000)),
                StaleAfter = TimeSpan.FromMilliseconds(Int("--stale-ms", 30000)),
            })
            : new SqliteStudyStorage(location);
        using var runner = new QuadraticRunner(Int("--sleep-ms", 20), Int("--abort-on", -1), Int("--hang-on", -1));
        var experiment = new HyperGradExperiment()
            .AddSearchSpace("q", space)
            .SetTrialRunner(runner)
            .SetStudy(storage, Get("--study"))
            .SetSeed(seed)
            .SetMaxStudyTrials(Int("--max-study-trials", 10))
            .SetTrainingTimeInSeconds((uint)Int("--train-time", 120))
            .SetMonitor(new LineMonitor());
        experiment = options.TryGetValue("--tuner", out string? tuner) && tuner == "gp"
            ? experiment.SetTuner(c => new GaussianProcessTuner(c.SearchSpace, c.Seed))
            : experiment.SetTuner(c => new RandomSearchTuner(c.SearchSpace, c.Seed));
        await experiment.RunAsync();
        return 0;
    }

    private sealed class QuadraticRunner(int sleepMilliseconds, int abortOn, int hangOn) : ITrialRunner
    {
        public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            if (settings.TrialId == abortOn)
            {
                Environment.FailFast(string.Create(CultureInfo.InvariantCulture, $"test worker aborts natively on trial {abortOn}"));
            }

            await Task.Delay(settings.TrialId == hangOn ? Timeout.Infinite : sleepMilliseconds, cancellationToken);
            double x = settings.Parameter["q"]["x"].AsType<double>();
            double y = settings.Parameter["q"]["y"].AsType<double>();
            double loss = ((x - 0.3) * (x - 0.3)) + ((y - 0.6) * (y - 0.6));
            return new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss };
        }

        public void Dispose()
        {
        }
    }

    private sealed class LineMonitor : IMonitor
    {
        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportCompletedTrial(TrialResult result) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {result.TrialSettings.TrialId}: loss {result.Loss:R}"));

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trial {settings.TrialId}: failed {exception?.Message}"));

        public void ReportRunningTrial(TrialSettings settings)
        {
        }
    }
}
