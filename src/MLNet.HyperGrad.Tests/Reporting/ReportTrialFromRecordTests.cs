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
}
