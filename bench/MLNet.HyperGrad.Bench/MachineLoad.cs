using System.Diagnostics;
using System.Globalization;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// How much of the machine's CPU time other processes (and the hypervisor, as steal) take: the busy
/// time of /proc/stat minus this process's own time and its reaped children's (the Python peer).
/// The load average cannot say this during a run, since it counts the benchmark's own threads.
/// </summary>
internal static class MachineLoad
{
    /// <summary>CPU clock ticks at one moment: all CPUs busy, all CPUs in total, this process and its reaped children.</summary>
    internal readonly record struct Mark(long Busy, long Total, long Own);

    public static Mark Now() => Read();

    /// <summary>The share of all CPUs' time since <paramref name="a"/> that went to other processes or steal (0 to 1).</summary>
    public static double OthersShareSince(Mark a)
    {
        Mark b = Read();
        long total = b.Total - a.Total;
        return total <= 0 ? 0 : Math.Clamp((double)(b.Busy - a.Busy - (b.Own - a.Own)) / total, 0, 1);
    }

    /// <summary>Waits (sleeping, so that the benchmark itself uses no CPU) until other processes use at most <paramref name="threshold"/> of the CPUs over one second, or until <paramref name="maxWait"/> has passed.</summary>
    /// <returns>The others' share of the last second waited.</returns>
    public static double WaitForQuiet(double threshold, TimeSpan maxWait)
    {
        var waited = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            Mark mark = Now();
            Thread.Sleep(1000);
            double share = OthersShareSince(mark);
            if (share <= threshold || waited.Elapsed >= maxWait)
            {
                if (told)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  # waited {waited.Elapsed.TotalSeconds:F0} s for a quiet machine; others now {share:P0}{(share > threshold ? " (gave up waiting)" : string.Empty)}"));
                }

                return share;
            }

            if (!told)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  # other processes use {share:P0} of the CPUs; waiting up to {maxWait.TotalSeconds:F0} s for at most {threshold:P0}"));
                told = true;
            }
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static Mark Read()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice (clock ticks)
            string[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long[] v = [.. cpu.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture))];
            long idle = v[3] + v[4];
            long total = v.Sum();

            // /proc/self/stat: utime stime cutime cstime are fields 14-17; the name field may hold spaces.
            string self = File.ReadAllText("/proc/self/stat");
            string[] rest = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long own = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)
                + long.Parse(rest[13], CultureInfo.InvariantCulture) + long.Parse(rest[14], CultureInfo.InvariantCulture);
            return new Mark(total - idle, total, own);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return new Mark(0, 0, 0);
        }
    }
}
