using System.Globalization;
using System.Xml.Linq;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using static MLNet.HyperGrad.Tests.Reporting.ReportFixtures;

namespace MLNet.HyperGrad.Tests.Reporting;

/// <summary>
/// The report's hypergradient section, on the trials a gradient-tuned run writes: each outer step a trial whose
/// parameter is <see cref="HyperparameterSet.ToParameter"/> of an MLP 784-50-10's hyperparameters (a learning rate
/// and a momentum per inner step, an L2 coefficient and an init scale per layer, a per-weight L2 of a 4x3 weight).
/// </summary>
public sealed class HypergradientSectionTests
{
    private const int InnerSteps = 20;

    private static readonly string[] Keys = ["init_scale", "l2", "l2.w0", "learning_rate", "momentum"];

    /// <summary>The hyperparameters at outer step <paramref name="step"/>: what the outer optimizer moved them to.</summary>
    private static HyperparameterSet Hyperparameters(int step)
    {
        double[] learningRate = [.. Enumerable.Range(0, InnerSteps).Select(t => 0.1 * Math.Exp(-0.05 * t) * (1 + (0.3 * step)))];
        double[] momentum = [.. Enumerable.Range(0, InnerSteps).Select(t => 0.9 - (0.01 * step) + (0.002 * t))];
        double[] perWeight = [.. Enumerable.Range(0, 12).Select(i => 1e-5 * Math.Pow(10, (i % 4) * 0.5) * (1 + step))];
        return new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, InnerSteps), learningRate)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, InnerSteps), momentum)
            .Add(new Hyperparameter("l2", HyperparameterTransform.Log, 2), [1e-4 * Math.Pow(3, step), 1e-3 / Math.Pow(2, step)])
            .Add(new Hyperparameter("init_scale", HyperparameterTransform.Log, 2), [0.5, 1.0 + (0.1 * step)])
            .Add(new Hyperparameter("l2.w0", HyperparameterTransform.Log, 4, 3), perWeight);
    }

    /// <summary>Outer steps as the experiment stores them (parameters as JSON), with validation losses and optionally test losses.</summary>
    private static ReportTrial[] OuterSteps(double[] validation, double[]? test)
    {
        var trials = new ReportTrial[validation.Length];
        for (int step = 0; step < validation.Length; step++)
        {
            var record = new TrialRecord
            {
                StudyId = 1,
                Number = step,
                State = TrialState.Complete,
                ParametersJson = Hyperparameters(step).ToParameter().ToString(),
                Loss = validation[step],
                Metric = 1 - validation[step],
                DurationMilliseconds = 2000,
                StartedAtUtc = Start.AddMinutes(step),
                EndedAtUtc = Start.AddMinutes(step + 1),
                Attributes = test is null ? new Dictionary<string, double>() : new Dictionary<string, double> { ["test_loss"] = test[step] },
            };
            trials[step] = ReportTrial.FromRecord(record);
        }

        return trials;
    }

    private static ReportData GradientStudy(ReportTrial[] trials) => new()
    {
        Title = "MLP 784-50-10, reverse mode",
        MetricName = "validation accuracy",
        Trials = trials,
        Tuner = "hypergrad",
    };

    private static IEnumerable<XElement> ChartsWithIdPrefix(XContainer root, string prefix)
        => Elements(root, "svg").Where(e => ((string?)e.Attribute("id") ?? string.Empty).StartsWith(prefix, StringComparison.Ordinal));

    private static string ChartTitle(XElement svg) => Elements(svg, "text", "chart-title").Single().Value;

    private static string[] LegendLabels(XElement svg) => [.. Elements(svg, "text", "legend-label").Select(e => e.Value)];

    [Fact]
    public void FromRecord_GradientTunedTrial_KeepsEveryArrayWholeWhileParametersSummarizeLongOnes()
    {
        ReportTrial trial = OuterSteps([0.6], null)[0];

        Assert.Equal(Keys, trial.Arrays.Keys);
        Assert.Equal(Hyperparameters(0).Values("learning_rate"), trial.Arrays["learning_rate"], new ToleranceComparer(1e-15));
        Assert.Equal(12, trial.Arrays["l2.w0"].Count);
        Assert.True(trial.Parameters.ContainsKey("learning_rate[mean]"));
        Assert.False(trial.Parameters.ContainsKey("learning_rate[0]"));
        Assert.Equal(trial.Arrays["l2"][1], trial.Parameters["l2[1]"].Number);
    }

    [Fact]
    public void CollectArrays_NestedAndMixedTree_KeepsOnlyNonEmptyNumberArraysByDottedPath()
    {
        Parameter parameter = Parameter.FromJson("""{"mlp":{"l2":[0.001,0.01],"activation":"relu","empty":[]},"names":["a","b"],"rate":0.1,"lr":[1,2,3]}""");

        IReadOnlyDictionary<string, IReadOnlyList<double>> arrays = ReportTrial.CollectArrays(parameter);

        Assert.Equal(["lr", "mlp.l2"], arrays.Keys);
        Assert.Equal([0.001, 0.01], arrays["mlp.l2"]);
        Assert.Equal([1.0, 2.0, 3.0], arrays["lr"]);
    }

    [Fact]
    public void Render_ThreeOuterStepsWithTestLoss_SectionHasLossScheduleAndOneTrajectoryChartPerHyperparameter()
    {
        string html = HtmlReport.Render(GradientStudy(OuterSteps([0.62, 0.55, 0.51], [0.64, 0.58, 0.56])));

        XDocument document = Parse(html);
        foreach (string fragment in SvgFragments(html))
        {
            Assert.Equal("svg", XDocument.Parse(fragment).Root!.Name.LocalName);
        }

        AssertFiniteGeometry(document);
        XElement section = ById(document, "hypergradients");
        Assert.Contains(Elements(document, "a"), a => (string?)a.Attribute("href") == "#hypergradients");

        XElement losses = ById(section, "hg-losses");
        Assert.Equal(["validation loss", "test loss", "lowest validation loss"], LegendLabels(losses));
        Assert.Equal([0, 1, 2], Elements(losses, "circle", "hg-validation-point").Select(c => int.Parse((string)c.Attribute("data-trial")!, CultureInfo.InvariantCulture)));
        Assert.Equal(3, Elements(losses, "circle", "hg-test-point").Count());
        Assert.Equal(3, Points(Elements(losses, "polyline", "hg-test").Single()).Length);
        Assert.Contains("test loss: 0.56", Elements(losses, "circle", "hg-test-point").Last().Value, StringComparison.Ordinal);

        XElement[] schedules = [.. ChartsWithIdPrefix(section, "hg-schedule-")];
        Assert.Equal(["learning_rate", "momentum"], schedules.Select(ChartTitle));
        foreach (XElement schedule in schedules)
        {
            // First, middle and last of three outer steps; the last is also the best.
            Assert.Equal(["trial 0 (first)", "trial 1 (middle)", "trial 2 (last, best)"], LegendLabels(schedule));
            XElement[] lines = [.. Elements(schedule, "polyline", "hg-schedule")];
            Assert.Equal(3, lines.Length);
            Assert.All(lines, line => Assert.Equal(InnerSteps, Points(line).Length));
        }

        XElement[] trajectories = [.. ChartsWithIdPrefix(section, "hg-trajectory-")];
        Assert.Equal(["init_scale (2 values)", "l2 (2 values)", "l2.w0 (12 values)", "learning_rate (20 values)", "momentum (20 values)"], trajectories.Select(ChartTitle));
        XElement l2 = trajectories[1];
        Assert.Equal(["layer 0", "layer 1"], LegendLabels(l2));
        Assert.Equal(2, Elements(l2, "polyline", "hg-trajectory").Count());
        Assert.Empty(Elements(l2, "path", "hg-band"));
        XElement perWeight = trajectories[2];
        Assert.Equal(["mean", "smallest to largest element"], LegendLabels(perWeight));
        Assert.Single(Elements(perWeight, "path", "hg-band"));
        Assert.Equal(3, Points(Elements(perWeight, "polyline", "hg-trajectory").Single()).Length);
    }

    [Fact]
    public void Render_PerLayerL2SpanningDecades_IsDrawnOnALogAxisAndMomentumOnALinearOne()
    {
        XElement section = ById(Parse(HtmlReport.Render(GradientStudy(OuterSteps([0.6, 0.5, 0.45, 0.44, 0.47], null)))), "hypergradients");
        XElement[] trajectories = [.. ChartsWithIdPrefix(section, "hg-trajectory-")];

        // l2 runs from 1e-4 * 3^4 = 8.1e-3 down to 1e-3 / 16 = 6.25e-5: more than two decades.
        Assert.Equal("value (log scale)", Elements(trajectories[1], "text", "axis-label").Last().Value);
        Assert.Equal("value", Elements(trajectories[4], "text", "axis-label").Last().Value);
        Assert.True(HypergradientSection.ValueScale([1e-4, 1e-2]).IsLog);
        Assert.False(HypergradientSection.ValueScale([0.5, 0.9]).IsLog);
        Assert.False(HypergradientSection.ValueScale([-1, 100]).IsLog);
        Assert.False(HypergradientSection.ValueScale([double.NaN]).IsLog);
    }

    [Fact]
    public void Render_BestOuterStepInTheMiddleOfFive_SchedulesShowFirstMiddleBestAndLast()
    {
        XElement section = ById(Parse(HtmlReport.Render(GradientStudy(OuterSteps([0.6, 0.5, 0.45, 0.44, 0.47], null)))), "hypergradients");

        Assert.Contains("at outer steps 0 (first), 2 (middle), 3 (best) and 4 (last).", section.Value, StringComparison.Ordinal);
        XElement learningRate = ChartsWithIdPrefix(section, "hg-schedule-").First();
        Assert.Equal(["trial 0 (first)", "trial 2 (middle)", "trial 3 (best)", "trial 4 (last)"], LegendLabels(learningRate));
        Assert.Equal(4, Elements(learningRate, "polyline", "hg-schedule").Count());
    }

    [Fact]
    public void Render_ScalarHyperparameterTunedByGradient_IsOneUnlabelledLineAndNoSchedule()
    {
        ReportTrial[] steps = [.. Enumerable.Range(0, 3).Select(step => ReportTrial.FromRecord(new TrialRecord
        {
            StudyId = 1,
            Number = step,
            State = TrialState.Complete,
            ParametersJson = new HyperparameterSet()
                .Add(new Hyperparameter("weight_decay", HyperparameterTransform.Log), 1e-4 * (step + 1))
                .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.1)
                .ToParameter().ToString(),
            Loss = 0.5 - (0.01 * step),
            StartedAtUtc = Start,
        }))];

        XDocument document = Parse(HtmlReport.Render(GradientStudy(steps)));

        XElement section = ById(document, "hypergradients");
        Assert.Empty(ChartsWithIdPrefix(section, "hg-schedule-"));
        Assert.DoesNotContain("Learned schedules", section.Value, StringComparison.Ordinal);
        XElement[] trajectories = [.. ChartsWithIdPrefix(section, "hg-trajectory-")];
        Assert.Equal(["learning_rate", "weight_decay"], trajectories.Select(ChartTitle));
        Assert.Empty(LegendLabels(trajectories[1]));
        Assert.Equal(3, Points(Elements(trajectories[1], "polyline", "hg-trajectory").Single()).Length);
    }

    [Fact]
    public void Render_GradientStudyWithoutTestLoss_LossChartHasOnlyTheValidationSeries()
    {
        XElement losses = ById(Parse(HtmlReport.Render(GradientStudy(OuterSteps([0.62, 0.55, 0.51], null)))), "hg-losses");

        Assert.Equal(["validation loss", "lowest validation loss"], LegendLabels(losses));
        Assert.Empty(Elements(losses, "circle", "hg-test-point"));
        Assert.Equal(3, Elements(losses, "circle", "hg-validation-point").Count());
    }

    [Fact]
    public void Render_OrdinaryStudy_HasNoHypergradientSection()
    {
        string html = HtmlReport.Render(TypicalStudy());

        XDocument document = Parse(html);
        Assert.DoesNotContain(document.Descendants(), e => (string?)e.Attribute("id") == "hypergradients");
        Assert.DoesNotContain("#hypergradients", html, StringComparison.Ordinal);
        Assert.Empty(ChartsWithIdPrefix(document, "hg-"));
        Assert.Empty(Elements(document, "polyline", "hg-line"));
    }

    [Fact]
    public void Render_FailedAndNonFiniteOuterSteps_AreLeftOutAndLinesBreakWithoutBadGeometry()
    {
        ReportTrial[] steps = OuterSteps([0.62, double.NaN, 0.51, 0.5], [0.64, 0.6, double.PositiveInfinity, 0.55]);
        steps[3] = steps[3] with { State = TrialState.Failed, Error = "diverged" };

        XDocument document = Parse(HtmlReport.Render(GradientStudy(steps)));

        AssertFiniteGeometry(document);
        XElement losses = ById(document, "hg-losses");
        Assert.Equal([0, 2], Elements(losses, "circle", "hg-validation-point").Select(c => int.Parse((string)c.Attribute("data-trial")!, CultureInfo.InvariantCulture)));
        Assert.Equal([0, 1], Elements(losses, "circle", "hg-test-point").Select(c => int.Parse((string)c.Attribute("data-trial")!, CultureInfo.InvariantCulture)));
        Assert.Empty(Elements(losses, "polyline", "hg-validation"));
        Assert.Single(Elements(losses, "polyline", "hg-test"));
    }

    [Fact]
    public void Render_StudyWithAttributes_AllTrialsTableHasASortedColumnPerAttribute()
    {
        XDocument document = Parse(HtmlReport.Render(GradientStudy(OuterSteps([0.62, 0.55], [0.64, 0.58]))));

        XElement table = ById(document, "all-trials");
        Assert.Equal(["test_loss"], Elements(table, "th", "attribute").Select(e => e.Value));
        Assert.Contains(Elements(table, "td"), td => td.Value == "0.58");
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
