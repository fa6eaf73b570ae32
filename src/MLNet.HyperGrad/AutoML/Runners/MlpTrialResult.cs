using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>The result of an <see cref="MlpTrialRunner"/> trial: the learning curve and the trained weights.</summary>
public sealed record MlpTrialResult : LearningCurveTrialResult
{
    /// <summary>Gets the hyperparameters the trial trained with.</summary>
    public MlpHyperparameters? Hyperparameters { get; init; }

    /// <summary>Gets the MLP's layer sizes, input to output (copied when set).</summary>
    public IReadOnlyList<int> LayerSizes { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets the trained weights (w0, b0, w1, b1, …) as float64 arrays; empty if training diverged.</summary>
    public IReadOnlyList<double[]> Weights { get; init; } = [];

    /// <summary>Gets the standardizer applied to the features before the MLP, or null.</summary>
    public Standardizer? Standardizer { get; init; }
}
