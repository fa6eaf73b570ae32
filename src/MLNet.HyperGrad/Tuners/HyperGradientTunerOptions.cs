using System.Globalization;
using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Settings of <see cref="HyperGradientTuner"/>.</summary>
public sealed class HyperGradientTunerOptions
{
    /// <summary>Gets the top-level search-space key whose continuous options are tuned by gradient.</summary>
    /// <value>The default is <see cref="HypergradientTrialRunner.SearchSpaceKey"/> ("hypergradient").</value>
    public string GradientKey { get; init; } = HypergradientTrialRunner.SearchSpaceKey;

    /// <summary>Gets the step size of the outer Adam, in unconstrained units (log or logit space); with <see cref="OuterOptimizerKind.AdaptiveStep"/>, the Euclidean length of the first step.</summary>
    /// <value>The default is 0.05 (a log-scale value moves by about 5% per outer step).</value>
    public double OuterLearningRate { get; init; } = 0.05;

    /// <summary>Gets the outer optimizer.</summary>
    /// <value>
    /// The default is <see cref="OuterOptimizerKind.Adam"/>. <see cref="OuterOptimizerKind.AdaptiveStep"/> (HOAG's rule) suits
    /// deterministic hypergradients of a few hyperparameters near a smooth optimum, such as implicit differentiation of an
    /// L2 coefficient: on the fixed Fashion-MNIST split it reaches the grid optimum of softmax regression's θ from θ = −2 in
    /// 14 outer steps where Adam (step 0.5) is 0.004 above it after 15 (bench/RESULTS.md). Adam stays the default because its
    /// per-element normalization suits the long per-step schedules of reverse mode, where one step length for all
    /// elements does not.
    /// </value>
    public OuterOptimizerKind OuterOptimizer { get; init; } = OuterOptimizerKind.Adam;

    /// <summary>Gets the gradient trials (outer steps) given to each choice of the discrete options before the black-box tuner picks another.</summary>
    /// <value>The default is 5. Without discrete options every trial follows the gradient.</value>
    public int TrialsPerChoice { get; init; } = 5;

    /// <summary>Gets the factory of the black-box tuner that proposes the integer and choice options (from the discrete part of the space and the seed).</summary>
    /// <value>The default is null: <see cref="RandomSearchTuner"/>.</value>
    public Func<SearchSpace, int, ITuner>? DiscreteTuner { get; init; }

    /// <summary>Checks the settings, reporting every failure together.</summary>
    /// <exception cref="ArgumentException">A failure; the message lists all of them.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(GradientKey))
        {
            errors.Add("GradientKey must not be empty.");
        }

        if (!(OuterLearningRate > 0 && double.IsFinite(OuterLearningRate)))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"OuterLearningRate must be finite and positive; got {OuterLearningRate}."));
        }

        if (!Enum.IsDefined(OuterOptimizer))
        {
            errors.Add($"OuterOptimizer {(int)OuterOptimizer} is not a known outer optimizer.");
        }

        if (TrialsPerChoice < 1)
        {
            errors.Add($"TrialsPerChoice must be at least 1; got {TrialsPerChoice}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid hypergradient tuner options: " + string.Join(" ", errors));
        }
    }
}
