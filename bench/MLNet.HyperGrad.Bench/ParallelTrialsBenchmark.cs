using System.Diagnostics;
using System.Globalization;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Trials per minute of the built <c>hypergrad</c> CLI on scikit-learn's digits table (1,797 rows, 64
/// features): one process with the default parallelism, with 1, 2, 4 and 8 parallel trials (8 where the CLI allows it: 4 per core), and two
/// processes with one trial each on one study; settings interleaved, each round starting with the next one. A rate is the trials
/// completed in the setting's study over the wall time from start to the last exit (the CLI's start and data
/// loading included, as a user waits for them). Last line: the default's median rate and the best
/// setting's.
/// </summary>
internal static class ParallelTrialsBenchmark
{
    private const string DefaultName = "default (no --parallelism)";

    public static int Run(string[] args)
    {
        Dictionary<string, string> options = CsvLoadBenchmark.Options(args);
        int repeats = CsvLoadBenchmark.Int(options, "--repeats", 2);
        int seconds = CsvLoadBenchmark.Int(options, "--train-time", 20);
        int? maxEpochs = options.ContainsKey("--max-epochs") ? CsvLoadBenchmark.Int(options, "--max-epochs", 20) : null;
        bool withActive = options.ContainsKey("--with-active");
        string cli = options.TryGetValue("--cli", out string? path) ? path : Path.GetFullPath(Path.Combine("src", "MLNet.HyperGrad.Cli", "bin", "Release", "net10.0", "hypergrad.dll"));
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"the hypergrad CLI is not built at {cli}; run: dotnet build src/MLNet.HyperGrad.Cli -c Release");
            return 2;
        }

        string directory = Directory.CreateTempSubdirectory("hg-parallel-trials-").FullName;
        try
        {
            string csv = ExportDigits(directory);
            var settings = new List<Setting>
            {
                new(DefaultName, 1, null, null),
                new("1 process, --parallelism 1", 1, 1, null),
                new("1 process, --parallelism 2", 1, 2, null),
                new("1 process, --parallelism 4", 1, 4, null),
                new("2 processes, --parallelism 1 each, one study", 2, 1, null),
            };
            if (8 <= 4 * Environment.ProcessorCount)
            {
                settings.Insert(4, new("1 process, --parallelism 8", 1, 8, null));
            }

            if (withActive)
            {
                settings.Add(new("2 processes, --parallelism 1 each, OMP_WAIT_POLICY=ACTIVE (spinning, the old behaviour)", 2, 1, "ACTIVE"));
            }

            Console.WriteLine(Invariant($"# parallel-trials: digits {csv} (1,797 rows x 64 features, 10 classes), --train-time {seconds} s, --max-epochs {(maxEpochs is { } m ? m.ToString(CultureInfo.InvariantCulture) : "the CLI's default")}, {Environment.ProcessorCount} cores, {repeats} interleaved repeats; load average at start {MachineLoad.LoadAverage()}"));
            var rates = settings.ToDictionary(s => s.Name, _ => new List<double>());
            int run = 0;
            for (int r = 0; r < repeats; r++)
            {
                // Each round runs the settings in a new seeded random order, so that no setting always follows the same one (a
                // rotation kept --parallelism 8 right after --parallelism 4 in every round, and identical settings then differed
                // by 20 %: bench/RESULTS.md, parallel-trials after the start-point race fix).
                var order = new Random(1000 + r);
                foreach (Setting setting in settings.OrderBy(_ => order.Next()).ToList())
                {
                    MachineLoad.Mark mark = MachineLoad.Now();
                    (int trials, double wall) = Measure(cli, csv, Path.Combine(directory, Invariant($"run{run++}")), setting, seconds, maxEpochs);
                    double rate = trials / (wall / 60);
                    rates[setting.Name].Add(rate);
                    Console.WriteLine(Invariant($"  repeat {r + 1}: {setting.Name}: {trials} trials in {wall:F1} s = {rate:F1} trials/min (other processes took {MachineLoad.OthersShareSince(mark):P0} of the CPUs)"));
                }
            }

            foreach (Setting setting in settings)
            {
                List<double> s = rates[setting.Name];
                Console.WriteLine(Invariant($"{setting.Name}: median {CsvLoadBenchmark.Median([.. s]):F1} trials/min (range {s.Min():F1}-{s.Max():F1})"));
            }

            double defaultRate = CsvLoadBenchmark.Median([.. rates[DefaultName]]);
            Setting best = settings.Where(s => s.WaitPolicy is null).MaxBy(s => CsvLoadBenchmark.Median([.. rates[s.Name]]))!;
            double bestRate = CsvLoadBenchmark.Median([.. rates[best.Name]]);
            Console.WriteLine(Invariant($"default within 10% of the best: {(defaultRate >= 0.9 * bestRate ? "yes" : "no")} ({defaultRate / bestRate:P0} of it)"));
            Console.WriteLine(Invariant($"default parallelism trials per minute: {defaultRate:F1} (best setting {best.Name}: {bestRate:F1})"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int Trials, double Seconds) Measure(string cli, string csv, string output, Setting setting, int seconds, int? maxEpochs)
    {
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, setting.Processes).Select(_ => Start(cli, csv, output, setting, seconds, maxEpochs)).ToList();
        var outputs = processes.Select(p => (Process: p, Text: p.StandardOutput.ReadToEndAsync(), Errors: p.StandardError.ReadToEndAsync())).ToList();
        var failures = new List<string>();
        foreach ((Process process, Task<string> text, Task<string> errors) in outputs)
        {
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                failures.Add($"hypergrad exited with {process.ExitCode}: {text.Result}\n{errors.Result}");
            }

            process.Dispose();
        }

        double wall = clock.Elapsed.TotalSeconds;

        // Counted from the study itself (the CLI's output no longer lists each finished trial, and worker processes print
        // their own lines): the trials that completed in the study every process of this setting shared.
        int trials = CompleteTrials(output + ".db");

        // A process of a shared study exits 1 when none of ITS trials finished (the other one may have finished them all);
        // any other failure, or a setting in which no trial at all completed, is an error of the run.
        bool onlyOwnEmpty = failures.All(f => f.Contains("no trial finished within", StringComparison.Ordinal)) && setting.Processes > 1 && trials > 0;
        if (failures.Count > 0 && !onlyOwnEmpty)
        {
            throw new InvalidOperationException(string.Join("\n", failures));
        }

        return (trials, wall);
    }

    private static int CompleteTrials(string database)
    {
        using var storage = new MLNet.HyperGrad.Storage.SqliteStudyStorage(database);
        int complete = 0;
        foreach (MLNet.HyperGrad.Storage.StudyRecord study in storage.ListStudiesAsync().GetAwaiter().GetResult())
        {
            complete += storage.GetTrialsAsync(study.Id).GetAwaiter().GetResult().Count(t => t.State == MLNet.HyperGrad.Storage.TrialState.Complete);
        }

        return complete;
    }

    private static Process Start(string cli, string csv, string output, Setting setting, int seconds, int? maxEpochs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[cli, "classification", "--dataset", csv, "--label-col", "target", "--train-time", Invariant($"{seconds}"), "-o", output, "--storage", Path.Combine(output + ".db")])
        {
            start.ArgumentList.Add(a);
        }

        if (maxEpochs is { } epochs)
        {
            start.ArgumentList.Add("--max-epochs");
            start.ArgumentList.Add(Invariant($"{epochs}"));
        }

        if (setting.Parallelism is { } parallelism)
        {
            start.ArgumentList.Add("--parallelism");
            start.ArgumentList.Add(Invariant($"{parallelism}"));
        }

        start.Environment["NO_COLOR"] = "1";
        if (setting.WaitPolicy is { } policy)
        {
            start.Environment["OMP_WAIT_POLICY"] = policy;
        }
        else
        {
            start.Environment.Remove("OMP_WAIT_POLICY");
        }

        return Process.Start(start)!;
    }

    private static string ExportDigits(string directory)
    {
        string csv = Path.Combine(directory, "digits.csv");
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys; from sklearn.datasets import load_digits; load_digits(as_frame=True).frame.to_csv(sys.argv[1], index=False)");
        start.ArgumentList.Add(csv);
        using Process python = Process.Start(start)!;
        python.WaitForExit();
        return python.ExitCode == 0 ? csv : throw new InvalidOperationException("exporting scikit-learn's digits to CSV failed (it needs python3-sklearn and python3-pandas, which `bash bench/run.sh` installs)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Setting(string Name, int Processes, int? Parallelism, string? WaitPolicy);
}
