using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.AutoML;

/// <summary>Settings of <see cref="HyperGradExperimentExtensions.WithHyperGrad"/>, the one entry point to MLNet.HyperGrad's tuners.</summary>
public sealed class HyperGradOptions
{
    /// <summary>Gets or sets which tuner to use.</summary>
    /// <value>The default is <see cref="TunerKind.Random"/>.</value>
    public TunerKind Tuner { get; set; } = TunerKind.Random;

    /// <summary>Gets or sets the number of grid values per continuous dimension for <see cref="TunerKind.Grid"/>.</summary>
    /// <value>The default is 5.</value>
    public int GridStepsPerContinuousDimension { get; set; } = 5;

    /// <summary>Gets or sets the hypergradient method; setting it selects <see cref="TunerKind.HyperGradient"/> (with <see cref="Tuner"/> left at its default or set to it).</summary>
    /// <value>The default is null: <see cref="HypergradientTrialRunnerOptions.Method"/>'s default when <see cref="Tuner"/> is <see cref="TunerKind.HyperGradient"/>.</value>
    public HypergradientMethodKind? Method { get; set; }

    /// <summary>Gets or sets the settings of the gradient tuner's runner (the network, T, which hyperparameters are tensors), used when <c>WithHyperGrad</c> creates the runner.</summary>
    /// <value>The default is null: <see cref="HypergradientTrialRunnerOptions"/>'s defaults (with <see cref="Method"/> when set).</value>
    public HypergradientTrialRunnerOptions? HypergradientRunner { get; set; }

    /// <summary>Gets or sets the settings of <see cref="HyperGradientTuner"/>.</summary>
    /// <value>The default is null: <see cref="HyperGradientTunerOptions"/>'s defaults.</value>
    public HyperGradientTunerOptions? HypergradientTuner { get; set; }

    /// <summary>Gets the tuner these options select: <see cref="TunerKind.HyperGradient"/> when <see cref="Method"/> is set, else <see cref="Tuner"/>.</summary>
    public TunerKind EffectiveTuner => Method is not null ? TunerKind.HyperGradient : Tuner;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Tuner))
        {
            problems.Add($"Tuner {(int)Tuner} is not a known tuner.");
        }

        if (Method is { } method && !Enum.IsDefined(method))
        {
            problems.Add($"Method {(int)method} is not a known hypergradient method.");
        }

        if (Method is not null && Tuner is not (TunerKind.Random or TunerKind.HyperGradient))
        {
            problems.Add($"Method {Method} tunes by gradient and needs Tuner = HyperGradient (or left at its default); got Tuner = {Tuner}.");
        }

        if (GridStepsPerContinuousDimension < 2)
        {
            problems.Add($"GridStepsPerContinuousDimension must be at least 2, got {GridStepsPerContinuousDimension}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid HyperGrad options: " + string.Join(" ", problems));
        }
    }
}
