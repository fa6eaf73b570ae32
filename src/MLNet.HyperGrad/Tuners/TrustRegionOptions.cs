using System.Globalization;

namespace MLNet.HyperGrad.Tuners;

/// <summary>
/// Settings of the local (trust-region) mode of <see cref="GaussianProcessTuner"/>, after TuRBO-1 (Eriksson, Pearce,
/// Gardner, Turner, Poloczek 2019, "Scalable global optimization via local Bayesian optimization").
/// </summary>
/// <remarks>
/// The acquisition is maximized only inside a box around the best observed point: side <c>L · wⱼ</c> in coordinate
/// <c>j</c> of the unit cube, where <c>wⱼ = ℓⱼ / (∏ℓ)^(1/d)</c> are the fitted length scales normalized to a geometric
/// mean of 1. <c>L</c> doubles (up to <see cref="MaxLength"/>) after <see cref="SuccessTolerance"/> model-based trials
/// in a row that improve the best loss by more than 0.1 % of its magnitude, and halves after
/// <see cref="FailureTolerance"/> in a row that do not; below <see cref="MinLength"/> it restarts at
/// <see cref="InitialLength"/>. Meant for long, narrow valleys (Rosenbrock) where a global acquisition keeps
/// exploring and a local search such as CMA-ES leads.
/// </remarks>
public sealed class TrustRegionOptions
{
    /// <summary>Gets the side length <c>L</c> the region starts and restarts with, in unit-cube units.</summary>
    /// <value>The default is 0.8 (TuRBO's).</value>
    public double InitialLength { get; init; } = 0.8;

    /// <summary>Gets the side length below which the region restarts.</summary>
    /// <value>The default is 0.5⁷ = 0.0078125 (TuRBO's).</value>
    public double MinLength { get; init; } = 0.0078125;

    /// <summary>Gets the largest side length.</summary>
    /// <value>The default is 1.6 (TuRBO's).</value>
    public double MaxLength { get; init; } = 1.6;

    /// <summary>Gets how many improving model-based trials in a row double the side length.</summary>
    /// <value>The default is 3 (TuRBO's).</value>
    public int SuccessTolerance { get; init; } = 3;

    /// <summary>Gets how many non-improving model-based trials in a row halve the side length; null for <c>max(4, d)</c>.</summary>
    /// <value>The default is null: <c>max(4, d)</c> with <c>d</c> the search space's feature dimension (TuRBO's, for one trial at a time).</value>
    public int? FailureTolerance { get; init; }

    /// <summary>Checks the settings and reports every problem at once.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (!(MinLength > 0) || !double.IsFinite(MinLength))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MinLength must be positive and finite, got {MinLength}."));
        }

        if (!(InitialLength >= MinLength) || !(InitialLength <= MaxLength))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"InitialLength must lie in [MinLength, MaxLength] = [{MinLength}, {MaxLength}], got {InitialLength}."));
        }

        if (!double.IsFinite(MaxLength) || !(MaxLength > 0))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"MaxLength must be positive and finite, got {MaxLength}."));
        }

        if (SuccessTolerance < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"SuccessTolerance must be at least 1, got {SuccessTolerance}."));
        }

        if (FailureTolerance is < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"FailureTolerance must be at least 1 (or null for max(4, d)), got {FailureTolerance}."));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid trust-region options: " + string.Join(" ", problems));
        }
    }
}
