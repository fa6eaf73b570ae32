using MLNet.HyperGrad.Cli.Commands;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>What the command says when no trial finished: after worker processes their setup, not this process's, is the cause.</summary>
public sealed class NoTrialFinishedMessageTests
{
    private const string DefaultMlp = """{"mlp":{"batch_size":256,"depth":2,"epochs":1,"hidden_width":128,"l2":1E-05,"learning_rate":0.05,"momentum":0.9}}""";

    [Fact]
    public void WorkerSetups_ReadsEverySetupLine_AndIgnoresOthers()
    {
        var setups = new WorkerSetups();

        Assert.True(setups.TryRecord("setup took 59.7 s of --train-time 37 s: tuning for 1 s"));
        Assert.True(setups.TryRecord("setup took 3 s of --train-time 37 s: tuning for 34 s"));
        Assert.False(setups.TryRecord("trial    0: stopped: interrupted before it finished"));
        Assert.False(setups.TryRecord("the setup took 9 s of --train-time 37 s"));

        Assert.Equal(2, setups.Count);
        Assert.Equal(TimeSpan.FromSeconds(59.7), setups.Longest);
        Assert.Equal(TimeSpan.FromSeconds(3), setups.Shortest);
    }

    [Fact]
    public void Create_WhenWorkersSpentTheBudgetLoading_SaysSoAndSuggestsMoreThanTheirSetup()
    {
        // The run of 2026-12-04 that prompted this: 8 workers on Fashion-MNIST under load took 59.7 s to load with a 40 s budget,
        // and the message blamed trial 0 (interrupted 1.5 s after it started) and suggested "well above 7".
        var setups = new WorkerSetups();
        setups.TryRecord("setup took 59.7 s of --train-time 37 s: tuning for 1 s");
        setups.TryRecord("setup took 41.2 s of --train-time 38 s: tuning for 1 s");

        string message = NoTrialFinishedMessage.Create(40, TimeSpan.FromSeconds(3.2), 36, [Interrupted(0, 1484)], [], setups);

        Assert.Equal("hypergrad: no trial finished within --train-time 40 s (the setup of the 2 worker processes, each reading the data and loading libtorch itself, took 41.2-59.7 s): the workers spent the budget loading; rerun with --train-time well above 60 s (say 120), or with a lower --parallelism (fewer processes loading at once).", message);
    }

    [Fact]
    public void Create_WithoutAFinishedEpoch_NeverSuggestsABudgetBelowTheOneThatFailed()
    {
        string message = NoTrialFinishedMessage.Create(40, TimeSpan.FromSeconds(3.2), 36, [Interrupted(0, 1484)], []);

        Assert.EndsWith("rerun with --train-time well above 41 (say 82).", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithQuickWorkers_JudgesTheTrialsFromTheWorkersSetup()
    {
        var setups = new WorkerSetups();
        setups.TryRecord("setup took 4 s of --train-time 60 s: tuning for 56 s");

        string message = NoTrialFinishedMessage.Create(60, TimeSpan.FromSeconds(1), 59, [Interrupted(0, 50_000, epochsDone: 1, epochs: 10)], [], setups);

        // 50 s per epoch for 10 epochs, ×1.25, plus the workers' 4 s setup and the 2 s margin: 631 s.
        Assert.Contains("(the setup of the 1 worker processes, each reading the data and loading libtorch itself, took 4.0-4.0 s)", message, StringComparison.Ordinal);
        Assert.EndsWith("trial 0 was taking 50.0 s per epoch (1 of its 10 epoch(s) in 50.0 s); rerun with --train-time 631 or more.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForTrainers_NamesTheWorkersSetupWhenItTookTheBudget()
    {
        var setups = new WorkerSetups();
        setups.TryRecord("setup took 25.5 s of --train-time 30 s: tuning for 5 s");

        Assert.Equal("hypergrad: no trial finished within --train-time 30 s (setup took 2.0 s); give more --train-time, or fewer or faster --trainers.", NoTrialFinishedMessage.ForTrainers(30, TimeSpan.FromSeconds(2), null));
        Assert.Contains("the workers spent the budget loading; rerun with --train-time well above 26 s (say 86)", NoTrialFinishedMessage.ForTrainers(30, TimeSpan.FromSeconds(2), setups), StringComparison.Ordinal);
    }

    private static TrialRecord Interrupted(int number, double milliseconds, int epochsDone = 0, int epochs = 1) => new()
    {
        StudyId = 1,
        Number = number,
        State = TrialState.Interrupted,
        ParametersJson = DefaultMlp.Replace("\"epochs\":1", $"\"epochs\":{epochs}", StringComparison.Ordinal),
        DurationMilliseconds = milliseconds,
        StartedAtUtc = new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc),
        IntermediateValues = [.. Enumerable.Range(1, epochsDone).Select(s => new IntermediateValue(s, 0.5))],
    };
}
