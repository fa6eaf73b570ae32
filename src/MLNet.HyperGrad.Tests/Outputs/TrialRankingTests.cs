using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Outputs;

public sealed class TrialRankingTests
{
    private static readonly DateTime Noon = new(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc);

    private static TrialRecord Trial(int number, TrialState state, double? loss) => new()
    {
        StudyId = 1, Number = number, State = state, ParametersJson = "{}", Loss = loss, Metric = loss is double l ? -l : null, StartedAtUtc = Noon,
    };

    [Fact]
    public void Top_MixedTrials_CompleteByLossThenNumberWithoutNaNOrFailed()
    {
        TrialRecord[] trials =
        [
            Trial(0, TrialState.Complete, -0.8),
            Trial(1, TrialState.Failed, null),
            Trial(2, TrialState.Complete, double.NaN),
            Trial(3, TrialState.Complete, -0.9),
            Trial(4, TrialState.Complete, -0.9),
            Trial(5, TrialState.Running, null),
        ];

        Assert.Equal([3, 4, 0], TrialRanking.Top(trials, 5).Select(t => t.Number));
        Assert.Equal([3, 4], TrialRanking.Top(trials, 2).Select(t => t.Number));
        Assert.Equal(3, TrialRanking.Best(trials)!.Number);
    }

    [Fact]
    public void Top_TieInLoss_SmallerFinalValidationLossFirstThenNumber()
    {
        static TrialRecord Tied(int number, params double[] curve) => Trial(number, TrialState.Complete, -1.0) with
        {
            IntermediateValues = [.. curve.Select((v, i) => new IntermediateValue(i + 1, v))],
        };

        TrialRecord[] trials = [Tied(0, 0.3, 0.5), Tied(1), Tied(2, 0.9, 0.2), Tied(3, 0.4), Tied(4, 0.4)];

        Assert.Equal([2, 3, 4, 0, 1], TrialRanking.Top(trials, 5).Select(t => t.Number));
        Assert.Equal(2, TrialRanking.Best(trials)!.Number);
    }

    [Fact]
    public void Best_NoCompleteTrial_Null()
        => Assert.Null(TrialRanking.Best([Trial(0, TrialState.Failed, null)]));
}
