using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Tests.Cli;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class TrialWorkersTests
{
    [Fact]
    public void IsGone_RunOfThisProcess_IsLiveUntilReleased()
    {
        string id = TrialWorkers.Register();

        Assert.StartsWith($"{Environment.MachineName}:{Environment.ProcessId}:", id, StringComparison.Ordinal);
        Assert.False(TrialWorkers.IsGone(id));
        string other = TrialWorkers.Register();
        Assert.NotEqual(id, other);
        TrialWorkers.Release(other);
        TrialWorkers.Release(id);
        Assert.True(TrialWorkers.IsGone(id));
    }

    [Theory]
    [InlineData("{host}:{pid}", true)]
    [InlineData("{host}:{pid}:0badc0de", true)]
    [InlineData("{host}:2147483640", true)]
    [InlineData("{host}:2147483640:0badc0de", true)]
    [InlineData("{host}:1", false)]
    [InlineData("another-host:1", false)]
    [InlineData("another-host:2147483640:0badc0de", false)]
    [InlineData("not a worker id", false)]
    [InlineData("{host}:pid", false)]
    public void IsGone_StoredWorkerId_JudgesOnlyThisHost(string pattern, bool gone)
    {
        string worker = pattern.Replace("{host}", Environment.MachineName, StringComparison.Ordinal)
            .Replace("{pid}", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        Assert.Equal(gone, TrialWorkers.IsGone(worker));
    }

    [Fact]
    public void IsGone_ZombieProcessNobodyReaps_IsGone()
    {
        // `sleep 0` becomes a child of the process that `exec sleep 30` turns into, which never waits for it: a zombie
        // for 30 s, found by GetProcessById as a killed worker re-parented to a non-reaping first process is.
        using var parent = System.Diagnostics.Process.Start("sh", ["-c", "sleep 0 & exec sleep 30"]);
        try
        {
            int zombie = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (zombie == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(50);
                foreach (string directory in Directory.EnumerateDirectories("/proc"))
                {
                    if (int.TryParse(Path.GetFileName(directory), out int pid) && HypergradProcess.Stat(pid) is { State: 'Z' } stat && stat.Parent == parent.Id)
                    {
                        zombie = pid;
                    }
                }
            }

            Assert.True(zombie > 0, "no zombie child appeared");
            Assert.True(TrialWorkers.IsGone($"{Environment.MachineName}:{zombie}:0badc0de"));
            Assert.False(TrialWorkers.IsGone($"{Environment.MachineName}:{parent.Id}:0badc0de"));
        }
        finally
        {
            parent.Kill();
            parent.WaitForExit();
        }
    }
}
