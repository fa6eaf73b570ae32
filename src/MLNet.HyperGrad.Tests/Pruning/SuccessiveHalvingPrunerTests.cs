using MLNet.HyperGrad.Pruning;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Pruning.PrunerCurves;

namespace MLNet.HyperGrad.Tests.Pruning;

public sealed class SuccessiveHalvingPrunerTests
{
    [Fact]
    public void RungSteps_MinResource1Eta3_AreThePowersOf3()
    {
        Assert.Equal([1, 3, 9], new SuccessiveHalvingPruner(1, 3).RungSteps(20));
        Assert.Equal([2, 4, 8, 16], new SuccessiveHalvingPruner(2, 2).RungSteps(16));
        Assert.Equal([3, 9], new SuccessiveHalvingPruner(1, 3, minEarlyStoppingRate: 1).RungSteps(20));
    }

    [Fact]
    public void ShouldPrune_AtARungAmongThree_PromotesOnlyTheBestThird()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3);
        PrunerTrial[] others = [Trial(0, TrialState.Complete, 0.9, 0.5, 0.3), Trial(1, TrialState.Pruned, 0.9, 0.8)];

        // At rung step 3 the competitors are 0.3 (trial 0) and the judged value: 2 values → keep the best 1.
        PrunerTrial worse = Trial(5, TrialState.Running, 0.9, 0.7, 0.4);
        PrunerTrial better = Trial(6, TrialState.Running, 0.9, 0.7, 0.2);
        Assert.True(pruner.ShouldPrune(worse, [.. others, worse]));
        Assert.False(pruner.ShouldPrune(better, [.. others, better]));

        // At rung step 1 there are three values 0.9, 0.9 and the judged one: ⌊3/3⌋ = 1 promoted; a tie with the best is kept.
        PrunerTrial tie = Trial(7, TrialState.Running, 0.9);
        PrunerTrial behind = Trial(8, TrialState.Running, 0.95);
        Assert.False(pruner.ShouldPrune(tie, [.. others, tie]));
        Assert.True(pruner.ShouldPrune(behind, [.. others, behind]));
    }

    [Fact]
    public void ShouldPrune_NineAtARung_PromotesTheBestThree()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3);
        PrunerTrial[] others = [.. Enumerable.Range(0, 8).Select(i => Trial(i, TrialState.Complete, 0.1 * (i + 1)))];
        PrunerTrial third = Trial(20, TrialState.Running, 0.25);  // 0.1, 0.2, 0.25 → third best: promoted
        PrunerTrial fourth = Trial(21, TrialState.Running, 0.35); // 0.1, 0.2, 0.3, 0.35 → fourth: pruned
        Assert.False(pruner.ShouldPrune(third, [.. others, third]));
        Assert.True(pruner.ShouldPrune(fourth, [.. others, fourth]));
    }

    [Fact]
    public void ShouldPrune_OffARung_Keeps()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3);
        PrunerTrial trial = Trial(5, TrialState.Running, 9, 9);
        Assert.False(pruner.ShouldPrune(trial, [Trial(0, TrialState.Complete, 0.1, 0.1, 0.1), trial]));
    }

    [Fact]
    public void ShouldPrune_FirstTrialToReachARung_IsPromoted()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3);
        PrunerTrial trial = Trial(0, TrialState.Running, 5);
        Assert.False(pruner.ShouldPrune(trial, [trial]));
    }

    [Fact]
    public void Constructor_BadSettings_ThrowsNamingEveryOne()
    {
        var error = Assert.Throws<ArgumentException>(() => new SuccessiveHalvingPruner(minResource: 0, reductionFactor: 1, minEarlyStoppingRate: -1));
        Assert.Contains("minResource must be at least 1, got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("reductionFactor must be at least 2, got 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("minEarlyStoppingRate must be at least 0, got -1", error.Message, StringComparison.Ordinal);
    }
}
