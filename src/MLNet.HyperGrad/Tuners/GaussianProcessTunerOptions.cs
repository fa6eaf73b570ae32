using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tuners;

/// <summary>Settings of <see cref="GaussianProcessTuner"/>.</summary>
public sealed class GaussianProcessTunerOptions
{
    /// <summary>Gets the number of completed trials proposed from a scrambled Sobol sequence before the model takes over.</summary>
    /// <value>The default is 10 (Optuna's <c>GPSampler</c> uses 10 too).</value>
    public int StartupTrials { get; init; } = 10;

    /// <summary>Gets the acquisition maximized.</summary>
    /// <value>The default is <see cref="AcquisitionKind.LogExpectedImprovement"/>.</value>
    public AcquisitionKind Acquisition { get; init; } = AcquisitionKind.LogExpectedImprovement;

    /// <summary>Gets the kernel.</summary>
    /// <value>The default is <see cref="Matern52Kernel.Instance"/>.</value>
    public IKernel Kernel { get; init; } = Matern52Kernel.Instance;

    /// <summary>Gets the transform of the losses before they are standardized.</summary>
    /// <value>The default is <see cref="OutputWarping.None"/>.</value>
    public OutputWarping Warping { get; init; } = OutputWarping.None;

    /// <summary>Gets the settings of the hyperparameter fit.</summary>
    /// <value>The defaults of <see cref="GaussianProcessFitOptions"/>.</value>
    public GaussianProcessFitOptions Fit { get; init; } = new();

    /// <summary>Gets the settings of the acquisition optimizer (candidate count, refined starts, iterations).</summary>
    /// <value>The defaults of <see cref="AcquisitionOptimizerOptions"/>.</value>
    public AcquisitionOptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Gets the settings of the local (trust-region) mode, or null to search the whole space.</summary>
    /// <value>
    /// The default is TuRBO-1's settings (<c>new TrustRegionOptions()</c>): on the four test functions of
    /// <c>bench/run.sh bo</c> (10 seeds, 50 trials) the local mode had a lower median regret than the global one on all
    /// four (Branin 2.0e-5 against 2.4e-5, Hartmann-6 6.6e-5 against 3.9e-4, Rosenbrock-4 55 against 305, Ackley-5 4.4
    /// against 4.8; bench/RESULTS.md). Null maximizes the acquisition over the whole space.
    /// </value>
    public TrustRegionOptions? TrustRegion { get; init; } = new();

    /// <summary>
    /// Gets the candidate set, or null (the default) to search the whole space. With candidates, every proposal is one of them
    /// and never one already proposed or reported: a startup Sobol point is replaced by the nearest untried candidate (Euclidean
    /// in the unit cube), and the model's proposal is the untried candidate with the largest acquisition (no trust region, no
    /// optimizer). The tuner is exhausted (<see cref="GaussianProcessTuner.IsExhausted"/>) once all were proposed. Each must be
    /// a point of the search space; an update whose parameter encodes to a candidate's point (within 1e-9 per slot) marks it tried.
    /// </summary>
    /// <value>The default is null.</value>
    public IReadOnlyList<Parameter>? Candidates { get; init; }

    /// <summary>Gets the clock that times proposals (<see cref="GaussianProcessTuner.ProposalDurations"/>).</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or missing.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (StartupTrials < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"StartupTrials must be at least 1, got {StartupTrials}."));
        }

        if (!Enum.IsDefined(Acquisition))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Acquisition {(int)Acquisition} is not a known acquisition."));
        }

        if (!Enum.IsDefined(Warping))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Warping {(int)Warping} is not a known warping."));
        }

        if (Kernel is null)
        {
            problems.Add("Kernel must be set.");
        }

        if (TimeProvider is null)
        {
            problems.Add("TimeProvider must be set.");
        }

        if (Candidates is not null && (Candidates.Count == 0 || Candidates.Any(c => c is null)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Candidates must hold at least one parameter and no null when set; got {Candidates.Count} entries, {Candidates.Count(c => c is null)} null."));
        }

        if (Fit is null)
        {
            problems.Add("Fit must be set.");
        }
        else
        {
            Collect(problems, Fit.Validate);
        }

        if (TrustRegion is not null)
        {
            Collect(problems, TrustRegion.Validate);
        }

        if (Optimizer is null)
        {
            problems.Add("Optimizer must be set.");
        }
        else
        {
            Collect(problems, Optimizer.Validate);
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Gaussian-process tuner options: " + string.Join(" ", problems));
        }
    }

    private static void Collect(List<string> problems, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
        }
    }
}
