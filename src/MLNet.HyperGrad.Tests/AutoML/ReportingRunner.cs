using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>A runner that reports a few epochs, tells the test, then trains until it is cancelled.</summary>
internal sealed class ReportingRunner(params double[] epochValues) : ITrialRunner
{
    private readonly TaskCompletionSource reported = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes once the first trial has reported every epoch value.</summary>
    public Task Reported => reported.Task;

    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        for (int i = 0; i < epochValues.Length; i++)
        {
            await settings.Reporter.ReportAsync(i + 1, epochValues[i], CancellationToken.None);
        }

        reported.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        throw new InvalidOperationException("unreachable: the delay never ends by itself");
    }

    public void Dispose()
    {
    }
}
