using System.Globalization;
using System.Xml.Linq;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>trials.csv and report.html of a study over a choice of trainer: each trial has the selector and only its own trainer's keys.</summary>
public sealed class ConditionalReportTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-conditional-report-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Runs a 24-trial study over three trainers (trial 5 fails) and writes its outputs.</summary>
    private async Task<(IReadOnlyList<TrialRecord> Trials, string Csv, string Html)> RunStudy()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(directory, "study.db"));
        using var runner = new MixedTrainerRunner { FailOn = [5] };
        await new HyperGradExperiment()
            .AddSearchSpace("pipeline", MixedTrainerRunner.Space())
            .SetTrialRunner(runner)
            .SetSeed(2)
            .WithHyperGrad()
            .SetStudy(storage, "mixed")
            .SetMaxModelToExplore(24)
            .RunAsync();
        StudyRecord study = (await storage.GetStudyAsync("mixed"))!;
        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id);
        var space = new SearchSpace { ["pipeline"] = MixedTrainerRunner.Space() };
        string output = Path.Combine(directory, "out");
        Directory.CreateDirectory(output);
        StudyOutputs.Write(output, study, trials, space, new StudyOutputOptions { Task = TaskKind.Classification, Tuner = "random" });
        return (trials, File.ReadAllText(Path.Combine(output, StudyOutputs.TrialsFileName)), File.ReadAllText(Path.Combine(output, StudyOutputs.ReportFileName)));
    }

    private static string Trainer(TrialRecord trial) => Parameter.FromJson(trial.ParametersJson)["pipeline"]["trainer"].AsType<string>();

    [Fact]
    public async Task TrialsCsv_MixedTrainers_SelectorColumnFirstAndOnlyTheChosenTrainersCellsFilled()
    {
        (IReadOnlyList<TrialRecord> trials, string csv, _) = await RunStudy();
        Assert.Equal(["lightgbm", "mlp", "sdca"], trials.Select(Trainer).Distinct().Order(StringComparer.Ordinal));

        string[][] rows = [.. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(','))];
        string[] header = rows[0];
        Assert.Equal(["number", "state", "loss", "metric", "duration_ms", "started_at_utc", "pipeline.trainer"], header[..7]);
        // The attribute columns come last, before the error: only the proposal time (the start points have none).
        Assert.Equal(["attr:" + HyperGradExperiment.ProposalTimeAttribute], header.Where(h => h.StartsWith("attr:", StringComparison.Ordinal)));
        Assert.Equal(3 + 7, header.Length - 9);
        Assert.Equal(25, rows.Length);
        foreach (string[] row in rows.Skip(1))
        {
            string trainer = row[6];
            for (int c = 7; c < header.Length - 2; c++)
            {
                bool own = header[c].StartsWith($"pipeline.{trainer}.", StringComparison.Ordinal);
                Assert.True(own == (row[c].Length > 0), $"trial {row[0]} ({trainer}): column {header[c]} holds \"{row[c]}\"");
            }
        }

        string[] failed = rows.Single(r => r[0] == "5");
        Assert.Equal("failed", failed[1]);
        Assert.EndsWith("trial 5 failed on purpose", failed[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_MixedTrainers_SlicePlotsShowOnlyTheTrialsWhereTheParameterIsActive()
    {
        (IReadOnlyList<TrialRecord> trials, _, string html) = await RunStudy();
        XDocument document = Parse(html);
        AssertFiniteGeometry(document);

        int[] lightgbm = [.. trials.Where(t => t.State == TrialState.Complete && Trainer(t) == "lightgbm").Select(t => t.Number).Order()];
        Assert.NotEmpty(lightgbm);
        XElement leaves = Elements(document, "svg").Single(e => (string?)e.Attribute("aria-label") == "Slice plot of accuracy against pipeline.lightgbm.num_leaves");
        Assert.Equal(lightgbm, Elements(leaves, "circle", "slice-point").Select(e => int.Parse((string)e.Attribute("data-trial")!, CultureInfo.InvariantCulture)).Order());

        int[] complete = [.. trials.Where(t => t.State == TrialState.Complete).Select(t => t.Number).Order()];
        XElement trainer = Elements(document, "svg").Single(e => (string?)e.Attribute("aria-label") == "Slice plot of accuracy against pipeline.trainer");
        Assert.Equal(complete, Elements(trainer, "circle", "slice-point").Select(e => int.Parse((string)e.Attribute("data-trial")!, CultureInfo.InvariantCulture)).Order());

        // Parallel coordinates: the trainer is the first axis; every complete trial has a line.
        XElement parallel = ById(document, "parallel-coordinates");
        Assert.Equal("pipeline.trainer", Elements(parallel, "text", "pc-title").First().Value);
        Assert.Equal(complete, Elements(parallel, "path", "pc-line").Select(e => int.Parse((string)e.Attribute("data-trial")!, CultureInfo.InvariantCulture)).Order());

        // A trial's line joins only its own axes: the trainer, its trainer's parameters and the metric (5 points for LightGBM, 2 for SDCA).
        XElement first = Elements(parallel, "path", "pc-line").First(e => (string)e.Attribute("data-trial")! == lightgbm[0].ToString(CultureInfo.InvariantCulture));
        Assert.Equal((1, 4), (first.Attribute("d")!.Value.Count(c => c == 'M'), first.Attribute("d")!.Value.Count(c => c == 'L')));
        int sdca = trials.First(t => t.State == TrialState.Complete && Trainer(t) == "sdca").Number;
        XElement sdcaLine = Elements(parallel, "path", "pc-line").Single(e => (string)e.Attribute("data-trial")! == sdca.ToString(CultureInfo.InvariantCulture));
        Assert.Equal((1, 1), (sdcaLine.Attribute("d")!.Value.Count(c => c == 'M'), sdcaLine.Attribute("d")!.Value.Count(c => c == 'L')));

        // The all-trials table lists the trainer first among the parameters.
        XElement table = ById(document, "all-trials");
        string[] headers = [.. Elements(table, "th").Select(e => e.Value)];
        Assert.Equal("pipeline.trainer", headers.First(h => h.StartsWith("pipeline.", StringComparison.Ordinal)));
    }

    [Fact]
    public void FindSelectors_ConditionalAndPlainParameters_FindsOnlyTheSelectors()
    {
        Assert.Equal(["pipeline.trainer"], ReportTrial.FindSelectors(Parameter.FromJson("""{"pipeline":{"trainer":"sdca","sdca":{}},"seed":{"a":"b"}}""")));
        Assert.Equal(
            ["pipeline.mlp.opt.optimizer", "pipeline.trainer"],
            ReportTrial.FindSelectors(Parameter.FromJson("""{"pipeline":{"mlp":{"opt":{"optimizer":"adam","adam":{"beta1":0.9}}},"trainer":"mlp"}}""")));
        Assert.Empty(ReportTrial.FindSelectors(Parameter.FromJson("""{"mlp":{"activation":"relu","relu":1}}""")));
    }

    [Fact]
    public void Describe_ConditionalParameter_TrainerFirstAndBranchNameDropped()
    {
        var space = new SearchSpace { ["pipeline"] = MixedTrainerRunner.Space() };
        Parameter p = Parameter.FromJson("""{"pipeline":{"lightgbm":{"learning_rate":0.123456,"num_leaves":31,"use_bagging":true},"trainer":"lightgbm"}}""");
        Assert.Equal("trainer lightgbm, learning_rate 0.123, num_leaves 31, use_bagging true", HyperparameterText.Describe(space, p));
        Assert.Equal("trainer sdca", HyperparameterText.Describe(space, Parameter.FromJson("""{"pipeline":{"sdca":{},"trainer":"sdca"}}""")));
    }
}
