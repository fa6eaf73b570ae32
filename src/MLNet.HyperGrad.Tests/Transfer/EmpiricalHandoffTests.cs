using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

/// <summary>
/// <see cref="MetaGaussianProcessTunerOptions.EmpiricalHandoffTrial"/> (issue 11, H42): after the hand-off the tuner proposes by
/// probability of improvement under the raw-unit empirical GP of the source tasks, checked against the one-observation posterior in
/// closed form on a hand-made history.
/// </summary>
public sealed class EmpiricalHandoffTests
{
    private static readonly double[][] Points = [[0.1, 0.2], [0.8, 0.9], [0.5, 0.5], [0.3, 0.7], [0.9, 0.1], [0.6, 0.3]];

    /// <summary>Four tasks' raw losses at <see cref="Points"/>, made up by hand (different levels, partly agreeing).</summary>
    private static readonly double[][] Losses =
    [
        [1.0, 5.0, 3.0, 2.0, 4.0, 2.5],
        [10.0, 0.0, 6.0, 4.0, 9.0, 5.0],
        [2.0, 2.5, 3.0, 2.2, 2.8, 2.1],
        [0.4, 0.9, 0.3, 0.5, 0.8, 0.2],
    ];

    private static List<TransferTask> History() => [.. Losses.Select((l, t) => new TransferTask("task" + t, Points, l))];

    private static GpPriorPretrainingOptions Quick() => new() { Steps = 3, HiddenWidth = 3, MinibatchSize = 4 };

    private static SearchSpace Square() => new() { ["a"] = new UniformDoubleOption(0, 1), ["b"] = new UniformDoubleOption(0, 1) };

    /// <summary>The PI argmax after one observation (point <paramref name="first"/>, raw loss <paramref name="y"/>), in closed form.</summary>
    private static int ByHand(int first, double y)
    {
        int m = Points.Length;
        int t = Losses.Length;
        double[] mu = [.. Enumerable.Range(0, m).Select(i => Losses.Average(r => r[i]))];
        double Cov(int i, int j) => Losses.Sum(r => (r[i] - mu[i]) * (r[j] - mu[j])) / (t - 1);
        double meanVariance = Enumerable.Range(0, m).Average(i => Cov(i, i));
        double noise = 0.01 * meanVariance;
        double margin = 0.1 * Math.Sqrt(meanVariance);
        double denominator = Cov(first, first) + noise;
        return Enumerable.Range(0, m).Where(c => c != first).MaxBy(c =>
        {
            double mean = mu[c] + (Cov(c, first) * (y - mu[first]) / denominator);
            double variance = Cov(c, c) - (Cov(c, first) * Cov(c, first) / denominator);
            return (y - margin - mean) / Math.Sqrt(Math.Max(variance, 1e-12));
        });
    }

    [Fact]
    public void Pretrain_FullyMatchedHistory_HoldsRawSharedValuesThatSurviveJson()
    {
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        Assert.True(prior.HasRawSharedValues);
        Assert.Equal(Losses, prior.RawShared!.Values);
        PretrainedGpPrior read = PretrainedGpPrior.FromJson(prior.ToJson());
        Assert.Equal(Losses, read.RawShared!.Values);
        Assert.Equal(Points, read.RawShared.Points);
        Assert.False(PretrainedGpPrior.FromJson(prior.ToJson().Replace("\"format\":5", "\"format\":3", StringComparison.Ordinal)).HasRawSharedValues);
    }

    [Fact]
    public void Pretrain_UnmatchedOrTwoTasks_NoRawSharedValues()
    {
        List<TransferTask> extraPoint = [.. History().Select((task, t) => t == 0 ? new TransferTask(task.Name, [.. Points, [0.05, 0.95]], [.. Losses[0], 3.0]) : task)];
        Assert.False(GpPriorPretraining.Pretrain(extraPoint, Quick()).HasRawSharedValues);
        Assert.False(GpPriorPretraining.Pretrain(History().Take(2).ToList(), Quick()).HasRawSharedValues);
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(2, -3.0)]
    [InlineData(4, 8.0)]
    public void Propose_AfterTheHandoff_IsTheClosedFormPiArgmaxOfTheRawEmpiricalGp(int first, double y)
    {
        SearchSpace space = Square();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        Parameter[] candidates = [.. Points.Select(space.SampleFromFeatureSpace)];
        var tuner = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { Candidates = candidates, EmpiricalHandoffTrial = 1 });
        var settings = new TrialSettings { TrialId = 0, Parameter = candidates[first] };
        tuner.Update(new TrialResult { TrialSettings = settings, Loss = y, Metric = -y });

        Parameter proposal = tuner.Propose(new TrialSettings { TrialId = 1 });

        Assert.Equal(candidates[ByHand(first, y)], proposal);
        Assert.Equal(MetaGaussianProcessTuner.SourceEmpiricalHandoff, tuner.ProposalAttributes(1)[MetaGaussianProcessTuner.SourceAttribute]);
    }

    [Fact]
    public void Propose_DefaultOptions_HandOffAfterThreeTrialsAndNullNever()
    {
        SearchSpace space = Square();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        Parameter[] candidates = [.. Points.Select(space.SampleFromFeatureSpace)];
        double[] Sources(int? handoff, bool byDefault)
        {
            var tuner = new MetaGaussianProcessTuner(space, prior, 0, byDefault
                ? new MetaGaussianProcessTunerOptions { Candidates = candidates }
                : new MetaGaussianProcessTunerOptions { Candidates = candidates, EmpiricalHandoffTrial = handoff });
            var sources = new double[4];
            for (int id = 0; id < 4; id++)
            {
                Parameter proposal = tuner.Propose(new TrialSettings { TrialId = id });
                sources[id] = tuner.ProposalAttributes(id)[MetaGaussianProcessTuner.SourceAttribute];
                double loss = Losses[0][Array.FindIndex(candidates, c => c.ToString() == proposal.ToString())];
                tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = id, Parameter = proposal }, Loss = loss, Metric = -loss });
            }

            return sources;
        }

        double[] byDefault = Sources(null, byDefault: true);
        Assert.NotEqual(MetaGaussianProcessTuner.SourceEmpiricalHandoff, byDefault[2]);
        Assert.Equal(MetaGaussianProcessTuner.SourceEmpiricalHandoff, byDefault[3]);
        Assert.DoesNotContain(MetaGaussianProcessTuner.SourceEmpiricalHandoff, Sources(null, byDefault: false));
    }

    [Fact]
    public void Propose_BeforeTheHandoffOrWithoutCandidates_ThePriorDrives()
    {
        SearchSpace space = Square();
        PretrainedGpPrior prior = GpPriorPretraining.Pretrain(History(), Quick());
        Parameter[] candidates = [.. Points.Select(space.SampleFromFeatureSpace)];
        var late = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { Candidates = candidates, EmpiricalHandoffTrial = 2 });
        late.Propose(new TrialSettings { TrialId = 0 });
        Assert.Equal(MetaGaussianProcessTuner.SourcePriorMean, late.ProposalAttributes(0)[MetaGaussianProcessTuner.SourceAttribute]);

        var wholeSpace = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { EmpiricalHandoffTrial = 0 });
        wholeSpace.Propose(new TrialSettings { TrialId = 0 });
        Assert.Equal(MetaGaussianProcessTuner.SourcePriorMean, wholeSpace.ProposalAttributes(0)[MetaGaussianProcessTuner.SourceAttribute]);
    }

    [Fact]
    public void Validate_NegativeHandoff_SaysWhatMustHold()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTunerOptions { EmpiricalHandoffTrial = -1 }.Validate());
        Assert.Contains("EmpiricalHandoffTrial must be null (never) or in [0, 10000]", e.Message, StringComparison.Ordinal);
    }
}
