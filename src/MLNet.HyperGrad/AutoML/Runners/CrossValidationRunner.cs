using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>
/// Scores each trial by k-fold cross-validation: trains it once per fold with a runner built for that fold's
/// training and validation rows, and returns the mean over the folds with their spread
/// (<see cref="CrossValidationTrialResult"/>).
/// </summary>
/// <remarks>
/// <para>The folds are seeded and, for classification, stratified (<see cref="DatasetFolds.KFold"/>). Each fold
/// has its own runner, so whatever a runner fits on its training rows (the <see cref="MlpTrialRunner"/>'s feature
/// standardization, its regression target scaling) is fitted on that fold's training rows only.</para>
/// <para>The folds of a trial run one after another with the trial's seed. The trial's learning curve is the
/// per-epoch mean over the folds, which the study stores when the trial completes (not epoch by epoch: a trial
/// cut off before its last fold keeps no curve). The result carries no model: the model to save is the best
/// hyperparameters trained again on all the rows (<see cref="Outputs.BestModelWriter.EnsureSavedAsync"/>).</para>
/// </remarks>
public sealed class CrossValidationRunner : ITrialRunner
{
    private readonly ITrialRunner[] runners;

    /// <summary>Splits the data into folds and creates a runner per fold.</summary>
    /// <param name="data">All the rows to cross-validate on.</param>
    /// <param name="folds">The number of folds, from 2 to the number of rows.</param>
    /// <param name="seed">Seeds the folds.</param>
    /// <param name="createFoldRunner">Creates the runner of one fold from its training and validation rows; the runners are disposed with this one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="createFoldRunner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2 or above the number of rows.</exception>
    public CrossValidationRunner(TabularDataset data, int folds, int seed, Func<TabularDataset, TabularDataset, ITrialRunner> createFoldRunner)
    {
        ArgumentNullException.ThrowIfNull(createFoldRunner);
        IReadOnlyList<TrainValidationSplit> splits = DatasetFolds.KFold(data, folds, seed);
        runners = new ITrialRunner[splits.Count];
        try
        {
            for (int i = 0; i < splits.Count; i++)
            {
                runners[i] = createFoldRunner(splits[i].Train, splits[i].Validation);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Gets the number of folds.</summary>
    public int FoldCount => runners.Length;

    /// <inheritdoc />
    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folds = new List<TrialResult>(runners.Length);
        foreach (ITrialRunner runner in runners)
        {
            // The folds report nothing while they train: the study stores the mean curve when the trial completes.
            folds.Add(await runner.RunAsync(settings with { Reporter = NoTrialReporter.Instance }, cancellationToken));
        }

        double mean = folds.Average(f => f.Metric);
        return new CrossValidationTrialResult
        {
            TrialSettings = settings,
            Folds = folds,
            Metric = mean,
            Loss = folds.Average(f => f.Loss),
            MetricStandardDeviation = Math.Sqrt(folds.Average(f => (f.Metric - mean) * (f.Metric - mean))),
            Attributes = CrossValidation.FoldMetricAttributes(folds.Select(f => f.Metric)),
            ValidationLossCurve = MeanCurve(folds, c => c.ValidationLossCurve),
            ValidationMetricCurve = MeanCurve(folds, c => c.ValidationMetricCurve),
            TrainLossCurve = MeanCurve(folds, c => c.TrainLossCurve),
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (ITrialRunner? runner in runners)
        {
            runner?.Dispose();
        }
    }

    /// <summary>The per-epoch mean of a curve over the folds, as long as the shortest fold's (a diverged fold stops early); empty when a fold has none.</summary>
    private static double[] MeanCurve(List<TrialResult> folds, Func<LearningCurveTrialResult, IReadOnlyList<double>> curve)
    {
        IReadOnlyList<double>[] curves = [.. folds.Select(f => f is LearningCurveTrialResult c ? curve(c) : [])];
        int epochs = curves.Min(c => c.Count);
        return [.. Enumerable.Range(0, epochs).Select(e => curves.Average(c => c[e]))];
    }
}
