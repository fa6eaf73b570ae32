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

    /// <summary>Gets the step size of the outer Adam, in unconstrained units (log or logit space).</summary>
    /// <value>The default is 0.05 (a log-scale value moves by about 5% per outer step).</value>
    public double OuterLearningRate { get; init; } = 0.05;

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
