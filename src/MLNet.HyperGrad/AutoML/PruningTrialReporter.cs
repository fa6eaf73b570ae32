using MLNet.HyperGrad.Pruning;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The reporter of a trial of an experiment with a pruner: it stores through the study's reporter, keeps the curve in memory and asks the pruner.</summary>
/// <param name="inner">The study's reporter of the trial.</param>
/// <param name="curves">The experiment's curves.</param>
/// <param name="pruner">The pruner.</param>
/// <param name="number">The trial.</param>
internal sealed class PruningTrialReporter(ITrialReporter inner, StudyCurves curves, IPruner pruner, int number) : ITrialReporter
{
    /// <summary>Gets the study's reporter this one stores through.</summary>
    public ITrialReporter Inner => inner;

    /// <inheritdoc />
    public async Task ReportAsync(int step, double value, CancellationToken cancellationToken = default)
    {
        await inner.ReportAsync(step, value, cancellationToken).ConfigureAwait(false);
        curves.Report(number, step, value);
    }

    /// <inheritdoc />
    public bool ShouldPrune(int finalStep)
    {
        (PrunerTrial trial, IReadOnlyList<PrunerTrial> all) = curves.Snapshot(number, finalStep);
        return pruner.ShouldPrune(trial, all);
    }
}
