using MLNet.HyperGrad.Bench;
using MLNet.HyperGrad.Pruning;

namespace MLNet.HyperGrad.Tests.Pruning;

/// <summary>
/// The learning-curve pruner on recorded real curves: the validation losses of the 24 trials × 15 epochs of the pruning
/// benchmark's no-pruner arm (Fashion-MNIST MLP random search, seed 1, one libtorch thread; <c>pruning --threads 1
/// --arms none,learning-curve --curves FILE</c>), replayed as the experiment asks the pruner (<see cref="PrunerReplay"/>).
/// </summary>
public sealed class LearningCurvePrunerReplayTests
{
    /// <summary>
    /// What the pruner decided on these curves before its fits used exact Jacobians (central-difference Jacobians, commit
    /// 31850be; <c>pruning-cost</c> on that build), as trial@epoch of each trial it pruned: 17 pruned, 199 of 360 epochs
    /// trained. A warm start of each fit from the trial's previous one was tried and pruned trial 16 at epoch 11 instead
    /// of 9, which this list catches.
    /// </summary>
    private static readonly string[] PrunedBeforeExactJacobians =
        ["4@5", "5@4", "6@4", "8@11", "9@4", "10@4", "11@5", "13@7", "15@4", "16@9", "17@4", "18@7", "19@10", "20@4", "21@4", "22@4", "23@4"];

    private static SortedDictionary<int, double[]> Curves { get; } =
        PrunerReplay.ReadCurves(Path.Combine(AppContext.BaseDirectory, "Pruning", "Fixtures", "fashion-mnist-mlp-curves.csv"));

    [Fact]
    public void ShouldPrune_RecordedRealCurves_DecidesAsBeforeExactJacobians()
    {
        List<PrunerReplay.Decision> decisions = PrunerReplay.Run(new LearningCurvePruner(), Curves);
        string[] pruned = [.. decisions.Where(d => d.Prune).Select(d => $"{d.Trial}@{d.Epoch}")];
        Assert.Equal(PrunedBeforeExactJacobians, pruned);
        Assert.Equal(192, decisions.Count);
    }
}
