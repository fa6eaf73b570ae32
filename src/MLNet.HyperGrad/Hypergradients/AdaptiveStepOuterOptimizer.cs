using System.Globalization;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// HOAG's outer step (Pedregosa 2016, "Hyperparameter optimization with approximate gradient", Algorithm 1): a
/// gradient step of size 1/L on the unconstrained hyperparameters, with L adapted to how much the outer loss fell.
/// </summary>
/// <remarks>
/// <para>At outer step k the caller passes the set λ_k, its outer loss f_k, the hypergradient g_k and the tolerance ε_k
/// the method solved to (<see cref="HypergradientResult.Tolerance"/>; 0 when null). The first step sets
/// L = ‖g_0‖ / <see cref="InitialStepLength"/>, so that it moves λ by that Euclidean length. Every later step first judges
/// the previous one, of length Δ = ‖λ_k − λ_{k−1}‖: when the loss fell by at least (L/2)·Δ², allowing for the
/// tolerances, f_k − ε_k ≤ f_{k−1} + ε_{k−1} + ε_{k−1}·Δ − (L/2)·Δ², L is multiplied by <see cref="Shrink"/> (the
/// steps grow); when the loss fell by less, L stays; when it rose, L is multiplied by <see cref="Grow"/> (the steps
/// shrink). Then λ_{k+1} = λ_k − g_k / L, clipped to the bounds. A rejected step is not undone: the next step starts
/// from where the loss rose, with the smaller step, as in the paper's reference code (fabianp/hoag), whose constants
/// are the defaults here (shrink 0.95, grow 2). The first step's length differs from that code's, which is 1/n for n
/// hyperparameters.</para>
/// <para>Against <see cref="HyperparameterAdam"/>: Adam's step shrinks as the hypergradient shrinks near an optimum
/// while its second moment still remembers the large early gradients; here the step follows the gradient's size
/// divided by a curvature estimate that the observed decreases keep honest.</para>
/// </remarks>
public sealed class AdaptiveStepOuterOptimizer : IOuterOptimizer
{
    private readonly UnconstrainedBounds bounds = new();
    private string? layout;
    private double[]? previousPoint;
    private double previousLoss;
    private double previousTolerance;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="initialStepLength">The Euclidean length of the first step in unconstrained units, positive. The default 1 moves one log-scale value by a factor of e.</param>
    /// <param name="shrink">The factor of L after a sufficient decrease, in (0, 1]. The default is 0.95 (the steps grow by about 5%).</param>
    /// <param name="grow">The factor of L after an increase of the outer loss, at least 1. The default is 2 (the steps halve).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AdaptiveStepOuterOptimizer(double initialStepLength = 1, double shrink = 0.95, double grow = 2)
    {
        if (!(initialStepLength > 0) || !double.IsFinite(initialStepLength))
        {
            throw new ArgumentOutOfRangeException(nameof(initialStepLength), initialStepLength, "The initial step length must be a finite positive number.");
        }

        if (!(shrink > 0 && shrink <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(shrink), shrink, "shrink must be in (0, 1].");
        }

        if (!(grow >= 1) || !double.IsFinite(grow))
        {
            throw new ArgumentOutOfRangeException(nameof(grow), grow, "grow must be finite and at least 1.");
        }

        InitialStepLength = initialStepLength;
        Shrink = shrink;
        Grow = grow;
    }

    /// <summary>Gets the Euclidean length of the first step, in unconstrained units.</summary>
    public double InitialStepLength { get; }

    /// <summary>Gets the factor of L after a sufficient decrease of the outer loss.</summary>
    public double Shrink { get; }

    /// <summary>Gets the factor of L after an increase of the outer loss.</summary>
    public double Grow { get; }

    /// <summary>Gets the current L, the inverse of the step size; NaN before the first step with a nonzero hypergradient.</summary>
    public double Lipschitz { get; private set; } = double.NaN;

    /// <summary>Gets how the last step judged the one before it: −1 the loss rose (L grew), 0 it fell by too little (L kept), 1 sufficient decrease (L shrank); 0 at the first step.</summary>
    public int LastJudgement { get; private set; }

    /// <inheritdoc/>
    public int StepCount { get; private set; }

    /// <summary>Keeps every element of a hyperparameter within [min, max] (constrained units) after each step.</summary>
    /// <param name="name">The hyperparameter's name.</param>
    /// <param name="min">The smallest value allowed, inside the transform's domain (positive for log, in (0, 1) for logit).</param>
    /// <param name="max">The largest value allowed, at least <paramref name="min"/>, inside the domain.</param>
    /// <returns>This optimizer.</returns>
    /// <exception cref="ArgumentException">The name is empty, or min is above max.</exception>
    public AdaptiveStepOuterOptimizer Bound(string name, double min, double max)
    {
        bounds.Add(name, min, max);
        return this;
    }

    /// <inheritdoc/>
    public HyperparameterSet Step(HyperparameterSet current, HypergradientResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        return Step(current, result.OuterLoss, result.Flatten(current), result.Tolerance ?? 0);
    }

    /// <summary>Takes one step from a flat gradient in definition order.</summary>
    /// <param name="current">The hyperparameters the loss and gradient were computed at.</param>
    /// <param name="outerLoss">The outer loss at <paramref name="current"/>, finite.</param>
    /// <param name="flatGradient">One value per unconstrained element of <paramref name="current"/>, in definition order.</param>
    /// <param name="tolerance">ε_k, the bound on the error of the outer loss (the method's tolerance), at least 0.</param>
    /// <returns>A new set with the same definitions.</returns>
    /// <exception cref="ArgumentException">The layout differs from the previous step's, the count is wrong, or a value is not finite.</exception>
    public HyperparameterSet Step(HyperparameterSet current, double outerLoss, IReadOnlyList<double> flatGradient, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(flatGradient);
        if (flatGradient.Count != current.ElementCount)
        {
            throw new ArgumentException($"Expected {current.ElementCount} gradient values (the set's element count); got {flatGradient.Count}.", nameof(flatGradient));
        }

        for (int i = 0; i < flatGradient.Count; i++)
        {
            if (!double.IsFinite(flatGradient[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Gradient value {i} is {flatGradient[i]}; the outer step needs finite hypergradients."), nameof(flatGradient));
            }
        }

        if (!double.IsFinite(outerLoss))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The outer loss is {outerLoss}; the step-size rule needs a finite loss."), nameof(outerLoss));
        }

        if (!(tolerance >= 0) || !double.IsFinite(tolerance))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The tolerance must be finite and at least 0; got {tolerance}."), nameof(tolerance));
        }

        string currentLayout = UnconstrainedBounds.Layout(current);
        if (layout is null)
        {
            layout = currentLayout;
        }
        else if (!string.Equals(layout, currentLayout, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The set's hyperparameters ({currentLayout}) differ from those of the earlier steps ({layout}); call Reset to start a new sequence.", nameof(current));
        }

        double[] u = current.FlattenUnconstrained();
        double gradientNorm = Math.Sqrt(flatGradient.Sum(g => g * g));
        LastJudgement = 0;
        if (previousPoint is not null && double.IsFinite(Lipschitz))
        {
            double moved = Math.Sqrt(u.Zip(previousPoint, (a, b) => (a - b) * (a - b)).Sum());
            if (outerLoss - tolerance <= previousLoss + previousTolerance + (previousTolerance * moved) - (Lipschitz / 2 * moved * moved))
            {
                Lipschitz *= Shrink;
                LastJudgement = 1;
            }
            else if (outerLoss > previousLoss)
            {
                Lipschitz *= Grow;
                LastJudgement = -1;
            }
        }

        if (!double.IsFinite(Lipschitz) && gradientNorm > 0)
        {
            Lipschitz = gradientNorm / InitialStepLength;
        }

        StepCount++;
        previousPoint = u;
        previousLoss = outerLoss;
        previousTolerance = tolerance;
        double[] next = (double[])u.Clone();
        if (gradientNorm > 0)
        {
            for (int i = 0; i < next.Length; i++)
            {
                next[i] -= flatGradient[i] / Lipschitz;
            }
        }

        bounds.Clip(current, next);
        return current.WithUnconstrained(next);
    }

    /// <summary>Forgets L, the previous point and loss, and the step count.</summary>
    public void Reset()
    {
        StepCount = 0;
        layout = null;
        previousPoint = null;
        previousLoss = 0;
        previousTolerance = 0;
        Lipschitz = double.NaN;
        LastJudgement = 0;
    }
}
