namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Options of <see cref="ImplicitDifferentiation"/>.</summary>
/// <remarks>
/// Outer step k (from 0) solves the inner problem to a gradient norm of ε_k = max(<see cref="InitialTolerance"/>
/// · <see cref="ToleranceDecrease"/>^k, <see cref="MinimumTolerance"/>) and the linear system to a residual
/// norm of ε_k: HOAG's decreasing tolerances, loose while the hyperparameters are far from optimal.
/// </remarks>
public sealed record ImplicitDifferentiationOptions
{
    /// <summary>Gets ε_0, the tolerance of the first outer step.</summary>
    /// <value>The default is 1e-3.</value>
    public double InitialTolerance { get; init; } = 1e-3;

    /// <summary>Gets the factor by which the tolerance shrinks at each outer step, in (0, 1].</summary>
    /// <value>The default is 0.5.</value>
    public double ToleranceDecrease { get; init; } = 0.5;

    /// <summary>Gets the smallest tolerance.</summary>
    /// <value>The default is 1e-10.</value>
    public double MinimumTolerance { get; init; } = 1e-10;

    /// <summary>Gets the most Newton iterations of the inner solve.</summary>
    /// <value>The default is 50.</value>
    public int MaxNewtonIterations { get; init; } = 50;

    /// <summary>Gets the most conjugate-gradient iterations of one linear solve (a Newton step or the implicit system).</summary>
    /// <value>The default is 2,000.</value>
    public int MaxConjugateGradientIterations { get; init; } = 2000;

    /// <summary>Gets how the implicit system is solved.</summary>
    /// <value>The default is <see cref="ImplicitSolver.ConjugateGradient"/>.</value>
    public ImplicitSolver Solver { get; init; } = ImplicitSolver.ConjugateGradient;

    /// <summary>Gets the number of terms J of the Neumann series.</summary>
    /// <value>The default is 100.</value>
    public int NeumannTerms { get; init; } = 100;

    /// <summary>Gets the Neumann step α; the series converges when α is below 2 / (the Hessian's largest eigenvalue).</summary>
    /// <value>The default is 0.01.</value>
    public double NeumannStepSize { get; init; } = 0.01;

    /// <summary>Gets the clock for <see cref="HypergradientCost.Elapsed"/>.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks the options, reporting every failure together.</summary>
    /// <exception cref="ArgumentException">A failure; the message lists all of them.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        if (!(InitialTolerance > 0 && double.IsFinite(InitialTolerance)))
        {
            errors.Add($"InitialTolerance must be finite and positive; got {InitialTolerance}.");
        }

        if (ToleranceDecrease is not (> 0 and <= 1))
        {
            errors.Add($"ToleranceDecrease must be in (0, 1]; got {ToleranceDecrease}.");
        }

        if (!(MinimumTolerance > 0 && MinimumTolerance <= InitialTolerance))
        {
            errors.Add($"MinimumTolerance must be positive and at most InitialTolerance ({InitialTolerance}); got {MinimumTolerance}.");
        }

        if (MaxNewtonIterations < 1 || MaxConjugateGradientIterations < 1 || NeumannTerms < 1)
        {
            errors.Add($"MaxNewtonIterations, MaxConjugateGradientIterations and NeumannTerms must be at least 1; got {MaxNewtonIterations}, {MaxConjugateGradientIterations}, {NeumannTerms}.");
        }

        if (!(NeumannStepSize > 0 && double.IsFinite(NeumannStepSize)))
        {
            errors.Add($"NeumannStepSize must be finite and positive; got {NeumannStepSize}.");
        }

        if (!Enum.IsDefined(Solver))
        {
            errors.Add($"Solver {Solver} is unknown.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }
}
