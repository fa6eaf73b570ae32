using System.Collections.Concurrent;
using System.Globalization;

namespace MLNet.HyperGrad.AutoML;

/// <summary>
/// The worker ids stored with the trials an experiment runs: <c>host:pid:run</c>, one per run of an
/// experiment, so that two experiments of one process sharing a study (as two processes would) tell
/// their trials apart; and whether the worker of a trial left running is gone.
/// </summary>
internal static class TrialWorkers
{
    private static readonly ConcurrentDictionary<string, bool> Live = new(StringComparer.Ordinal);

    /// <summary>
    /// The environment variable <see cref="StudyWorkerProcesses"/> sets to <c>1</c> in the workers it starts: their supervisor,
    /// not they, deals with the trials of dead workers.
    /// </summary>
    public const string SupervisedVariable = "HYPERGRAD_SUPERVISED_WORKER";

    /// <summary>Gets a value indicating whether this process is a worker that a <see cref="StudyWorkerProcesses"/> pool started.</summary>
    public static bool IsSupervised => Environment.GetEnvironmentVariable(SupervisedVariable) == "1";

    /// <summary>Creates the worker id of a new run and marks it live until <see cref="Release"/>.</summary>
    /// <returns>The worker id.</returns>
    public static string Register()
    {
        string id = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}")[..^24];
        Live[id] = true;
        return id;
    }

    /// <summary>Marks a run's worker id as no longer live.</summary>
    /// <param name="id">An id from <see cref="Register"/>.</param>
    public static void Release(string id) => Live.TryRemove(id, out _);

    /// <summary>
    /// Whether the worker that ran a trial is gone: on this host, its process no longer runs, or it is
    /// this process and the run is over (or the id has no run: an older version wrote <c>host:pid</c>).
    /// Workers on other hosts are never judged: their running trials are left alone.
    /// </summary>
    /// <param name="worker">A stored worker id.</param>
    /// <returns>Whether its running trials can be taken as interrupted.</returns>
    public static bool IsGone(string worker)
    {
        string[] parts = worker.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0] != Environment.MachineName ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return !Live.ContainsKey(worker);
        }

        if (IsZombie(pid))
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>
    /// Whether the process is dead but not yet reaped (Linux state Z or X in <c>/proc/pid/stat</c>): a killed worker whose
    /// parent died too is re-parented, and where nobody reaps it (a container whose first process is not an init) it stays a
    /// zombie that <see cref="System.Diagnostics.Process.GetProcessById(int)"/> still finds, as if it ran.
    /// </summary>
    internal static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            int close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
