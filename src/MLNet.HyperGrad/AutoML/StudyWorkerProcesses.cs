using System.Diagnostics;
using System.Globalization;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// Runs a study's trials in worker processes: starts <c>n</c> workers that share one study through its storage, and when a
/// worker dies while it runs a trial (a native abort in libtorch, an out-of-memory kill, <c>kill -9</c>) records that trial as
/// <see cref="TrialState.Failed"/> with the exit reason and starts another worker in its place.
/// </summary>
/// <remarks>
/// <para>A worker is any process that runs a <see cref="HyperGradExperiment"/> on the study (the CLI starts itself with
/// <c>--worker</c>): it claims trials atomically in the storage, replays the trials the others finished into its tuner before
/// each proposal, and stops at the study-wide limit of <see cref="HyperGradExperiment.SetMaxStudyTrials"/>. The worker id it
/// stores with its trials starts with <c>host:pid:</c> (<see cref="TrialWorkers"/>), which is how the trials of a dead worker are
/// found.</para>
/// <para>A worker that exits with code 0 is done and is not replaced. One that dies while a trial of the study is running under
/// its id is replaced (at most <see cref="StudyWorkerProcessesOptions.MaxRestarts"/> times in all, and only while
/// <see cref="StudyWorkerProcessesOptions.MayRestart"/> says so). One that exits with another code and no running trial (bad
/// input, no trial finished in its budget) is not replaced: starting it again would end the same way.</para>
/// </remarks>
public sealed partial class StudyWorkerProcesses
{
    private readonly IStudyStorage storage;
    private readonly string studyName;
    private readonly Func<int, ProcessStartInfo> startInfo;
    private readonly StudyWorkerProcessesOptions options;
    private readonly HashSet<RunningWorker> live = [];

    /// <summary>Prepares a pool of worker processes for one study.</summary>
    /// <param name="storage">The storage the workers share; used here to fail the trials of dead workers.</param>
    /// <param name="studyName">The study's name.</param>
    /// <param name="startInfo">Describes worker <c>i</c> (0, 1, ..., counting replacements); its standard output and error are redirected here.</param>
    /// <param name="options">Restart limits and where the workers' output goes; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="studyName"/> is empty.</exception>
    public StudyWorkerProcesses(IStudyStorage storage, string studyName, Func<int, ProcessStartInfo> startInfo, StudyWorkerProcessesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(studyName);
        ArgumentNullException.ThrowIfNull(startInfo);
        this.storage = storage;
        this.studyName = studyName;
        this.startInfo = startInfo;
        this.options = options ?? new StudyWorkerProcessesOptions();
    }

    /// <summary>Runs <paramref name="workers"/> worker processes until every one has exited and none is to be replaced.</summary>
    /// <param name="workers">How many run at once; at least 1.</param>
    /// <param name="cancellationToken">Stops the pool: workers get SIGINT (on Unix; as from Ctrl+C, they interrupt their trials and exit) and <see cref="StudyWorkerProcessesOptions.StopGrace"/> to end by themselves, then are killed. Dead workers are no longer replaced.</param>
    /// <returns>How each worker process ended, in the order they ended.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workers"/> is less than 1.</exception>
    /// <exception cref="HyperGradException">A worker process could not be started.</exception>
    public async Task<IReadOnlyList<WorkerExit>> RunAsync(int workers, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (await storage.GetStudyAsync(studyName, cancellationToken) is { } study)
        {
            // Trials an earlier run's dead workers left running: interrupted (and so retried) here, before any worker starts. The
            // workers themselves skip this (TrialWorkers.IsSupervised), since a sibling that died during this run is this
            // pool's to fail with its exit reason (FinishAsync).
            await StudySession.InterruptTrialsOfGoneWorkersAsync(storage, study.Id, cancellationToken);
        }

        var exits = new List<WorkerExit>();
        var running = new Dictionary<Task, RunningWorker>();
        int started = 0;
        int restarts = 0;
        using CancellationTokenRegistration stopping = cancellationToken.Register(() => _ = KillAfterGraceAsync());
        try
        {
            for (int i = 0; i < workers; i++)
            {
                RunningWorker worker = Start(started++);
                lock (running)
                {
                    running.Add(worker.Exited, worker);
                }
            }

            while (true)
            {
                Task[] waiting;
                lock (running)
                {
                    waiting = [.. running.Keys];
                }

                if (waiting.Length == 0)
                {
                    break;
                }

                Task done = await Task.WhenAny(waiting);
                RunningWorker worker;
                lock (running)
                {
                    worker = running[done];
                    running.Remove(done);
                }

                WorkerExit exit = await FinishAsync(worker);
                bool replace = exit.FailedTrials.Count > 0 && restarts < options.MaxRestarts && !cancellationToken.IsCancellationRequested && options.MayRestart();
                exit = exit with { Replaced = replace };
                exits.Add(exit);
                options.OnWorkerExit?.Invoke(exit);
                if (replace)
                {
                    restarts++;
                    RunningWorker next = Start(started++);
                    lock (running)
                    {
                        running.Add(next.Exited, next);
                    }
                }
            }
        }
        finally
        {
            // Reached with workers left only by an exception (the storage failed): they must not outlive their supervisor.
            KillAll();
        }

        return exits;
    }

    /// <summary>Sends the workers SIGINT (as Ctrl+C does: they interrupt their trials and exit), then kills those still running once the grace period is over.</summary>
    private async Task KillAfterGraceAsync()
    {
        RunningWorker[] workers;
        lock (live)
        {
            workers = [.. live];
        }

        if (!OperatingSystem.IsWindows())
        {
            foreach (RunningWorker worker in workers)
            {
                _ = SendSignal(worker.ProcessId, SignalInterrupt);
            }
        }

        await Task.Delay(options.StopGrace, CancellationToken.None).ConfigureAwait(false);
        KillAll();
    }

    private const int SignalInterrupt = 2;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int processId, int signal);

    private void KillAll()
    {
        RunningWorker[] left;
        lock (live)
        {
            left = [.. live];
        }

        foreach (RunningWorker worker in left)
        {
            worker.Kill();
        }
    }

    private RunningWorker Start(int index)
    {
        ProcessStartInfo info = startInfo(index);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment[TrialWorkers.SupervisedVariable] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new RunningWorker(index, process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                options.OnOutputLine?.Invoke(index, line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                // Stack frames ("   at ...") and their separators are skipped: the last message line says what happened.
                if (!string.IsNullOrWhiteSpace(line) && !char.IsWhiteSpace(line[0]) && !line.StartsWith("---", StringComparison.Ordinal))
                {
                    worker.LastErrorLine = line.Trim();
                }

                options.OnErrorLine?.Invoke(index, line);
            }
        };
        try
        {
            if (!process.Start())
            {
                throw new HyperGradException($"Could not start worker process {index} ({info.FileName} {string.Join(' ', info.ArgumentList)}).");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new HyperGradException($"Could not start worker process {index} ({info.FileName}): {ex.Message}", ex);
        }

        worker.ProcessId = process.Id;
        lock (live)
        {
            live.Add(worker);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        worker.Exited = process.WaitForExitAsync(CancellationToken.None);
        return worker;
    }

    /// <summary>Reads how a worker ended and fails the trials it left running, with the reason.</summary>
    private async Task<WorkerExit> FinishAsync(RunningWorker worker)
    {
        lock (live)
        {
            live.Remove(worker);
        }

        using Process process = worker.Process;
        int code = process.ExitCode;
        string reason = ExitReason(worker.ProcessId, code, worker.LastErrorLine);
        var failed = new List<int>();
        if (await storage.GetStudyAsync(studyName, CancellationToken.None) is { } study)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{worker.ProcessId}:");
            IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id, CancellationToken.None);
            foreach (TrialRecord trial in trials.Where(t => t.State == TrialState.Running && t.WorkerId is { } id && id.StartsWith(prefix, StringComparison.Ordinal)))
            {
                double duration = Math.Max(0, (options.TimeProvider.GetUtcNow().UtcDateTime - trial.StartedAtUtc).TotalMilliseconds);
                try
                {
                    await storage.FailTrialAsync(study.Id, trial.Number, reason, duration, CancellationToken.None);
                    failed.Add(trial.Number);
                }
                catch (StorageException)
                {
                    // It finished between the read and the write (the worker wrote it as it exited): nothing to fail. Anything else is the storage's failure.
                    if ((await storage.GetTrialAsync(study.Id, trial.Number, CancellationToken.None))?.IsFinished != true)
                    {
                        throw;
                    }
                }
            }
        }

        return new WorkerExit(worker.Index, worker.ProcessId, code, SignalOf(code), worker.LastErrorLine, failed, reason, Replaced: false);
    }

    /// <summary>The reason stored with the trial of a worker that died: pid, exit code or signal, and the last line it wrote to standard error.</summary>
    internal static string ExitReason(int processId, int exitCode, string? lastErrorLine)
    {
        string how = SignalOf(exitCode) is int signal
            ? string.Create(CultureInfo.InvariantCulture, $"was killed by signal {signal} ({SignalName(signal)}, exit code {exitCode})")
            : string.Create(CultureInfo.InvariantCulture, $"exited with code {exitCode}");
        string last = string.IsNullOrWhiteSpace(lastErrorLine) ? "it wrote nothing to standard error" : $"its last line on standard error: {lastErrorLine}";
        return string.Create(CultureInfo.InvariantCulture, $"the worker process running it (pid {processId}) {how} before the trial finished; {last}");
    }

    /// <summary>The signal that ended a process, from its exit code as .NET reports it on Unix (128 + the signal), or null.</summary>
    internal static int? SignalOf(int exitCode) => !OperatingSystem.IsWindows() && exitCode is > 128 and < 128 + 65 ? exitCode - 128 : null;

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => string.Create(CultureInfo.InvariantCulture, $"signal {signal}"),
    };

    private sealed class RunningWorker(int index, Process process)
    {
        public int Index { get; } = index;

        public Process Process { get; } = process;

        public int ProcessId { get; set; }

        public Task Exited { get; set; } = Task.CompletedTask;

        public volatile string? LastErrorLine;

        public void Kill()
        {
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It has exited already.
            }
        }
    }
}
