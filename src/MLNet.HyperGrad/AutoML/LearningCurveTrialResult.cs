namespace MLNet.HyperGrad.AutoML;

/// <summary>A trial result that also carries the validation curve, one value per epoch.</summary>
/// <remarks>The curves are copied when set, so the result does not change after it is built.</remarks>
public record LearningCurveTrialResult : TrialResult
{
    /// <summary>Gets the validation loss after each epoch (cross-entropy or MSE).</summary>
    public IReadOnlyList<double> ValidationLossCurve { get; init => field = Copy(value); } = [];

    /// <summary>Gets the validation metric after each epoch (accuracy or R²).</summary>
    public IReadOnlyList<double> ValidationMetricCurve { get; init => field = Copy(value); } = [];

    /// <summary>Gets the training loss of each epoch.</summary>
    public IReadOnlyList<double> TrainLossCurve { get; init => field = Copy(value); } = [];

    private static System.Collections.ObjectModel.ReadOnlyCollection<double> Copy(IReadOnlyList<double> value) => Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]);
}
