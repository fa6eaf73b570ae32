namespace MLNet.HyperGrad.AutoML;

/// <summary>The reporter of a trial run outside an experiment (or of an experiment without a study): it checks the step and keeps nothing.</summary>
internal sealed class NoTrialReporter : ITrialReporter
{
    /// <summary>Gets the one instance.</summary>
    public static NoTrialReporter Instance { get; } = new();

    /// <inheritdoc />
    public Task ReportAsync(int step, double value, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public bool ShouldPrune(int finalStep) => false;
}
