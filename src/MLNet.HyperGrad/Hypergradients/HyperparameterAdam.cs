using System.Globalization;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// The outer optimizer of gradient-based tuning: Adam on a <see cref="HyperparameterSet"/>'s unconstrained
/// values (log or logit space), with optional bounds per hyperparameter.
/// </summary>
/// <remarks>
/// Kingma and Ba 2015, "Adam: a method for stochastic optimization", as Maclaurin et al. 2015 use it
/// for the outer loop of reverse-mode tuning. Bounds are given in constrained units and applied by
/// clipping the unconstrained value after each step (projected Adam). The moment estimates belong to
/// one sequence of steps on sets of one layout; <see cref="Reset"/> starts a new sequence.
/// </remarks>
public sealed class HyperparameterAdam : IOuterOptimizer
{
    private readonly UnconstrainedBounds bounds = new();
    private double[]? firstMoment;
    private double[]? secondMoment;
    private string? layout;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">Step size in unconstrained units, positive. The default 0.05 moves a log-scale value by about 5% per step.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1). The default is 0.9.</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1). The default is 0.999.</param>
    /// <param name="epsilon">Added to the root of the second moment, positive. The default is 1e-8.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public HyperparameterAdam(double learningRate = 0.05, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The outer learning rate must be a finite positive number.");
        }

        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        }

        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite positive number.");
        }

        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Gets the step size in unconstrained units.</summary>
    public double LearningRate { get; }

    /// <summary>Gets the decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Gets the constant added to the root of the second moment.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the number of steps taken since creation or the last <see cref="Reset"/>.</summary>
    public int StepCount { get; private set; }

    /// <summary>Keeps every element of a hyperparameter within [min, max] (constrained units) after each step.</summary>
    /// <param name="name">The hyperparameter's name.</param>
    /// <param name="min">The smallest value allowed, inside the transform's domain (positive for log, in (0, 1) for logit).</param>
    /// <param name="max">The largest value allowed, at least <paramref name="min"/>, inside the domain.</param>
    /// <returns>This optimizer.</returns>
    /// <exception cref="ArgumentException">The name is empty, or min is above max.</exception>
    public HyperparameterAdam Bound(string name, double min, double max)
    {
        bounds.Add(name, min, max);
        return this;
    }

    /// <summary>Takes one Adam step against the hypergradient (the outer loss is not used): moves the unconstrained values downhill.</summary>
    /// <param name="current">The hyperparameters the gradient was computed at.</param>
    /// <param name="result">The gradient of the outer loss with respect to every unconstrained value of <paramref name="current"/>.</param>
    /// <returns>A new set with the same definitions.</returns>
    /// <exception cref="ArgumentException">The layout differs from the previous step's, a gradient is missing, or not finite.</exception>
    public HyperparameterSet Step(HyperparameterSet current, HypergradientResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        return Step(current, result.Flatten(current));
    }

    /// <summary>Takes one Adam step against a flat gradient in definition order.</summary>
    /// <param name="current">The hyperparameters the gradient was computed at.</param>
    /// <param name="flatGradient">One value per unconstrained element of <paramref name="current"/>, in definition order.</param>
    /// <returns>A new set with the same definitions.</returns>
    /// <exception cref="ArgumentException">The layout differs from the previous step's, the count is wrong, or a value is not finite.</exception>
    public HyperparameterSet Step(HyperparameterSet current, IReadOnlyList<double> flatGradient)
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

        string currentLayout = UnconstrainedBounds.Layout(current);
        if (layout is null)
        {
            layout = currentLayout;
            firstMoment = new double[current.ElementCount];
            secondMoment = new double[current.ElementCount];
        }
        else if (!string.Equals(layout, currentLayout, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The set's hyperparameters ({currentLayout}) differ from those of the earlier steps ({layout}); call Reset to start a new sequence.", nameof(current));
        }

        StepCount++;
        double[] u = current.FlattenUnconstrained();
        double correction1 = 1 - Math.Pow(Beta1, StepCount);
        double correction2 = 1 - Math.Pow(Beta2, StepCount);
        for (int i = 0; i < u.Length; i++)
        {
            double g = flatGradient[i];
            firstMoment![i] = (Beta1 * firstMoment[i]) + ((1 - Beta1) * g);
            secondMoment![i] = (Beta2 * secondMoment[i]) + ((1 - Beta2) * g * g);
            double mHat = firstMoment[i] / correction1;
            double vHat = secondMoment[i] / correction2;
            u[i] -= LearningRate * mHat / (Math.Sqrt(vHat) + Epsilon);
        }

        bounds.Clip(current, u);
        return current.WithUnconstrained(u);
    }

    /// <summary>Forgets the moment estimates and the step count.</summary>
    public void Reset()
    {
        StepCount = 0;
        firstMoment = null;
        secondMoment = null;
        layout = null;
    }
}
