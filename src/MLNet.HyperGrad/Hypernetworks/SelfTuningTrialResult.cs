using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>The result of a <see cref="SelfTuningTrialRunner"/> trial: one self-tuning run, with its learned schedule and the network it ended with.</summary>
/// <remarks>
/// <see cref="TrialResult.Loss"/> is the validation cross-entropy after the last epoch, <see cref="TrialResult.Metric"/> the
/// validation accuracy; the curves are per epoch. <see cref="TrialResult.Attributes"/> holds the final <c>dropout_{j}</c> (hidden
/// layer j) and <c>l2_{l}</c> (affine layer l), and <c>test_loss</c> when the runner has a test set.
/// </remarks>
public sealed record SelfTuningTrialResult : LearningCurveTrialResult
{
    /// <summary>Gets the run: the learned schedule (dropout per hidden layer and L2 per layer, per epoch) and the final weights.</summary>
    public SelfTuningRun Run { get; init; } = new();

    /// <summary>Gets the MLP's layer sizes, input to output.</summary>
    public IReadOnlyList<int> LayerSizes => Run.LayerSizes;

    /// <summary>Gets the plain ReLU MLP's weights at the final hyperparameters (w0, b0, w1, b1, …) as float64 arrays.</summary>
    public IReadOnlyList<double[]> Weights => Run.Weights;

    /// <summary>Gets the cross-entropy on the test set at the end, or null when the runner has no test set.</summary>
    public double? TestLoss { get; init; }
}
