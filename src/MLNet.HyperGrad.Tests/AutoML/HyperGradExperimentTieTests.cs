using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

public sealed class HyperGradExperimentTieTests
{
    [Fact]
    public async Task RunAsync_TrialsTiedInMetric_BestIsTheSmallestValidationLossNotTheFirstTrial()
    {
        // Every trial scores accuracy 1.0; the validation loss is smallest for trial 3.
        using var runner = new TiedRunner(id => id == 3 ? 0.05 : 0.5 + id);
        var monitor = new RecordingMonitor();
        TrialResult best = await new HyperGradExperiment()
            .AddSearchSpace("branin", BraninRunner.Space())
            .SetTrialRunner(runner)
            .SetMaxModelToExplore(6)
            .SetParallelism(1)
            .SetMonitor(monitor)
            .WithHyperGrad()
            .RunAsync();

        Assert.Equal(3, best.TrialSettings.TrialId);
        Assert.Equal([0, 3], monitor.Best.Select(b => b.TrialSettings.TrialId));
    }

    /// <summary>A runner whose trials all reach metric 1.0, with a final validation loss chosen per trial.</summary>
    private sealed class TiedRunner(Func<int, double> validationLoss) : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<TrialResult>(new LearningCurveTrialResult
            {
                TrialSettings = settings,
                Metric = 1.0,
                Loss = -1.0,
                ValidationLossCurve = [2.0, validationLoss(settings.TrialId)],
            });

        public void Dispose()
        {
        }
    }
}
