using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The reporter of one trial of a study: each value goes to the storage at once.</summary>
/// <param name="storage">The study's storage.</param>
/// <param name="studyId">The study.</param>
/// <param name="number">The trial.</param>
internal sealed class StudyTrialReporter(IStudyStorage storage, long studyId, int number) : ITrialReporter
{
    private int reports;

    /// <summary>Gets a value indicating whether the runner reported at least one value.</summary>
    public bool HasReported => Volatile.Read(ref reports) > 0;

    /// <inheritdoc />
    public async Task ReportAsync(int step, double value, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        await storage.ReportIntermediateValueAsync(studyId, number, step, value, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref reports);
    }

    /// <inheritdoc />
    public bool ShouldPrune(int finalStep) => false;
}
