namespace MLNet.HyperGrad.AutoML;

/// <summary>How one worker process of <see cref="StudyWorkerProcesses"/> ended.</summary>
/// <param name="Index">The worker's index: 0 to n - 1 for the first ones, then counting on for replacements.</param>
/// <param name="ProcessId">Its process id.</param>
/// <param name="ExitCode">Its exit code as .NET reports it (on Unix, 128 + the signal for a process killed by a signal).</param>
/// <param name="Signal">The signal that killed it, or null when it exited by itself.</param>
/// <param name="LastErrorLine">The last line it wrote to standard error that is not part of a stack trace (indented <c>at ...</c> frames are skipped), or null.</param>
/// <param name="FailedTrials">The numbers of the trials it left running, now recorded as failed with <paramref name="Reason"/>.</param>
/// <param name="Reason">The exit reason, as stored with those trials.</param>
/// <param name="Replaced">Whether another worker was started in its place.</param>
public sealed record WorkerExit(int Index, int ProcessId, int ExitCode, int? Signal, string? LastErrorLine, IReadOnlyList<int> FailedTrials, string Reason, bool Replaced);
