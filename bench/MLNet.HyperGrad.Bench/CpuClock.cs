using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// CPU time (Linux <c>clock_gettime</c>, nanosecond resolution): of this process (all threads, GC included) and of the
/// calling thread. On a machine that other processes keep busy, CPU time is what a phase costs, while wall time also
/// counts the waits for a core; with one libtorch thread, libtorch's work runs on the calling thread.
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessClock = 2;
    private const int ThreadClock = 3;

    /// <summary>The CPU seconds this process has used so far; NaN where the clock cannot be read.</summary>
    public static double ProcessSeconds() => Read(ProcessClock);

    /// <summary>The CPU seconds the calling thread has used so far; NaN where the clock cannot be read.</summary>
    public static double ThreadSeconds() => Read(ThreadClock);

    private static double Read(int clock)
    {
        try
        {
            return ClockGetTime(clock, out TimeSpec t) == 0 ? t.Seconds + (t.Nanoseconds * 1e-9) : double.NaN;
        }
        catch (DllNotFoundException)
        {
            return double.NaN;
        }
        catch (EntryPointNotFoundException)
        {
            return double.NaN;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
