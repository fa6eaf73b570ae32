using MLNet.HyperGrad.Transfer;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class GpPriorPretrainingTests(ITestOutputHelper output)
{
    public static TheoryData<PriorMeanKind, bool> Forms => new()
    {
        { PriorMeanKind.Constant, false },
        { PriorMeanKind.Linear, false },
        { PriorMeanKind.Mlp, false },
        { PriorMeanKind.Mlp, true },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void FullObjective_MatchedTasks_NllPlusKlGradientMatchesFiniteDifferences(PriorMeanKind mean, bool onFeatures)
    {
        List<TransferTask> tasks = SyntheticTasks.Family(3, 8, matched: true);
        var options = new GpPriorPretrainingOptions { MeanKind = mean, HiddenWidth = 3, KernelOnFeatures = onFeatures, KlWeight = 0.7 };
        (_, double value, double[] gradient, double[] reference) = PretrainingObjectiveAtPerturbedStart.Evaluate(tasks, options, 0.1);
        output.WriteLine($"{mean} on features {onFeatures}: objective {value:G6}, |g| max {gradient.Max(Math.Abs):G4}");
        FiniteDifferences.AssertClose(reference, gradient, 1e-5);
    }

    [Fact]
    public void FullObjective_KlWeight_ChangesTheObjectiveOnlyWhenTasksSharePoints()
    {
        var withKl = new GpPriorPretrainingOptions { MeanKind = PriorMeanKind.Linear, KlWeight = 1 };
        var withoutKl = new GpPriorPretrainingOptions { MeanKind = PriorMeanKind.Linear, KlWeight = 0 };
        List<TransferTask> matched = SyntheticTasks.Family(3, 8, matched: true);
        List<TransferTask> unmatched = SyntheticTasks.Family(3, 8, matched: false);
        double[] theta = GpPriorPretraining.ModelFor(matched, withKl).Initial(new Random(1));
        Assert.NotEqual(GpPriorPretraining.FullObjective(matched, withKl, theta).Value, GpPriorPretraining.FullObjective(matched, withoutKl, theta).Value);
        Assert.Equal(GpPriorPretraining.FullObjective(unmatched, withKl, theta).Value, GpPriorPretraining.FullObjective(unmatched, withoutKl, theta).Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pretrain_ShiftedScaledFamily_LowersHeldOutNllBelowTheUntrainedPrior(bool matched)
    {
        List<TransferTask> tasks = SyntheticTasks.Family(6, 40, matched);
        TransferTask heldOut = SyntheticTasks.Task(6, SyntheticTasks.Points(40, 999));
        var untrained = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 0, HiddenWidth = 16 });
        var trained = GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 150, HiddenWidth = 16, MinibatchSize = 32 });
        double before = untrained.FitOf(heldOut).NegativeLogLikelihoodPerPoint;
        double after = trained.FitOf(heldOut).NegativeLogLikelihoodPerPoint;
        output.WriteLine($"matched {matched}: held-out NLL per point {before:F3} untrained, {after:F3} trained; shared points {trained.SharedPointCount}; objective {trained.ObjectiveHistory[0]:F3} -> {trained.ObjectiveHistory[^1]:F3}");
        Assert.Equal(matched ? 40 : 0, trained.SharedPointCount);
        Assert.True(after < before - 0.3, $"held-out NLL per point {before} untrained, {after} trained");
        Assert.Equal(tasks.Select(t => t.Name), trained.SourceTasks);
        Assert.All(trained.SourceTaskFit, f => Assert.True(f.NegativeLogLikelihoodPerPoint < untrained.SourceTaskFit.Single(u => u.Name == f.Name).NegativeLogLikelihoodPerPoint));
    }

    [Fact]
    public void Pretrain_SameSeed_SamePrior()
    {
        List<TransferTask> tasks = SyntheticTasks.Family(3, 20, matched: false);
        var options = new GpPriorPretrainingOptions { Steps = 20, HiddenWidth = 4, MinibatchSize = 8, Seed = 5 };
        Assert.Equal(GpPriorPretraining.Pretrain(tasks, options).Parameters, GpPriorPretraining.Pretrain(tasks, options).Parameters);
    }

    [Fact]
    public void Pretrain_TasksOfDifferentDimensions_ThrowsNamingTheTask()
    {
        var a = new TransferTask("a", [[0.1, 0.2], [0.3, 0.4]], [1, 2]);
        var b = new TransferTask("b", [[0.1], [0.3]], [1, 2]);
        var e = Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain([a, b]));
        Assert.Equal("tasks", e.ParamName);
        Assert.Contains("('b') has dimension 1; expected 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pretrain_NoTaskOrDuplicateNamesOrBadOptions_Throws()
    {
        var a = new TransferTask("a", [[0.1], [0.3]], [1, 2]);
        Assert.Contains("at least one source task", Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain([])).Message, StringComparison.Ordinal);
        Assert.Contains("named 'a'", Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain([a, a])).Message, StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => GpPriorPretraining.Pretrain([a], new GpPriorPretrainingOptions { Steps = -1, LearningRate = 0, MinibatchSize = 1, KlWeight = double.NaN }));
        Assert.Contains("Steps must be in [0, 1000000], got -1", e.Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate must be positive", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinibatchSize must be at least 2, got 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("KlWeight must be finite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pretrain_Cancelled_Throws()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Throws<OperationCanceledException>(() => GpPriorPretraining.Pretrain(SyntheticTasks.Family(2, 5, true), null, source.Token));
    }
}
