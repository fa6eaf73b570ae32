using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Pruning.PrunerCurves;

namespace MLNet.HyperGrad.Tests.Pruning;

public sealed class MedianPrunerTests
{
    // Complete trials' values at step 2: 0.5, 0.6, 0.7 → median 0.6.
    private static readonly PrunerTrial[] Completed =
    [
        Trial(0, TrialState.Complete, 0.9, 0.5, 0.4),
        Trial(1, TrialState.Complete, 0.9, 0.6, 0.5),
        Trial(2, TrialState.Complete, 0.9, 0.7, 0.6),
    ];

    private static bool Judge(MedianPruner pruner, params double[] values)
    {
        PrunerTrial trial = Trial(9, TrialState.Running, values) with { FinalStep = 3 };
        return pruner.ShouldPrune(trial, [.. Completed, trial]);
    }

    [Fact]
    public void ShouldPrune_BestSoFarAboveTheMedianAtTheStep_Prunes() =>
        Assert.True(Judge(new MedianPruner(startupTrials: 3), 0.95, 0.61));

    [Fact]
    public void ShouldPrune_BestSoFarEqualToTheMedian_Keeps() =>
        Assert.False(Judge(new MedianPruner(startupTrials: 3), 0.95, 0.6));

    [Fact]
    public void ShouldPrune_LatestWorseButBestSoFarBelowTheMedian_Keeps() =>
        Assert.False(Judge(new MedianPruner(startupTrials: 3), 0.55, 0.8));

    [Fact]
    public void ShouldPrune_FewerCompleteTrialsThanStartup_Keeps() =>
        Assert.False(Judge(new MedianPruner(startupTrials: 4), 0.95, 0.9));

    [Fact]
    public void ShouldPrune_BeforeWarmupStep_Keeps()
    {
        Assert.False(Judge(new MedianPruner(startupTrials: 3, warmupSteps: 3), 0.95, 0.9));
        Assert.True(Judge(new MedianPruner(startupTrials: 3, warmupSteps: 2), 0.95, 0.9));
    }

    [Fact]
    public void ShouldPrune_OffTheIntervalGrid_Keeps()
    {
        Assert.False(Judge(new MedianPruner(startupTrials: 3, warmupSteps: 1, intervalSteps: 2), 0.95, 0.9));
        Assert.True(Judge(new MedianPruner(startupTrials: 3, warmupSteps: 0, intervalSteps: 2), 0.95, 0.9));
    }

    [Fact]
    public void ShouldPrune_OnlyNaNValues_Prunes() =>
        Assert.True(Judge(new MedianPruner(startupTrials: 3), double.NaN, double.NaN));

    [Fact]
    public void ShouldPrune_NoCompleteTrialReachedTheStep_Keeps() =>
        Assert.False(Judge(new MedianPruner(startupTrials: 3), 0.95, 0.9, 0.9, 0.9));

    [Fact]
    public void ShouldPrune_RunningAndPrunedTrialsAreNotInTheMedian_Keeps()
    {
        PrunerTrial trial = Trial(9, TrialState.Running, 0.95, 0.61);
        PrunerTrial[] others = [Completed[2], Trial(3, TrialState.Running, 0.1, 0.1), Trial(4, TrialState.Pruned, 0.1, 0.1)];
        Assert.False(new MedianPruner(startupTrials: 1).ShouldPrune(trial, [.. others, trial]));
    }

    [Fact]
    public void Constructor_BadSettings_ThrowsNamingEveryOne()
    {
        var error = Assert.Throws<ArgumentException>(() => new MedianPruner(startupTrials: -1, warmupSteps: -2, intervalSteps: 0, minTrials: 0));
        Assert.Contains("startupTrials must be at least 0, got -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("warmupSteps must be at least 0, got -2", error.Message, StringComparison.Ordinal);
        Assert.Contains("intervalSteps must be at least 1, got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("minTrials must be at least 1, got 0", error.Message, StringComparison.Ordinal);
    }
}
