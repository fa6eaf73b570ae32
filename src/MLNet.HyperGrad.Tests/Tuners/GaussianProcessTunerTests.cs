using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class GaussianProcessTunerTests(ITestOutputHelper output) : TunerContractTests
{
    /// <summary>The contract is about behaviour, not search quality: fewer candidates keep its 40-trial runs fast.</summary>
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new GaussianProcessTuner(space, seed, new GaussianProcessTunerOptions
    {
        Optimizer = new AcquisitionOptimizerOptions { CandidateCount = 256, RefinedCount = 2 },
    });

    [Fact]
    public void Propose_BraninIn30Trials_BeatsRandomSearchOnEverySeed()
    {
        for (int seed = 0; seed < 3; seed++)
        {
            double gp = Minimize(new GaussianProcessTuner(BraninSpace(), seed), 30);
            double random = Minimize(new RandomSearchTuner(BraninSpace(), seed), 30);
            output.WriteLine($"seed {seed}: GP regret {gp - 0.397887:G3}, random regret {random - 0.397887:G3}");
            Assert.True(gp < random, $"seed {seed}: GP {gp}, random {random}");
            Assert.True(gp - 0.397887 < 0.05, $"seed {seed}: GP regret {gp - 0.397887}");
        }
    }

    [Fact]
    public void Propose_PendingTrials_GetDistinctProposals()
    {
        SearchSpace space = BraninSpace();
        var tuner = new GaussianProcessTuner(space, 3, new GaussianProcessTunerOptions { StartupTrials = 5 });
        for (int id = 0; id < 5; id++)
        {
            Run(tuner, space, id);
        }

        // Four trials in flight at once: each proposal sees the others as pending (constant liar).
        Parameter[] inFlight = [.. Enumerable.Range(5, 4).Select(id => tuner.Propose(new TrialSettings { TrialId = id }))];
        double[][] x = [.. inFlight.Select(space.MappingToFeatureSpace)];
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double distance = Math.Sqrt(x[i].Zip(x[j], (a, b) => (a - b) * (a - b)).Sum());
                Assert.True(distance > 0.01, $"proposals {j} and {i} are {distance:G3} apart");
            }
        }
    }

    [Fact]
    public void Propose_Hedge_RecordsItsChoicesAndTimesEveryProposal()
    {
        SearchSpace space = BraninSpace();
        var tuner = new GaussianProcessTuner(space, 1, new GaussianProcessTunerOptions { Acquisition = AcquisitionKind.Hedge, StartupTrials = 4 });
        for (int id = 0; id < 12; id++)
        {
            Run(tuner, space, id);
        }

        Assert.Equal(12, tuner.ProposalDurations.Count);
        Assert.All(tuner.ProposalDurations, d => Assert.True(d >= TimeSpan.Zero));
        Assert.Equal(8, tuner.AcquisitionHistory.Count);
        Assert.All(tuner.AcquisitionHistory, n => Assert.Contains(n, new[] { "log-ei", "log-pi", "ucb" }));
        Assert.NotNull(tuner.Portfolio);
        Assert.Equal(8, tuner.Portfolio!.Choices.Count);
        Assert.Contains(tuner.Portfolio.Gains, g => g != 0);
        Assert.NotNull(tuner.Hyperparameters);
    }

    [Theory]
    [InlineData(AcquisitionKind.LogProbabilityOfImprovement, OutputWarping.Log)]
    [InlineData(AcquisitionKind.UpperConfidenceBound, OutputWarping.Quantile)]
    public void Propose_OtherAcquisitionsAndWarpings_ImproveOnTheSobolStart(AcquisitionKind acquisition, OutputWarping warping)
    {
        var tuner = new GaussianProcessTuner(BraninSpace(), 2, new GaussianProcessTunerOptions { Acquisition = acquisition, Warping = warping });
        SearchSpace space = BraninSpace();
        double startBest = double.PositiveInfinity;
        double best = double.PositiveInfinity;
        for (int id = 0; id < 25; id++)
        {
            double loss = Run(tuner, space, id);
            best = Math.Min(best, loss);
            startBest = id < 10 ? best : startBest;
        }

        Assert.True(best < startBest, $"best after the Sobol start {startBest}, after 25 trials {best}");
        Assert.All(tuner.AcquisitionHistory, n => Assert.Equal(acquisition == AcquisitionKind.UpperConfidenceBound ? "ucb" : "log-pi", n));
    }

    [Fact]
    public void Constructor_BadOptions_ReportsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new GaussianProcessTuner(BraninSpace(), 0, new GaussianProcessTunerOptions
        {
            StartupTrials = 0,
            Acquisition = (AcquisitionKind)42,
            Optimizer = new AcquisitionOptimizerOptions { CandidateCount = 0 },
        }));
        Assert.Contains("StartupTrials", e.Message, StringComparison.Ordinal);
        Assert.Contains("Acquisition 42", e.Message, StringComparison.Ordinal);
        Assert.Contains("CandidateCount", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_PrunedTrials_DoNotCountTowardsTheStartupTrials()
    {
        SearchSpace space = BraninSpace();
        var fedPruned = new GaussianProcessTuner(space, 5, new GaussianProcessTunerOptions { StartupTrials = 3 });
        var fresh = new GaussianProcessTuner(space, 5, new GaussianProcessTunerOptions { StartupTrials = 3 });
        for (int id = 0; id < 3; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = fedPruned.Propose(settings) };
            fresh.Propose(new TrialSettings { TrialId = id });
            double loss = Branin(settings.Parameter);
            fedPruned.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss, State = TrialState.Pruned });
        }

        // Three pruned trials are not three complete ones: trial 3 is still the Sobol point a fresh tuner proposes.
        Parameter afterPruned = fedPruned.Propose(new TrialSettings { TrialId = 3 });
        Parameter sobol = fresh.Propose(new TrialSettings { TrialId = 3 });
        Assert.Equal(space.MappingToFeatureSpace(sobol), space.MappingToFeatureSpace(afterPruned));
        Assert.Empty(fedPruned.AcquisitionHistory);
    }

    [Fact]
    public void Update_PrunedTrials_EnterTheModelAtTheirLoss()
    {
        // Two tuners see the same three complete trials; one also sees two pruned trials. Once the model
        // proposes, the pruned losses change the fit, so the proposals differ.
        SearchSpace space = BraninSpace();
        var options = new GaussianProcessTunerOptions { StartupTrials = 3 };
        var withPruned = new GaussianProcessTuner(space, 7, options);
        var completesOnly = new GaussianProcessTuner(space, 7, options);
        for (int id = 0; id < 3; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = withPruned.Propose(settings) };
            completesOnly.Propose(new TrialSettings { TrialId = id });
            double loss = Branin(settings.Parameter);
            withPruned.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
            completesOnly.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        foreach ((int id, double x1, double x2) in new[] { (10, 2.0, 5.0), (11, -3.0, 12.0) })
        {
            Parameter parameter = Parameter.CreateNestedParameter(("x1", Parameter.FromDouble(x1)), ("x2", Parameter.FromDouble(x2)));
            var settings = new TrialSettings { TrialId = id, Parameter = parameter };
            withPruned.Update(new TrialResult { TrialSettings = settings, Loss = 1.0, Metric = -1.0, State = TrialState.Pruned });
        }

        double[] a = space.MappingToFeatureSpace(withPruned.Propose(new TrialSettings { TrialId = 3 }));
        double[] b = space.MappingToFeatureSpace(completesOnly.Propose(new TrialSettings { TrialId = 3 }));
        Assert.Single(withPruned.AcquisitionHistory);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Propose_TrustRegion_ProposesInsideTheBoxAroundTheBestPoint_AndStillFindsABraninMinimum()
    {
        SearchSpace space = BraninSpace();
        var tuner = new GaussianProcessTuner(space, 2, new GaussianProcessTunerOptions { StartupTrials = 6, TrustRegion = new TrustRegionOptions { InitialLength = 0.3 } });
        double best = double.PositiveInfinity;
        double[]? bestX = null;
        for (int id = 0; id < 30; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            Parameter p = tuner.Propose(settings);
            double[] x = space.MappingToFeatureSpace(p);
            if (id >= 6)
            {
                (double[] lower, double[] upper) = tuner.LastTrustRegionBox!.Value;
                for (int j = 0; j < 2; j++)
                {
                    Assert.InRange(x[j], lower[j] - 1e-9, upper[j] + 1e-9);
                    Assert.InRange(bestX![j], lower[j] - 1e-9, upper[j] + 1e-9);
                }

                Assert.True((upper[0] - lower[0]) * (upper[1] - lower[1]) < 0.999, "the box is the whole cube");
            }

            double loss = Branin(p);
            if (loss < best)
            {
                best = loss;
                bestX = x;
            }

            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = loss, Metric = -loss });
        }

        output.WriteLine($"trust region: regret {best - 0.397887:G3}, length {tuner.TrustRegion!.Length}, restarts {tuner.TrustRegion.Restarts}");
        Assert.True(best - 0.397887 < 0.05, $"regret {best - 0.397887}");
    }

    [Fact]
    public void Propose_MixedSpaceAfterStartup_ProposesCanonicalPointsAndLearns()
    {
        // Loss depends on an integer, a choice and a continuous slot; the GP must stay on the encoded grid.
        SearchSpace space = MixedSpace();
        var tuner = new GaussianProcessTuner(space, 4);
        double best = double.PositiveInfinity;
        double startBest = double.PositiveInfinity;
        for (int id = 0; id < 24; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            Parameter p = tuner.Propose(settings);
            double[] f = space.MappingToFeatureSpace(p);
            Assert.Equal(f, space.MappingToFeatureSpace(space.SampleFromFeatureSpace(f)));
            double loss = Math.Abs(p["model"]["depth"].AsType<int>() - 2) + (p["model"]["batch"].AsType<int>() == 64 ? 0 : 1) + Math.Abs(Math.Log10(p["model"]["learning_rate"].AsType<double>()) + 2);
            best = Math.Min(best, loss);
            startBest = id < 10 ? best : startBest;
            tuner.Update(new TrialResult { TrialSettings = settings with { Parameter = p }, Loss = loss, Metric = -loss });
        }

        Assert.True(best < startBest, $"best after the Sobol start {startBest}, after 24 trials {best}");
        Assert.True(best < 0.3, $"best {best}");
    }

    [Fact]
    public async Task WithHyperGrad_GaussianProcessOverAChoiceOfTrainers_FindsTheBestTrainerAndSetting()
    {
        using var runner = new MLNet.HyperGrad.Tests.AutoML.TrainerChoiceRunner();
        TrialResult best = await new HyperGradExperiment()
            .AddSearchSpace("pipeline", MLNet.HyperGrad.Tests.AutoML.TrainerChoiceRunner.Space())
            .SetTrialRunner(runner)
            .SetSeed(3)
            .WithHyperGrad(o => o.Tuner = TunerKind.GaussianProcess)
            .SetMaxModelToExplore(14)
            .RunAsync();

        Assert.Equal(14, runner.Ran.Count);
        Assert.Equal(1.0 / 3, best.Loss, 12);
        Assert.Equal("lightgbm", best.TrialSettings.Parameter["pipeline"]["trainer"].AsType<string>());
    }

    private static SearchSpace BraninSpace() => new()
    {
        ["x1"] = new UniformDoubleOption(-5, 10),
        ["x2"] = new UniformDoubleOption(0, 15),
    };

    private static double Branin(Parameter p)
    {
        double x1 = p["x1"].AsType<double>();
        double x2 = p["x2"].AsType<double>();
        double t = x2 - (5.1 / (4 * Math.PI * Math.PI) * x1 * x1) + (5 / Math.PI * x1) - 6;
        return (t * t) + (10 * (1 - (1 / (8 * Math.PI))) * Math.Cos(x1)) + 10;
    }

    private static double Run(ITuner tuner, SearchSpace space, int id)
    {
        var settings = new TrialSettings { TrialId = id };
        settings = settings with { Parameter = tuner.Propose(settings) };
        double loss = Branin(settings.Parameter);
        tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        return loss;
    }

    private static double Minimize(ITuner tuner, int trials)
    {
        SearchSpace space = BraninSpace();
        double best = double.PositiveInfinity;
        for (int id = 0; id < trials; id++)
        {
            best = Math.Min(best, Run(tuner, space, id));
        }

        return best;
    }
}
