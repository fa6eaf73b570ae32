using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Storage;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>
/// A runner whose trials take time on a <see cref="ManualTimeProvider"/>: each of its epochs moves the
/// clock forward, reports the epoch's value (the Branin value plus the epochs left) and then checks
/// the token, as a real runner does between epochs.
/// </summary>
internal sealed class ClockRunner(ManualTimeProvider clock, TimeSpan epochTime, int epochs) : ITrialRunner
{
    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        Parameter p = settings.Parameter["branin"];
        double value = BraninRunner.Branin(p["x1"].AsType<double>(), p["x2"].AsType<double>());
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            clock.Advance(epochTime);
            cancellationToken.ThrowIfCancellationRequested();
            await settings.Reporter.ReportAsync(epoch, value + epochs - epoch, CancellationToken.None);
        }

        return new TrialResult { TrialSettings = settings, Loss = value, Metric = value };
    }

    public void Dispose()
    {
    }
}
