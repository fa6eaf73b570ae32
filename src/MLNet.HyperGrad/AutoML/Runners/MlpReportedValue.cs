namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>The value <see cref="MlpTrialRunner"/> reports after each epoch (to <see cref="TrialSettings.Reporter"/>: what the study stores as the trial's intermediate values and what a pruner judges).</summary>
public enum MlpReportedValue
{
    /// <summary>The validation loss: cross-entropy for classification, mean squared error of the standardized targets for regression.</summary>
    ValidationLoss,

    /// <summary>
    /// The validation error, 1 minus the metric the experiment ranks trials by: 1 − accuracy for classification, 1 − R² for
    /// regression. At a trial's last epoch it is its <see cref="TrialResult.Loss"/> plus 1, so a pruner's "best so far" is
    /// the experiment's best trial.
    /// </summary>
    ValidationError,
}
