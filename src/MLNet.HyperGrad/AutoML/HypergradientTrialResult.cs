using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;

namespace MLNet.HyperGrad.AutoML;

/// <summary>A trial result that carries the hypergradient: what <see cref="Tuners.HyperGradientTuner"/> steps with.</summary>
/// <remarks>
/// <para>Written by <see cref="Runners.HypergradientTrialRunner"/>: <see cref="TrialResult.Loss"/> is the outer
/// loss (validation cross-entropy), <see cref="TrialResult.Metric"/> the validation accuracy. The gradients are
/// with respect to the unconstrained values (log or logit space) of <see cref="Hyperparameters"/>, by name,
/// row-major; a tuner maps them back to the search space by these names.</para>
/// <para>Collections are copied when set, so the result does not change after it is built.</para>
/// </remarks>
public sealed record HypergradientTrialResult : TrialResult
{
    /// <summary>Gets the outer criterion at the trained weights (validation cross-entropy).</summary>
    public double OuterLoss { get; init; }

    /// <summary>Gets the gradient of the outer loss with respect to each hyperparameter's unconstrained values, by hyperparameter name, row-major.</summary>
    public IReadOnlyDictionary<string, double[]> Hypergradient
    {
        get;
        init => field = (value ?? throw new ArgumentNullException(nameof(value))).ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone(), StringComparer.Ordinal);
    } = new Dictionary<string, double[]>(StringComparer.Ordinal);

    /// <summary>Gets the hyperparameters the trial trained with (the point <see cref="Hypergradient"/> was computed at).</summary>
    public HyperparameterSet? Hyperparameters
    {
        get;
        init => field = value?.WithUnconstrained(value.FlattenUnconstrained());
    }

    /// <summary>
    /// Gets the hyperparameters at the end of an online method's run (greedy one-step tunes while it trains), or
    /// null for methods that only measure; a gradient tuner continues from them instead of taking an outer step.
    /// </summary>
    public HyperparameterSet? TunedHyperparameters
    {
        get;
        init => field = value?.WithUnconstrained(value.FlattenUnconstrained());
    }

    /// <summary>Gets the short name of the hypergradient method ("exact-reversal", "hoag-cg", ...).</summary>
    public string MethodName { get; init; } = string.Empty;

    /// <summary>Gets what computing the hypergradient cost.</summary>
    public HypergradientCost Cost { get; init; } = new();

    /// <summary>Gets whether an exact-reversal pass recovered the initial weights bit for bit; null for other methods.</summary>
    public bool? ExactlyReversed { get; init; }

    /// <summary>Gets the cross-entropy on the test set at the trained weights, or null when the runner has no test set.</summary>
    /// <remarks>Not used to rank trials: it is there to watch for validation overfitting over outer steps. The runner also puts it in
    /// <see cref="TrialResult.Attributes"/> as <c>test_loss</c>, which the experiment stores with the trial.</remarks>
    public double? TestLoss { get; init; }

    /// <summary>Gets the MLP's layer sizes, input to output (copied when set).</summary>
    public IReadOnlyList<int> LayerSizes { get; init => field = Array.AsReadOnly([.. value ?? throw new ArgumentNullException(nameof(value))]); } = [];

    /// <summary>Gets the trained weights (w0, b0, w1, b1, …) as float64 arrays; empty if training diverged.</summary>
    public IReadOnlyList<double[]> Weights { get; init; } = [];

    /// <summary>Gets the standardizer applied to the features before the MLP, or null.</summary>
    public Standardizer? Standardizer { get; init; }

    /// <summary>The gradient concatenated in the order of a set's definitions.</summary>
    /// <param name="hyperparameters">The set whose order to use.</param>
    /// <returns>A new array of the set's element count.</returns>
    /// <exception cref="KeyNotFoundException">A hyperparameter of the set has no gradient here.</exception>
    public double[] FlattenHypergradient(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new HypergradientResult(OuterLoss, Hypergradient, Cost).Flatten(hyperparameters);
    }
}
