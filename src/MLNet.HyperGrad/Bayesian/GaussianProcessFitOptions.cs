using System.Globalization;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Settings of <see cref="GaussianProcessFit"/>: iterations, restarts, the prior and the bounds of the noise.</summary>
public sealed class GaussianProcessFitOptions
{
    /// <summary>Gets the largest number of L-BFGS iterations per start.</summary>
    /// <value>The default is 50.</value>
    public int MaxIterations { get; init; } = 50;

    /// <summary>Gets the number of seeded random starts tried besides the default start when there is no warm start (a warm-started fit starts once, from the previous fit).</summary>
    /// <value>The default is 1.</value>
    public int RandomRestarts { get; init; } = 1;

    /// <summary>Gets the projected-gradient size below which a start stops (Optuna's <c>gtol</c>: smaller buys little and costs iterations).</summary>
    /// <value>The default is 1e-2.</value>
    public double GradientTolerance { get; init; } = 1e-2;

    /// <summary>Gets a value indicating whether the priors are used (MAP); false gives type-II maximum likelihood.</summary>
    /// <value>The default is true.</value>
    public bool UsePrior { get; init; } = true;

    /// <summary>Gets the smallest noise variance (standardized units); Optuna's default.</summary>
    /// <value>The default is 1e-6.</value>
    public double MinNoiseVariance { get; init; } = 1e-6;

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (MaxIterations < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MaxIterations must be at least 1, got {MaxIterations}."));
        }

        if (RandomRestarts < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"RandomRestarts must be at least 0, got {RandomRestarts}."));
        }

        if (!(GradientTolerance > 0) || !double.IsFinite(GradientTolerance))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"GradientTolerance must be positive and finite, got {GradientTolerance}."));
        }

        if (!(MinNoiseVariance > 0 && MinNoiseVariance < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MinNoiseVariance must be in (0, 1), got {MinNoiseVariance}."));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Gaussian-process fit options: " + string.Join(" ", problems));
        }
    }
}
