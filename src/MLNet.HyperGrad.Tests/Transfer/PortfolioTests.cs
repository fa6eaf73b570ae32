using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// The source tasks' greedy portfolio (issue 11, H42): <see cref="GpPriorPretrainingOptions.PortfolioSize"/>,
/// <see cref="PretrainedGpPrior.Portfolio"/> and <see cref="MetaGaussianProcessTunerOptions.PortfolioTrials"/>, on a hand-made history
/// whose greedy answer was worked out by hand.
/// </summary>
public sealed class PortfolioTests : IDisposable
{
    private readonly TempDirectory directory = new();

    /// <summary>Five points of a 2-D space (a stored study needs at least 5 trials to be read).</summary>
    private static readonly double[][] Points = [[0.1, 0.2], [0.8, 0.9], [0.5, 0.5], [0.3, 0.7], [0.9, 0.1]];

    /// <summary>
    /// Three tasks' losses at <see cref="Points"/>. Normalized regrets: A [0, 1, 0.5, 0.25, 1], B [1, 0, 0.6, 0.4, 1], C [0, 0.5, 1, 0.2, 1].
    /// Pick 1: sums 1, 1.5, 2.1, 0.85, 3 → point 3 (no task's best, the compromise). Pick 2 (bests 0.25, 0.4, 0.2): 0.4, 0.45, 0.85, –,
    /// 0.85 → point 0. Pick 3 (bests 0, 0.4, 0): 0, 0.4, –, 0.4 → point 1. Pick 4: all 0, the tie to the lowest index, point 2; then point 4.
    /// </summary>
    private static readonly double[][] Losses =
    [
        [1.0, 5.0, 3.0, 2.0, 5.0],
        [10.0, 0.0, 6.0, 4.0, 10.0],
        [2.0, 2.5, 3.0, 2.2, 3.0],
    ];

    private static readonly int[] Expected = [3, 0, 1, 2, 4];

    public void Dispose() => directory.Dispose();

    private static List<TransferTask> History() => [.. Losses.Select((l, t) => new TransferTask("task" + t, Points, l))];

    private static GpPriorPretrainingOptions Quick(int size = 10) => new() { Steps = 3, HiddenWidth = 3, MinibatchSize = 4, PortfolioSize = size };

    private static SearchSpace Square() => new() { ["a"] = new UniformDoubleOption(0, 1), ["b"] = new UniformDoubleOption(0, 1) };

    [Fact]
    public void Select_HandMadeRegrets_PicksTheWorkedOutOrder()
    {
        Assert.Equal(Expected, GreedyPortfolio.Select(Losses, 5));
        Assert.Equal(Expected[..2], GreedyPortfolio.Select(Losses, 2));
        Assert.Equal(Expected, GreedyPortfolio.Select(Losses, 10));
    }

    [Fact]
    public void Select_AffineChangeOfATaskOrAConstantTask_SameOrder()
    {
        double[][] changed = [[.. Losses[0].Select(v => (100 * v) - 7)], Losses[1], Losses[2], [7.0, 7.0, 7.0, 7.0, 7.0]];
        Assert.Equal(Expected, GreedyPortfolio.Select(changed, 5));
    }

    [Fact]
    public void Select_RaggedValues_SaysWhatMustHold()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => GreedyPortfolio.Select([[1.0, 2.0], [1.0]], 2));
        Assert.Contains("must hold 2 finite values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pretrain_MatchedHistory_PortfolioIsTheGreedyOrderOfThePointsAndSurvivesJson()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick(3));
        Assert.Equal(Expected[..3].Select(i => Points[i]), prior.Portfolio);

        string json = prior.ToJson();
        Assert.Contains("\"format\":5", json, StringComparison.Ordinal);
        Assert.Equal(prior.Portfolio, PretrainedGpPrior.FromJson(json).Portfolio);
        string format3 = json.Replace("\"format\":5", "\"format\":3", StringComparison.Ordinal);
        Assert.Empty(PretrainedGpPrior.FromJson(format3).Portfolio);
    }

    [Fact]
    public void Pretrain_NoSharedPointsOrSizeZero_EmptyPortfolio()
    {
        List<TransferTask> unmatched = [new("u0", [Points[0], Points[1]], [1.0, 2.0]), new("u1", [Points[2], Points[3]], [3.0, 1.0])];
        Assert.Empty(GpPriorPretraining.Pretrain(unmatched, Quick()).Portfolio);
        Assert.Empty(GpPriorPretraining.Pretrain(History(), Quick(0)).Portfolio);
    }

    [Fact]
    public void WithSourcePortfolio_PriorWithoutOne_GetsTheSamePortfolioAsPretraining()
    {
        PretrainedGpPrior without = GpPriorPretraining.Pretrain(History(), Quick(0));
        PretrainedGpPrior with = GpPriorPretraining.WithSourcePortfolio(without, History(), Quick(5));
        Assert.Equal(Expected.Select(i => Points[i]), with.Portfolio);
        Assert.Equal(without.Mean(Points), with.Mean(Points));
    }

    [Fact]
    public void Propose_CandidateModeWithPortfolioTrials_ProposesThePortfolioFirstThenTheModel()
    {
        SearchSpace space = Square();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        Parameter[] candidates = [.. Points.Select(space.SampleFromFeatureSpace)];
        var tuner = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { Candidates = candidates, PortfolioTrials = 2 });
        var sources = new List<double>();
        for (int id = 0; id < 3; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            if (id < 2)
            {
                Assert.Equal(candidates[Expected[id]], settings.Parameter);
            }

            sources.Add(tuner.ProposalAttributes(id)[MetaGaussianProcessTuner.SourceAttribute]);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = id, Metric = -id });
        }

        Assert.Equal([MetaGaussianProcessTuner.SourcePortfolio, MetaGaussianProcessTuner.SourcePortfolio, MetaGaussianProcessTuner.SourceModel], sources);
    }

    [Fact]
    public void Propose_WholeSpaceWithPortfolioTrials_ProposesThePortfolioPointsAndWithoutThemThePriorMean()
    {
        SearchSpace space = Square();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        var tuner = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { PortfolioTrials = 3 });
        for (int id = 0; id < 3; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            double[] x = space.MappingToFeatureSpace(settings.Parameter);
            Assert.Equal(Points[Expected[id]][0], x[0], 1e-12);
            Assert.Equal(Points[Expected[id]][1], x[1], 1e-12);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = 1.0 + id, Metric = -1.0 - id });
        }

        var plain = new MetaGaussianProcessTuner(space, prior, 0);
        plain.Propose(new TrialSettings { TrialId = 0 });
        Assert.Equal(MetaGaussianProcessTuner.SourcePriorMean, plain.ProposalAttributes(0)[MetaGaussianProcessTuner.SourceAttribute]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10_001)]
    public void Validate_PortfolioOutOfRange_SaysWhatMustHold(int value)
    {
        ArgumentException tuner = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTunerOptions { PortfolioTrials = value }.Validate());
        Assert.Contains("PortfolioTrials must be in [0, 10000]", tuner.Message, StringComparison.Ordinal);
        ArgumentException pretraining = Assert.Throws<ArgumentException>(() => new GpPriorPretrainingOptions { PortfolioSize = value }.Validate());
        Assert.Contains("PortfolioSize must be in [0, 10000]", pretraining.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferHistory_StoredStudiesOnTheSamePoints_PortfolioSurvivesTheStudyRecordAndDrivesTheFirstTrial()
    {
        SearchSpace space = Square();
        using var storage = new SqliteStudyStorage(directory.File("history.db"));
        for (int t = 0; t < Losses.Length; t++)
        {
            StudyRecord study = await storage.CreateStudyAsync("earlier-" + t, "test", SearchSpaceDescription.ToJson(space), StudyDirection.Minimize);
            for (int i = 0; i < Points.Length; i++)
            {
                TrialRecord trial = await storage.CreateTrialAsync(study.Id, space.SampleFromFeatureSpace(Points[i]).ToString());
                await storage.CompleteTrialAsync(study.Id, trial.Number, Losses[t][i], -Losses[t][i], 1);
            }
        }

        TransferHistory history = await TransferHistory.ReadAsync(storage, space, StudyFilter.NamePrefix("earlier-"));
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(history.Tasks, Quick());
        var summary = new TransferSummary { Filter = history.Filter, Sources = [.. history.Tasks.Select(task => new TransferSource(task.Name, task.Inputs.Count, double.NaN))], PriorJson = prior.ToJson() };
        PretrainedGpPrior recorded = PretrainedGpPrior.FromJson(TransferSummary.FromAttributes(summary.ToAttributes())!.PriorJson!);

        Assert.Equal(Expected.Length, recorded.Portfolio.Count);
        for (int j = 0; j < Expected.Length; j++)
        {
            Assert.Equal(Points[Expected[j]][0], recorded.Portfolio[j][0], 1e-12);
            Assert.Equal(Points[Expected[j]][1], recorded.Portfolio[j][1], 1e-12);
        }

        var tuner = new MetaGaussianProcessTuner(space, recorded, 0, new MetaGaussianProcessTunerOptions { PortfolioTrials = 1 });
        double[] first = space.MappingToFeatureSpace(tuner.Propose(new TrialSettings { TrialId = 0 }));
        Assert.Equal(Points[Expected[0]][0], first[0], 1e-12);
        Assert.Equal(Points[Expected[0]][1], first[1], 1e-12);
    }
}
