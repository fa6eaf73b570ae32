using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class ReportTrialTests
{
    [Fact]
    public void FlattenParameters_NestedObject_UsesDottedPathsAndKinds()
    {
        Parameter parameter = Parameter.CreateNestedParameter(
            ("mlp", Parameter.CreateNestedParameter(
                ("learning_rate", Parameter.FromDouble(0.01)),
                ("layers", Parameter.FromInt(3)),
                ("activation", Parameter.FromString("relu")),
                ("optimizer", Parameter.CreateNestedParameter(("nesterov", Parameter.FromBool(true)))))),
            ("seed", Parameter.FromLong(42)));

        IReadOnlyDictionary<string, ReportValue> flat = ReportTrial.FlattenParameters(parameter);

        Assert.Equal(["mlp.activation", "mlp.layers", "mlp.learning_rate", "mlp.optimizer.nesterov", "seed"], flat.Keys);
        Assert.Equal(ReportValue.FromText("relu"), flat["mlp.activation"]);
        Assert.Equal(ReportValue.FromNumber(3), flat["mlp.layers"]);
        Assert.Equal(0.01, flat["mlp.learning_rate"].Number);
        Assert.Equal("true", flat["mlp.optimizer.nesterov"].Text);
        Assert.Equal(42.0, flat["seed"].Number);
    }

    [Fact]
    public void FlattenParameters_ShortNumberArray_GivesOneKeyPerElement()
    {
        Parameter parameter = Parameter.CreateNestedParameter(
            ("hidden", Parameter.FromIEnumerable(new[] { 64, 32 })),
            ("eight", Parameter.FromDoubleArray([1, 2, 3, 4, 5, 6, 7, 8])));

        IReadOnlyDictionary<string, ReportValue> flat = ReportTrial.FlattenParameters(parameter);

        Assert.Equal(64.0, flat["hidden[0]"].Number);
        Assert.Equal(32.0, flat["hidden[1]"].Number);
        Assert.Equal(8, flat.Keys.Count(k => k.StartsWith("eight[", StringComparison.Ordinal)));
        Assert.Equal(8.0, flat["eight[7]"].Number);
        Assert.DoesNotContain("eight[mean]", flat.Keys);
    }

    [Fact]
    public void FlattenParameters_LongNumberArray_IsSummarizedByItsMean()
    {
        double[] rates = [.. Enumerable.Range(1, 100).Select(i => i / 100.0)];
        Parameter parameter = Parameter.CreateNestedParameter(
            ("schedule", Parameter.CreateNestedParameter(("rates", Parameter.FromDoubleArray(rates)))),
            ("sizes", Parameter.FromIEnumerable(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })));

        IReadOnlyDictionary<string, ReportValue> flat = ReportTrial.FlattenParameters(parameter);

        Assert.Equal(["schedule.rates[mean]", "sizes[mean]"], flat.Keys);
        Assert.Equal(rates.Average(), flat["schedule.rates[mean]"].Number!.Value, 12);
        Assert.Equal(5.0, flat["sizes[mean]"].Number!.Value, 12);
    }

    [Fact]
    public void FlattenParameters_ArrayOfObjectsAndStrings_FlattensEachElement()
    {
        Parameter parameter = Parameter.CreateNestedParameter(
            ("layers", Parameter.FromIEnumerable(new[]
            {
                Parameter.CreateNestedParameter(("units", Parameter.FromInt(8))),
                Parameter.CreateNestedParameter(("units", Parameter.FromInt(4))),
            })),
            ("tags", Parameter.FromIEnumerable(new[] { "a", "b" })));

        IReadOnlyDictionary<string, ReportValue> flat = ReportTrial.FlattenParameters(parameter);

        Assert.Equal(["layers[0].units", "layers[1].units", "tags[0]", "tags[1]"], flat.Keys);
        Assert.Equal(4.0, flat["layers[1].units"].Number);
        Assert.Equal("b", flat["tags[1]"].Text);
    }

    [Fact]
    public void FlattenParameters_ScalarRootAndEmptyContainers_AreHandled()
    {
        Assert.Equal(0.5, ReportTrial.FlattenParameters(Parameter.FromDouble(0.5))["value"].Number);
        Assert.Empty(ReportTrial.FlattenParameters(Parameter.CreateNestedParameter()));
        Assert.Empty(ReportTrial.FlattenParameters(Parameter.CreateNestedParameter(("empty", Parameter.FromDoubleArray([])))));
    }

    [Fact]
    public void FromTrialResult_FailedResult_MapsStateErrorAndParameters()
    {
        var settings = new TrialSettings
        {
            TrialId = 9,
            StartedAtUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Parameter = Parameter.CreateNestedParameter(("lr", Parameter.FromDouble(0.1))),
        };

        ReportTrial trial = ReportTrial.FromTrialResult(TrialResult.Failed(settings, new InvalidOperationException("diverged"), 12.5));

        Assert.Equal(9, trial.Number);
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Equal("diverged", trial.Error);
        Assert.Equal(12.5, trial.DurationMilliseconds);
        Assert.Equal(0.1, trial.Parameters["lr"].Number);
        Assert.Equal(settings.StartedAtUtc, trial.StartedAtUtc);
    }

    [Fact]
    public void FromTrialResult_InterruptedResult_IsInterruptedWithTheReason()
    {
        var settings = new TrialSettings { TrialId = 4, Parameter = Parameter.CreateNestedParameter(("lr", Parameter.FromDouble(0.1))) };

        ReportTrial trial = ReportTrial.FromTrialResult(TrialResult.Interrupted(settings, "the time budget ran out", 30_000));

        Assert.Equal(TrialState.Interrupted, trial.State);
        Assert.Equal("the time budget ran out", trial.Error);
        Assert.Equal(30_000, trial.DurationMilliseconds);
    }

    [Fact]
    public void FromTrialResult_LearningCurveResult_TakesValidationMetricCurve()
    {
        var result = new LearningCurveTrialResult
        {
            TrialSettings = new TrialSettings { TrialId = 2 },
            Metric = 0.9,
            Loss = 0.3,
            ValidationMetricCurve = [0.5, 0.8, 0.9],
            ValidationLossCurve = [1.0, 0.5, 0.3],
        };

        ReportTrial trial = ReportTrial.FromTrialResult(result);

        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Equal([0.5, 0.8, 0.9], trial.ValidationCurve);
        Assert.Null(trial.Error);
    }

    [Fact]
    public void Init_SourceCollectionsChangedLater_TrialIsUnchanged()
    {
        var parameters = new Dictionary<string, ReportValue> { ["a"] = 1.0 };
        var curve = new List<double> { 0.1 };
        var trial = new ReportTrial { Number = 0, Parameters = parameters, ValidationCurve = curve };

        parameters["b"] = 2.0;
        curve.Add(0.2);

        Assert.Single(trial.Parameters);
        Assert.Single(trial.ValidationCurve);
    }

    [Fact]
    public void ReportValue_ToString_UsesInvariantRoundTripOrText()
    {
        Assert.Equal("0.30000000000000004", ReportValue.FromNumber(0.1 + 0.2).ToString());
        Assert.Equal("1E-05", ((ReportValue)1e-5).ToString());
        Assert.Equal("a<b", ((ReportValue)"a<b").ToString());
        Assert.False(ReportValue.FromText("1").IsNumber);
    }
}
