namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Options of the reverse-mode methods: the inner SGD-with-momentum run that is differentiated.</summary>
/// <remarks>
/// The learning rate and the momentum are hyperparameters of the set: scalars (one for the whole run)
/// or vectors of K ≤ <see cref="Steps"/> entries, step t using entry ⌊t·K / T⌋ (a schedule by blocks
/// of steps; K = T gives one per step). The update is <see cref="Training.SgdMomentum"/>'s,
/// v ← μ v + ∇L, w ← w − η v, from zero velocities; L2 penalties are part of the training loss.
/// </remarks>
public sealed record ReverseModeOptions
{
    /// <summary>Gets the number of inner steps T.</summary>
    /// <value>The default is 100.</value>
    public int Steps { get; init; } = 100;

    /// <summary>Gets the name of the learning-rate hyperparameter (log space).</summary>
    /// <value>The default is "learning_rate".</value>
    public string LearningRateName { get; init; } = "learning_rate";

    /// <summary>Gets the name of the momentum hyperparameter (logit space).</summary>
    /// <value>The default is "momentum".</value>
    public string MomentumName { get; init; } = "momentum";

    /// <summary>Gets the fractional bits of the fixed-point weights and velocities of exact reversal (a value x is stored as the int64 round(x·2^bits)).</summary>
    /// <value>The default is 32 (resolution 2.3e-10, magnitudes below 2^31); 8 … 52.</value>
    public int FractionBits { get; init; } = 32;

    /// <summary>Gets the bits of the denominator d = 2^bits of the rational momentum n/d that exact reversal multiplies by.</summary>
    /// <value>The default is 24 (momentum rounded to a multiple of 6e-8); 2 … 30.</value>
    public int MomentumDenominatorBits { get; init; } = 24;

    /// <summary>Gets the clock for <see cref="HypergradientCost.Elapsed"/>.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the options against a hyperparameter set, reporting every failure together.</summary>
    /// <param name="hyperparameters">The set.</param>
    /// <exception cref="ArgumentException">A failure; the message lists all of them.</exception>
    internal void Validate(HyperparameterSet hyperparameters)
    {
        var errors = new List<string>();
        if (Steps < 1)
        {
            errors.Add($"Steps must be at least 1; got {Steps}.");
        }

        if (FractionBits is < 8 or > 52)
        {
            errors.Add($"FractionBits must be in 8 … 52; got {FractionBits}.");
        }

        if (MomentumDenominatorBits is < 2 or > 30)
        {
            errors.Add($"MomentumDenominatorBits must be in 2 … 30; got {MomentumDenominatorBits}.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null.");
        }

        foreach (string name in new[] { LearningRateName, MomentumName })
        {
            if (!hyperparameters.Contains(name))
            {
                errors.Add($"The hyperparameters have no \"{name}\"; present: [{string.Join(", ", hyperparameters.Definitions.Select(d => d.Name))}].");
                continue;
            }

            Hyperparameter d = hyperparameters.Definition(name);
            if (d.Shape.Count > 1 || d.ElementCount > Steps)
            {
                errors.Add($"\"{name}\" must be a scalar or a vector of at most {Steps} entries (one per step or block of steps); got shape [{string.Join(", ", d.Shape)}].");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(hyperparameters));
        }
    }

    /// <summary>The schedule entry that step t uses.</summary>
    /// <param name="step">The step t.</param>
    /// <param name="entries">K, the schedule's length.</param>
    /// <returns>⌊t·K / T⌋.</returns>
    internal int EntryOf(int step, int entries) => (int)((long)step * entries / Steps);
}
