using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Tuners;
using MLNet.HyperGrad.Transfer;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class MetaGaussianProcessTunerTests(ITestOutputHelper output) : TunerContractTests
{
    /// <summary>A prior of the space's dimension pre-trained briefly on three sphere-like tasks: the contract is about behaviour.</summary>
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new MetaGaussianProcessTuner(space, QuickPrior(space.FeatureSpaceDim), seed, new MetaGaussianProcessTunerOptions
    {
        Optimizer = new AcquisitionOptimizerOptions { CandidateCount = 128, RefinedCount = 1 },
    });

    /// <inheritdoc />
    /// <remarks>The meta tuner has no startup design (the prior proposes from the first trial), so the model is in use after any warm-up.</remarks>
    protected override int Warmup => 6;

    [Fact]
    public void Propose_CandidateMode_NeverRepeatsThenIsExhausted()
    {
        SearchSpace space = SquareSpace();
        Parameter[] candidates = [.. SyntheticTasks.Points(12, 5).Select(space.SampleFromFeatureSpace)];
        var tuner = new MetaGaussianProcessTuner(space, FamilyPrior(), 1, new MetaGaussianProcessTunerOptions { Candidates = candidates });
        var proposed = new HashSet<string>(StringComparer.Ordinal);
        for (int id = 0; id < candidates.Length; id++)
        {
            Assert.False(tuner.IsExhausted);
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            Assert.Contains(settings.Parameter, candidates);
            Assert.True(proposed.Add(settings.Parameter.ToString()), $"trial {id} repeated {settings.Parameter}");
            double loss = SyntheticTasks.Shape(space.MappingToFeatureSpace(settings.Parameter));
            tuner.Update(id % 4 == 3 ? TrialResult.Failed(settings, new InvalidOperationException("boom"), 1) : new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        Assert.True(tuner.IsExhausted);
        Assert.Throws<InvalidOperationException>(() => tuner.Propose(new TrialSettings { TrialId = 99 }));
    }

    [Fact]
    public void Propose_CandidateModeFirstTrial_IsTheMinimizerOfThePriorMean()
    {
        SearchSpace space = SquareSpace();
        double[][] points = SyntheticTasks.Points(30, 6);
        PretrainedGpPrior prior = FamilyPrior();
        var tuner = new MetaGaussianProcessTuner(space, prior, 0, new MetaGaussianProcessTunerOptions { Candidates = [.. points.Select(space.SampleFromFeatureSpace)] });
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });
        double[] mean = prior.Mean(points);
        int argmin = Array.IndexOf(mean, mean.Min());
        Assert.Equal(space.SampleFromFeatureSpace(points[argmin]), first);
        Assert.Equal(MetaGaussianProcessTuner.SourcePriorMean, tuner.ProposalAttributes(0)[MetaGaussianProcessTuner.SourceAttribute]);
    }

    [Fact]
    public void Propose_HeldOutTaskOfTheFamily_FindsANearBestCandidateFasterThanRandomOrder()
    {
        // Pre-trained on shifted/scaled copies, the tuner should reach the held-out task's best 5 % within 5 trials.
        SearchSpace space = SquareSpace();
        double[][] points = SyntheticTasks.Points(200, 8);
        TransferTask heldOut = SyntheticTasks.Task(6, points);
        double[] sorted = [.. heldOut.Losses.Order()];
        double threshold = sorted[9];
        var tuner = new MetaGaussianProcessTuner(space, FamilyPrior(), 0, new MetaGaussianProcessTunerOptions { Candidates = [.. points.Select(space.SampleFromFeatureSpace)] });
        double best = double.PositiveInfinity;
        for (int id = 0; id < 5; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            int index = Array.FindIndex(points, p => space.SampleFromFeatureSpace(p).Equals(settings.Parameter));
            best = Math.Min(best, heldOut.Losses[index]);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = heldOut.Losses[index], Metric = -heldOut.Losses[index] });
        }

        output.WriteLine($"best after 5: {best:F4}; 10th best of 200: {threshold:F4}; best {sorted[0]:F4}");
        Assert.True(best <= threshold, $"best after 5 trials {best}, 10th best of 200 {threshold}");
    }

    [Fact]
    public void Constructor_PriorOfAnotherDimensionOrBadOptions_Throws()
    {
        PretrainedGpPrior prior = FamilyPrior();
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        var e = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTuner(space, prior));
        Assert.Equal("prior", e.ParamName);
        Assert.Contains("2 dimensions; the search space has 1", e.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTuner(SquareSpace(), prior, 0, new MetaGaussianProcessTunerOptions { Acquisition = AcquisitionKind.Hedge, Candidates = [] }));
        Assert.Contains("Acquisition must be", bad.Message, StringComparison.Ordinal);
        Assert.Contains("Candidates must hold at least one", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Propose_StartupTrials_AreTheSobolPointsSnappedToCandidatesThenThePriorTakesOver()
    {
        SearchSpace space = SquareSpace();
        double[][] points = SyntheticTasks.Points(40, 9);
        Parameter[] candidates = [.. points.Select(space.SampleFromFeatureSpace)];
        const int seed = 3;
        var tuner = new MetaGaussianProcessTuner(space, FamilyPrior(), seed, new MetaGaussianProcessTunerOptions { Candidates = candidates, StartupTrials = 3 });
        var taken = new bool[points.Length];
        for (int id = 0; id < 5; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            double source = tuner.ProposalAttributes(id)[MetaGaussianProcessTuner.SourceAttribute];
            int index = Array.FindIndex(candidates, c => c.Equals(settings.Parameter));
            Assert.True(index >= 0, $"trial {id} proposed {settings.Parameter}, not a candidate");
            if (id < 3)
            {
                // The untried candidate nearest to Sobol point id (the sequence the Gaussian-process tuner starts with).
                double[] sobol = new SobolSequence(2, seed).Point(id);
                int nearest = Enumerable.Range(0, points.Length).Where(i => !taken[i]).MinBy(i => Math.Pow(points[i][0] - sobol[0], 2) + Math.Pow(points[i][1] - sobol[1], 2));
                Assert.Equal(nearest, index);
                Assert.Equal(MetaGaussianProcessTuner.SourceStartup, source);
            }
            else
            {
                Assert.Equal(MetaGaussianProcessTuner.SourceModel, source);
            }

            taken[index] = true;
            double loss = SyntheticTasks.Shape(points[index]);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }
    }

    [Fact]
    public void Propose_StartupTrials_CountOnlyTrialsWithAFiniteLoss()
    {
        // Failed trials do not end the space-filling start: the prior takes over after 2 finite losses, here at trial 3.
        SearchSpace space = SquareSpace();
        var tuner = new MetaGaussianProcessTuner(space, FamilyPrior(), 0, new MetaGaussianProcessTunerOptions { StartupTrials = 2, Optimizer = new AcquisitionOptimizerOptions { CandidateCount = 128, RefinedCount = 1 } });
        double[] sources = new double[4];
        for (int id = 0; id < 4; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            sources[id] = tuner.ProposalAttributes(id)[MetaGaussianProcessTuner.SourceAttribute];
            double[] x = space.MappingToFeatureSpace(settings.Parameter);
            if (id < 3)
            {
                double[] sobol = new SobolSequence(2, 0).Point(id);
                Assert.Equal(sobol[0], x[0], 12);
                Assert.Equal(sobol[1], x[1], 12);
            }

            double loss = SyntheticTasks.Shape(x);
            tuner.Update(id == 1 ? TrialResult.Failed(settings, new InvalidOperationException("boom"), 1) : new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        Assert.Equal([MetaGaussianProcessTuner.SourceStartup, MetaGaussianProcessTuner.SourceStartup, MetaGaussianProcessTuner.SourceStartup, MetaGaussianProcessTuner.SourceModel], sources);
        var bad = Assert.Throws<ArgumentException>(() => new MetaGaussianProcessTuner(space, FamilyPrior(), 0, new MetaGaussianProcessTunerOptions { StartupTrials = -1 }));
        Assert.Contains("StartupTrials must be in [0, 10000], got -1.", bad.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AcquisitionKind.LogProbabilityOfImprovement)]
    [InlineData(AcquisitionKind.UpperConfidenceBound)]
    public void Propose_OtherAcquisitions_StayInsideTheSpaceAndRefitTheOutputMap(AcquisitionKind acquisition)
    {
        SearchSpace space = SquareSpace();
        var tuner = new MetaGaussianProcessTuner(space, FamilyPrior(), 2, new MetaGaussianProcessTunerOptions { Acquisition = acquisition, Optimizer = new AcquisitionOptimizerOptions { CandidateCount = 256, RefinedCount = 2 } });
        for (int id = 0; id < 6; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            double[] x = space.MappingToFeatureSpace(settings.Parameter);
            Assert.All(x, v => Assert.InRange(v, 0.0, 1.0));
            double loss = 10 + (3 * SyntheticTasks.Shape(x));
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        Assert.NotNull(tuner.LastOutputMap);
        Assert.True(tuner.LastOutputMap!.Value.Scale > 0);
    }

    private static SearchSpace SquareSpace() => new() { ["x0"] = new UniformDoubleOption(0, 1), ["x1"] = new UniformDoubleOption(0, 1) };

    private static PretrainedGpPrior FamilyPrior() => SyntheticTasks.FamilyPrior;

    private static PretrainedGpPrior QuickPrior(int d)
    {
        var random = new Random(d);
        var tasks = new List<TransferTask>();
        for (int t = 0; t < 3; t++)
        {
            double[][] x = [.. Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray())];
            tasks.Add(new TransferTask("q" + t, x, [.. x.Select(r => r.Sum(v => (v - 0.3) * (v - 0.3)) + t)]));
        }

        return GpPriorPretraining.Pretrain(tasks, new GpPriorPretrainingOptions { Steps = 10, HiddenWidth = 4 });
    }
}
