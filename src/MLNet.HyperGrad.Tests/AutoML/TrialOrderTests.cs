using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class TrialOrderTests
{
    [Fact]
    public void Compare_SmallerLoss_RanksFirstWhateverTheValidationLoss()
    {
        Assert.True(TrialOrder.Compare(-0.9, 5.0, 7, -0.8, 0.1, 0) < 0);
        Assert.True(TrialOrder.Compare(-0.8, 0.1, 0, -0.9, 5.0, 7) > 0);
    }

    [Fact]
    public void Compare_TieInLoss_SmallerValidationLossRanksFirstNotTheLowerNumber()
    {
        Assert.True(TrialOrder.Compare(-1.0, 0.2, 9, -1.0, 0.3, 1) < 0);
        Assert.True(TrialOrder.Compare(-1.0, 0.3, 1, -1.0, 0.2, 9) > 0);
    }

    [Fact]
    public void Compare_TieInBoth_LowerNumberFirst()
        => Assert.True(TrialOrder.Compare(-1.0, 0.2, 1, -1.0, 0.2, 2) < 0);

    [Fact]
    public void Compare_NaN_NeverWins()
    {
        Assert.True(TrialOrder.Compare(double.NaN, 0.1, 0, 5.0, 9.0, 9) > 0);
        Assert.True(TrialOrder.Compare(-1.0, double.NaN, 0, -1.0, 9.0, 9) > 0);
    }

    [Fact]
    public void ValidationLoss_CurveOrNone_LastValueOrNaN()
    {
        Assert.Equal(0.25, TrialOrder.ValidationLoss(new LearningCurveTrialResult { ValidationLossCurve = [0.9, 0.25] }));
        Assert.True(double.IsNaN(TrialOrder.ValidationLoss(new TrialResult { Loss = -1 })));
    }

    [Fact]
    public void Replay_CompleteTrial_CarriesItsStoredCurveSoThatTiesBreakAfterAResume()
    {
        var record = new TrialRecord
        {
            StudyId = 1,
            Number = 3,
            State = TrialState.Complete,
            ParametersJson = "{}",
            Loss = -1,
            Metric = 1,
            StartedAtUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            IntermediateValues = [new IntermediateValue(2, 0.4), new IntermediateValue(1, 0.7)],
        };
        Assert.Equal(0.4, TrialOrder.ValidationLoss(StudySession.Replay(record)));
    }
}
