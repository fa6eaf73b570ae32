using MLNet.HyperGrad.AutoML;

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
}
