using System.Globalization;

namespace MLNet.HyperGrad.Tuners;

/// <summary>The state of a TuRBO-1 trust region: its side length and the success and failure counters that resize it.</summary>
/// <remarks>See <see cref="TrustRegionOptions"/> for the rule. The region is centred on the best observed point by the caller.</remarks>
public sealed class TrustRegion
{
    private readonly TrustRegionOptions options;
    private readonly int failureTolerance;
    private int successes;
    private int failures;

    /// <summary>Creates a region of side <see cref="TrustRegionOptions.InitialLength"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="dimension">The feature dimension d ≥ 1 (sets the default failure tolerance <c>max(4, d)</c>).</param>
    /// <exception cref="ArgumentException">The settings are invalid or <paramref name="dimension"/> is below 1.</exception>
    public TrustRegion(TrustRegionOptions options, int dimension)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (dimension < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The dimension must be at least 1, got {dimension}."), nameof(dimension));
        }

        this.options = options;
        failureTolerance = options.FailureTolerance ?? Math.Max(4, dimension);
        Length = options.InitialLength;
    }

    /// <summary>Gets the current side length <c>L</c>.</summary>
    public double Length { get; private set; }

    /// <summary>Gets the best loss recorded, or +∞ before any.</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets how many times the region fell below the minimum length and restarted.</summary>
    public int Restarts { get; private set; }

    /// <summary>Records a completed trial's loss.</summary>
    /// <param name="loss">The loss (finite).</param>
    /// <param name="counts">Whether the trial counts towards resizing (model-based trials do; the startup design does not, it only sets the best).</param>
    public void Record(double loss, bool counts)
    {
        bool improved = double.IsPositiveInfinity(Best) || loss < Best - (1e-3 * Math.Abs(Best));

        Best = Math.Min(Best, loss);
        if (!counts)
        {
            return;
        }

        if (improved)
        {
            successes++;
            failures = 0;
        }
        else
        {
            failures++;
            successes = 0;
        }

        if (successes >= options.SuccessTolerance)
        {
            Length = Math.Min(2 * Length, options.MaxLength);
            successes = 0;
        }
        else if (failures >= failureTolerance)
        {
            Length /= 2;
            failures = 0;
        }

        if (Length < options.MinLength)
        {
            Length = options.InitialLength;
            Restarts++;
        }
    }

    /// <summary>The box of the region around a centre, inside the unit cube.</summary>
    /// <param name="center">The centre (the best observed point), d values in [0, 1].</param>
    /// <param name="lengthScales">The model's length scales, d positive values.</param>
    /// <param name="bounded">Which coordinates the box narrows; the others keep the whole [0, 1] (choices, integers, conditional slots).</param>
    /// <returns>The lower and upper corners.</returns>
    /// <exception cref="ArgumentException">The lengths of the arguments differ, or a length scale is not positive.</exception>
    public (double[] Lower, double[] Upper) Box(IReadOnlyList<double> center, IReadOnlyList<double> lengthScales, IReadOnlyList<bool> bounded)
    {
        ArgumentNullException.ThrowIfNull(center);
        ArgumentNullException.ThrowIfNull(lengthScales);
        ArgumentNullException.ThrowIfNull(bounded);
        int d = center.Count;
        if (lengthScales.Count != d || bounded.Count != d)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {d} length scales and flags, got {lengthScales.Count} and {bounded.Count}."), nameof(lengthScales));
        }

        if (lengthScales.Any(l => !(l > 0) || !double.IsFinite(l)))
        {
            throw new ArgumentException("Every length scale must be positive and finite.", nameof(lengthScales));
        }

        int narrowed = bounded.Count(b => b);
        double logMean = narrowed == 0 ? 0 : Enumerable.Range(0, d).Where(j => bounded[j]).Sum(j => Math.Log(lengthScales[j])) / narrowed;
        double[] lower = new double[d];
        double[] upper = new double[d];
        for (int j = 0; j < d; j++)
        {
            if (!bounded[j])
            {
                lower[j] = 0;
                upper[j] = 1;
                continue;
            }

            double half = 0.5 * Length * Math.Exp(Math.Log(lengthScales[j]) - logMean);
            lower[j] = Math.Clamp(center[j] - half, 0, 1);
            upper[j] = Math.Clamp(center[j] + half, 0, 1);
        }

        return (lower, upper);
    }
}
