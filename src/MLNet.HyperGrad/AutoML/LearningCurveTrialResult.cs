namespace MLNet.HyperGrad.AutoML;

/// <summary>A trial result that also carries the validation curve, one value per epoch.</summary>
public class LearningCurveTrialResult : TrialResult
{
    /// <summary>Gets or sets the validation loss after each epoch (cross-entropy or MSE).</summary>
    public IReadOnlyList<double> ValidationLossCurve { get; set; } = [];

    /// <summary>Gets or sets the validation metric after each epoch (accuracy or R²).</summary>
    public IReadOnlyList<double> ValidationMetricCurve { get; set; } = [];

    /// <summary>Gets or sets the training loss of each epoch.</summary>
    public IReadOnlyList<double> TrainLossCurve { get; set; } = [];
}
