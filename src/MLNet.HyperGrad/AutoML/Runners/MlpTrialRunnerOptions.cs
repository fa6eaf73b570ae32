using TorchSharp;
using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>Settings of <see cref="MlpTrialRunner"/>.</summary>
public sealed class MlpTrialRunnerOptions
{
    /// <summary>Gets the libtorch threads each trial uses (set process-wide when a trial starts).</summary>
    /// <value>The default is the number of cores.</value>
    public int ThreadsPerTrial { get; init; } = Environment.ProcessorCount;

    /// <summary>Gets a value indicating whether features are standardized with statistics of the training data.</summary>
    /// <value>The default is true.</value>
    public bool Standardize { get; init; } = true;

    /// <summary>Gets the device trials train on.</summary>
    /// <value>The default is the CPU.</value>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>Gets the clock that times the epochs of every trial.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Gets the value reported after each epoch: the study's intermediate values and what a pruner judges. The validation
    /// loss is a smooth proxy; the validation error (1 − accuracy or 1 − R²) is the metric the experiment ranks trials by, so
    /// a pruner then stops trials unlikely to beat the best trial's metric. Whatever is reported, the result's
    /// <see cref="LearningCurveTrialResult.ValidationLossCurve"/> holds the losses and
    /// <see cref="LearningCurveTrialResult.ValidationMetricCurve"/> the metrics. Keep one choice per study: a resumed study's
    /// pruner compares the new trials' values with the stored ones, and a finished trial replayed when a study resumes gets
    /// its stored values as its <see cref="LearningCurveTrialResult.ValidationLossCurve"/> (errors, with this option).
    /// </summary>
    /// <value>The default is <see cref="MlpReportedValue.ValidationLoss"/>.</value>
    public MlpReportedValue ReportedValue { get; init; } = MlpReportedValue.ValidationLoss;

    /// <summary>Gets a callback told after every minibatch of every trial (called on the trial's thread).</summary>
    /// <value>The default is none.</value>
    public Action<TrialSettings, TrainingProgress>? OnProgress { get; init; }
}
