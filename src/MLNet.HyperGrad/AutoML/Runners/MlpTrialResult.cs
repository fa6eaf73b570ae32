using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>The result of an <see cref="MlpTrialRunner"/> trial: the learning curve and the trained weights.</summary>
public sealed class MlpTrialResult : LearningCurveTrialResult
{
    /// <summary>Gets or sets the hyperparameters the trial trained with.</summary>
    public MlpHyperparameters? Hyperparameters { get; set; }

    /// <summary>Gets or sets the MLP's layer sizes, input to output.</summary>
    public IReadOnlyList<int> LayerSizes { get; set; } = [];

    /// <summary>Gets or sets the trained weights (w0, b0, w1, b1, …) as float64 arrays; empty if training diverged.</summary>
    public IReadOnlyList<double[]> Weights { get; set; } = [];

    /// <summary>Gets or sets the standardizer applied to the features before the MLP, or null.</summary>
    public Standardizer? Standardizer { get; set; }
}
