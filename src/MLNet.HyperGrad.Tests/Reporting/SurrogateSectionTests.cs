using System.Xml.Linq;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tests.AutoML;
using MLNet.HyperGrad.Tuners;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>The report's surrogate view of a Gaussian-process study, and its proposal section.</summary>
public sealed class SurrogateSectionTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-surrogate-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Runs a real study on Branin with the given tuner and builds its report data from the stored trials.</summary>
    private async Task<ReportData> BraninStudy(string name, Func<ExperimentContext, ITuner>? tuner, int trials)
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, name + ".db"));
        using var runner = new BraninRunner();
        HyperGradExperiment experiment = new HyperGradExperiment().AddSearchSpace("branin", BraninRunner.Space()).SetTrialRunner(runner).SetSeed(3).SetStudy(storage, name);
        experiment = tuner is null ? experiment.WithHyperGrad() : experiment.SetTuner(tuner);
        await experiment.SetMaxModelToExplore(trials).RunAsync();
        IReadOnlyList<TrialRecord> records = await storage.GetTrialsAsync((await storage.GetStudyAsync(name))!.Id);
        return new ReportData
        {
            MetricName = "branin",
            MetricHigherIsBetter = false,
            Trials = [.. records.Select(ReportTrial.FromRecord)],
            SearchSpace = experiment.SearchSpace,
        };
    }

    private static GaussianProcessTuner Gp(ExperimentContext context) =>
        new(context.SearchSpace, context.Seed, new GaussianProcessTunerOptions { Acquisition = AcquisitionKind.Hedge, StartupTrials = 5 });

    [Fact]
    public async Task Render_GaussianProcessStudy_HasASliceChartPerParameterAndTheAcquisitionChart()
    {
        ReportData data = await BraninStudy("gp", Gp, 14);

        string html = HtmlReport.Render(data);

        XDocument document = Parse(html);
        AssertFiniteGeometry(document);
        Assert.Contains("id=\"" + SurrogateSection.SectionId + "\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#" + SurrogateSection.SectionId + "\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"" + SurrogateSection.SliceChartIdPrefix + "0\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"" + SurrogateSection.SliceChartIdPrefix + "1\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"sg-band\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"" + ProposalSection.TimeChartId + "\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"" + ProposalSection.AcquisitionChartId + "\"", html, StringComparison.Ordinal);
        Assert.Contains(ProposalSection.SobolRow + ": 4 trials", html, StringComparison.Ordinal); // trials 1-4; trial 0 is the start point
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Render_RandomSearchStudy_HasNoSurrogateButItsProposalTimes()
    {
        ReportData data = await BraninStudy("random", null, 6);

        string html = HtmlReport.Render(data);

        Assert.DoesNotContain("id=\"" + SurrogateSection.SectionId + "\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"" + ProposalSection.AcquisitionChartId + "\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"" + ProposalSection.TimeChartId + "\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCreate_GaussianProcessStudy_MeanAtEachObservedTrialIsCloseToItsLoss()
    {
        ReportData data = await BraninStudy("mean", Gp, 14);
        var model = new ReportModel(data);

        Assert.True(SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem), problem);
        using (surrogate)
        {
            double[] losses = [.. surrogate!.Fitted.Select(f => f.Trial.Loss!.Value)];
            double spread = losses.Max() - losses.Min();
            (double[] mean, double[] sd) = surrogate.Predict([.. surrogate.Fitted.Select(f => f.X)]);

            Assert.Equal(14, surrogate.Fitted.Count);
            for (int i = 0; i < losses.Length; i++)
            {
                Assert.True(Math.Abs(mean[i] - losses[i]) <= 0.05 * spread, $"trial {surrogate.Fitted[i].Trial.Number}: mean {mean[i]}, loss {losses[i]}, spread {spread}");
                Assert.True(sd[i] <= 0.1 * spread, $"trial {surrogate.Fitted[i].Trial.Number}: sd {sd[i]} at an observed point");
            }

            // Far from every trial, the model is unsure: the band is wider there than at the observations.
            Assert.True(sd.Max() < surrogate.Predict([[0.999, 0.001]]).StandardDeviation[0] || surrogate.Fitted.Any(f => f.X[0] > 0.9 && f.X[1] < 0.1));
        }
    }

    [Fact]
    public async Task Slices_BraninStudy_SpanEachParameterInItsOwnUnitsAndPassThroughTheBestTrial()
    {
        ReportData data = await BraninStudy("slices", Gp, 12);
        var model = new ReportModel(data);
        Assert.True(SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem), problem);
        using (surrogate)
        {
            IReadOnlyList<SurrogateSection.Slice> slices = SurrogateSection.Slices(surrogate!, model.Best, out (ReportTrial Trial, double[] X) best, out List<string> skipped);

            Assert.Empty(skipped);
            Assert.Equal(["branin.x1", "branin.x2"], slices.Select(s => s.Dimension.KeyPath));
            Assert.Equal(-5, slices[0].X.Min(), 9);
            Assert.Equal(10, slices[0].X.Max(), 9);
            Assert.Equal(0, slices[1].X.Min(), 9);
            Assert.Equal(15, slices[1].X.Max(), 9);
            Assert.Equal(SurrogateSection.SlicePoints, slices[0].X.Length);
            Assert.Same(model.Best, best.Trial);
            Assert.Equal(best.Trial.Parameters["branin.x1"].Number!.Value, slices[0].BestX, 9);

            // The slice's mean at the best trial's own coordinate is the model's mean at the best trial.
            double atBest = surrogate!.Predict([best.X]).Mean[0];
            SurrogateSection.Slice x1 = slices[0];
            int nearest = Enumerable.Range(0, x1.X.Length).MinBy(i => Math.Abs(x1.X[i] - x1.BestX));
            double spread = surrogate.Fitted.Max(f => f.Trial.Loss!.Value) - surrogate.Fitted.Min(f => f.Trial.Loss!.Value);
            Assert.True(Math.Abs(x1.Mean[nearest] - atBest) <= 0.1 * spread, $"slice mean {x1.Mean[nearest]} at {x1.X[nearest]}, model at the best {atBest}");
        }
    }

    [Fact]
    public void Slices_MixedSpaceWithLogIntegerAndChoice_UseLogValuesIntegerLevelsAndChoiceNames()
    {
        var space = new SearchSpace
        {
            ["m"] = new SearchSpace
            {
                ["lr"] = new UniformDoubleOption(1e-4, 1, logBase: true),
                ["kind"] = new ChoiceOption("a", "b", "c"),
                ["layers"] = new UniformIntOption(1, 6),
            },
        };
        ReportData data = Synthetic(space, 14, p => Math.Pow(Math.Log10(p["m"]["lr"].AsType<double>()) + 2, 2) + (p["m"]["kind"].AsType<string>() == "b" ? 0 : 1) + (0.1 * p["m"]["layers"].AsType<int>()));
        var model = new ReportModel(data);

        Assert.True(SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem), problem);
        using (surrogate)
        {
            Dictionary<string, SurrogateSection.Slice> slices = SurrogateSection.Slices(surrogate!, model.Best, out _, out _).ToDictionary(s => s.Dimension.KeyPath);

            Assert.True(slices["m.kind"].Categorical);
            Assert.Equal(["a", "b", "c"], slices["m.kind"].Labels);
            Assert.False(slices["m.layers"].Categorical);
            Assert.Equal(slices["m.layers"].X.Distinct().Count(), slices["m.layers"].X.Length);
            Assert.All(slices["m.layers"].X, v => Assert.Equal(Math.Floor(v), v));
            Assert.Equal(1e-4, slices["m.lr"].X.Min(), 1e-9);
            Assert.Equal(1, slices["m.lr"].X.Max(), 1e-9);
        }

        string html = HtmlReport.Render(data);
        AssertFiniteGeometry(Parse(html));
        Assert.Contains(">log scale<", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ConditionalSpace_DrawsTheBestBranchAndNamesTheInactiveSlots()
    {
        var space = new SearchSpace
        {
            ["pipeline"] = new ConditionalSearchSpace(
            [
                new KeyValuePair<string, SearchSpace>("left", new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) }),
                new KeyValuePair<string, SearchSpace>("right", new SearchSpace { ["b"] = new UniformDoubleOption(-1, 1) }),
            ]),
        };
        ReportData data = Synthetic(space, 12, p =>
        {
            Parameter branch = p["pipeline"];
            return branch["trainer"].AsType<string>() == "left" ? Math.Pow(branch["left"]["a"].AsType<double>() - 0.3, 2) : 1 + branch["right"]["b"].AsType<double>();
        });
        var model = new ReportModel(data);

        Assert.True(SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem), problem);
        using (surrogate)
        {
            IReadOnlyList<SurrogateSection.Slice> slices = SurrogateSection.Slices(surrogate!, model.Best, out _, out List<string> skipped);
            Assert.Contains(slices, s => s.Dimension.Branches is not null && s.Labels.SequenceEqual(["left", "right"]));
            Assert.Contains(slices, s => s.Dimension.KeyPath.EndsWith(".a", StringComparison.Ordinal));
            Assert.Contains(skipped, s => s.Contains(".b (inactive at the best trial)", StringComparison.Ordinal));
        }

        AssertFiniteGeometry(Parse(HtmlReport.Render(data)));
    }

    [Fact]
    public void Render_TwoCompleteGaussianProcessTrials_SaysTheSurrogateNeedsThree()
    {
        ReportData data = Synthetic(BraninRunner.Space(), 2, p => p["x1"].AsType<double>());

        string html = HtmlReport.Render(data);

        Assert.Contains("id=\"" + SurrogateSection.SectionId + "\"", html, StringComparison.Ordinal);
        Assert.Contains("needs at least 3 complete trials with a finite loss; this study has 2.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OddGaussianProcessStudies_NeverThrowAndSayWhy()
    {
        ReportData typical = Synthetic(BraninRunner.Space(), 8, p => p["x1"].AsType<double>() * p["x2"].AsType<double>());
        ReportTrial[] withBadRows =
        [
            .. typical.Trials,
            Gp(new ReportTrial { Number = 100, Loss = 1, Metric = 1, ParametersJson = "{not json" }),
            Gp(new ReportTrial { Number = 101, Loss = 1, Metric = 1, ParametersJson = "{\"other\":1.0}" }),
            Gp(new ReportTrial { Number = 102, Loss = double.NaN, Metric = double.NaN, ParametersJson = typical.Trials[0].ParametersJson }),
            Gp(new ReportTrial { Number = 103, State = TrialState.Failed, Loss = double.MaxValue }),
        ];

        string noSpace = HtmlReport.Render(typical with { SearchSpace = null });
        string badRows = HtmlReport.Render(typical with { Trials = withBadRows });
        string flat = HtmlReport.Render(typical with { Trials = [.. typical.Trials.Select(t => t with { Loss = 2.5, Metric = 2.5 })] });

        Assert.Contains("was not given the search space", noSpace, StringComparison.Ordinal);
        Assert.Contains("2 complete trials did not map into the search space", badRows, StringComparison.Ordinal);
        Assert.Contains("id=\"" + SurrogateSection.SliceChartIdPrefix + "0\"", badRows, StringComparison.Ordinal);
        Assert.Contains("nothing for a surrogate to model", flat, StringComparison.Ordinal);
        foreach (string html in new[] { noSpace, badRows, flat })
        {
            AssertFiniteGeometry(Parse(html));
        }
    }

    [Fact]
    public void TryCreate_MoreThanMaxTrials_FitsTheLatestAndKeepsAnOlderBest()
    {
        ReportData data = Synthetic(BraninRunner.Space(), SurrogateModel.MaxTrials + 5, p => BraninRunner.Branin(p["x1"].AsType<double>(), p["x2"].AsType<double>()));
        ReportTrial[] trials = [.. data.Trials];
        trials[2] = trials[2] with { Loss = -1, Metric = -1 };
        var model = new ReportModel(data with { Trials = trials });

        Assert.True(SurrogateModel.TryCreate(model, out SurrogateModel? surrogate, out string? problem), problem);
        using (surrogate)
        {
            Assert.Equal(SurrogateModel.MaxTrials, surrogate!.Fitted.Count);
            Assert.Equal(5, surrogate.LeftOut);
            Assert.Equal(2, surrogate.Fitted[0].Trial.Number);
            Assert.Equal(Enumerable.Range(6, SurrogateModel.MaxTrials - 1), surrogate.Fitted.Skip(1).Select(f => f.Trial.Number));
        }
    }

    /// <summary>Complete trials at scrambled points of the space, with loss = metric = <paramref name="loss"/>, marked as Gaussian-process proposals (the first three as Sobol points).</summary>
    private static ReportData Synthetic(SearchSpace space, int count, Func<Parameter, double> loss)
    {
        var random = new Random(7);
        var trials = new List<ReportTrial>();
        for (int i = 0; i < count; i++)
        {
            Parameter parameter = space.SampleFromFeatureSpace([.. Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble())]);
            double value = loss(parameter);
            var trial = ReportTrial.FromTrialResult(new TrialResult
            {
                TrialSettings = new TrialSettings { TrialId = i, Parameter = parameter },
                Loss = value,
                Metric = value,
                Attributes = new Dictionary<string, double>
                {
                    [GaussianProcessTuner.SourceAttribute] = i < 3 ? GaussianProcessTuner.SourceSobol : GaussianProcessTuner.SourceModel,
                    [HyperGradExperiment.ProposalTimeAttribute] = i < 3 ? 0.2 : 20 + i,
                    [GaussianProcessTuner.AcquisitionAttribute] = i % 3,
                },
            });
            trials.Add(trial);
        }

        return new ReportData { MetricName = "loss", MetricHigherIsBetter = false, Trials = trials, SearchSpace = space };
    }

    private static ReportTrial Gp(ReportTrial trial) => trial with { Attributes = new Dictionary<string, double> { [GaussianProcessTuner.SourceAttribute] = GaussianProcessTuner.SourceModel } };
}
