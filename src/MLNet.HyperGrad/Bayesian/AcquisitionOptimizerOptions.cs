using System.Globalization;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Settings of <see cref="AcquisitionOptimizer"/>: how many quasi-random candidates, how many are refined, for how long.</summary>
public sealed class AcquisitionOptimizerOptions
{
    /// <summary>Gets the number of scrambled Sobol candidates scored.</summary>
    /// <value>The default is 1024.</value>
    public int CandidateCount { get; init; } = 1024;

    /// <summary>Gets the number of best-scoring starts refined by gradient.</summary>
    /// <value>The default is 5.</value>
    public int RefinedCount { get; init; } = 5;

    /// <summary>Gets the largest number of projected L-BFGS iterations of the refinement.</summary>
    /// <value>The default is 100.</value>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Gets the projected-gradient size (in length-scale units) below which refinement stops.</summary>
    /// <value>The default is 1e-2 (Optuna's <c>pgtol = √1e-4</c>).</value>
    public double GradientTolerance { get; init; } = 1e-2;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (CandidateCount < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"CandidateCount must be at least 1, got {CandidateCount}."));
        }

        if (RefinedCount < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"RefinedCount must be at least 0, got {RefinedCount}."));
        }

        if (MaxIterations < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MaxIterations must be at least 1, got {MaxIterations}."));
        }

        if (!(GradientTolerance > 0) || !double.IsFinite(GradientTolerance))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"GradientTolerance must be positive and finite, got {GradientTolerance}."));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid acquisition optimizer options: " + string.Join(" ", problems));
        }
    }
}
