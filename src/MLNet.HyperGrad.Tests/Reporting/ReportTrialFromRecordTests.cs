using MLNet.HyperGrad.Reporting;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Reporting;

public sealed class ReportTrialFromRecordTests
{
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void FromRecord_FailedTrial_MapsEveryField()
    {
        var record = new TrialRecord
        {
            StudyId = 1,
            Number = 4,
            State = TrialState.Failed,
            ParametersJson = """{"mlp":{"depth":2,"learning_rate":0.01}}""",
            DurationMilliseconds = 1500,
            StartedAtUtc = Noon,
            EndedAtUtc = Noon.AddSeconds(2),
            Error = "InvalidOperationException: boom",
            IntermediateValues = [new IntermediateValue(2, 0.5), new IntermediateValue(1, 0.9)],
        };

        ReportTrial trial = ReportTrial.FromRecord(record);

        Assert.Equal(4, trial.Number);
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Null(trial.Metric);
        Assert.Equal(1500, trial.DurationMilliseconds);
        Assert.Equal(Noon, trial.StartedAtUtc);
        Assert.Equal(["mlp.depth", "mlp.learning_rate"], trial.Parameters.Keys);
        Assert.Equal(0.01, trial.Parameters["mlp.learning_rate"].Number);
        Assert.Equal("InvalidOperationException: boom", trial.Error);
        Assert.Equal([0.9, 0.5], trial.ValidationCurve);
    }

    [Fact]
    public void FromRecord_CompleteTrial_KeepsScores()
    {
        var record = new TrialRecord { StudyId = 1, Number = 0, State = TrialState.Complete, ParametersJson = "{}", Loss = -0.9, Metric = 0.9, StartedAtUtc = Noon };

        ReportTrial trial = ReportTrial.FromRecord(record);

        Assert.Equal((TrialState.Complete, -0.9, 0.9), (trial.State, trial.Loss!.Value, trial.Metric!.Value));
    }

    [Fact]
    public void FromRecord_TrialWithAttributes_CarriesThem()
    {
        var record = new TrialRecord
        {
            StudyId = 1,
            Number = 2,
            State = TrialState.Complete,
            ParametersJson = "{}",
            Loss = 0.5,
            StartedAtUtc = Noon,
            Attributes = new Dictionary<string, double> { ["test_loss"] = 0.625, ["gap"] = double.NaN },
        };

        ReportTrial trial = ReportTrial.FromRecord(record);

        Assert.Equal(["gap", "test_loss"], trial.Attributes.Keys);
        Assert.Equal(0.625, trial.Attributes["test_loss"]);
        Assert.True(double.IsNaN(trial.Attributes["gap"]));
    }

    [Fact]
    public void FromTrialResult_ResultWithAttributes_CarriesThemAndACopyIgnoresLaterChanges()
    {
        var attributes = new Dictionary<string, double> { ["test_loss"] = 0.75 };
        var result = new MLNet.HyperGrad.AutoML.TrialResult { TrialSettings = new() { TrialId = 3, StartedAtUtc = Noon }, Loss = 0.5, Attributes = attributes };
        attributes["test_loss"] = 99;

        ReportTrial trial = ReportTrial.FromTrialResult(result);

        Assert.Equal(0.75, trial.Attributes.Single().Value);
        Assert.Equal(0.75, (result with { Loss = 0.25 }).Attributes["test_loss"]);
        Assert.Empty(new MLNet.HyperGrad.AutoML.TrialResult().Attributes);
    }

    [Fact]
    public void Attributes_BlankKey_ThrowsArgumentExceptionNamingTheProperty()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ReportTrial { Number = 0, Attributes = new Dictionary<string, double> { [" "] = 1 } });

        Assert.Equal("Attributes", ex.ParamName);
        Assert.Contains("\" \"", ex.Message, StringComparison.Ordinal);
    }
}
