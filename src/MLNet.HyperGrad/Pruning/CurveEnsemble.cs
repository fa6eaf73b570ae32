namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// A BIC-weighted ensemble of least-squares fits of the <see cref="CurveFamily.All"/> families to a partial
/// curve; its prediction at a later step is a mixture of Gaussians, one per family, each with the family's
/// extrapolated value as mean and its delta-method predictive variance.
/// </summary>
internal sealed class CurveEnsemble
{
    private readonly CurveFit.Result[] fits;
    private readonly double[] weights;

    private CurveEnsemble(CurveFit.Result[] fits, double[] weights)
    {
        this.fits = fits;
        this.weights = weights;
    }

    /// <summary>Gets the fits, one per family that could be fitted.</summary>
    public IReadOnlyList<CurveFit.Result> Fits => fits;

    /// <summary>Gets the fits' weights (sum 1), in the order of <see cref="Fits"/>.</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>Fits every family; null when none could be fitted.</summary>
    /// <param name="t">The steps, positive, increasing.</param>
    /// <param name="y">The finite values at those steps.</param>
    public static CurveEnsemble? Fit(double[] t, double[] y)
    {
        int n = t.Length;
        var results = CurveFamily.All.Select(f => CurveFit.Fit(f, t, y)).OfType<CurveFit.Result>().ToArray();
        if (results.Length == 0)
        {
            return null;
        }

        // BIC = n ln(RSS/n) + p ln n; the RSS is floored so an exact fit does not give -infinity.
        double scale = y.Select(Math.Abs).Max() + 1e-300;
        double floor = n * Math.Pow(1e-9 * scale, 2);
        double[] bic = [.. results.Select(r => (n * Math.Log(Math.Max(r.ResidualSumOfSquares, floor) / n)) + (r.Family.ParameterCount * Math.Log(n)))];
        double min = bic.Min();
        double[] w = [.. bic.Select(b => Math.Exp(-0.5 * (b - min)))];
        double total = w.Sum();
        return new CurveEnsemble(results, [.. w.Select(x => x / total)]);
    }

    /// <summary>The ensemble's predicted mean at step <paramref name="t"/>.</summary>
    public double Mean(double t) => fits.Select((f, i) => weights[i] * f.Predict(t).Mean).Sum();

    /// <summary>The probability that the value at step <paramref name="t"/> is below <paramref name="threshold"/>.</summary>
    public double ProbabilityBelow(double t, double threshold)
    {
        double p = 0;
        for (int i = 0; i < fits.Length; i++)
        {
            (double mean, double variance) = fits[i].Predict(t);
            double sd = Math.Sqrt(variance);
            p += weights[i] * (sd > 0 ? NormalCdf((threshold - mean) / sd) : mean < threshold ? 1 : 0);
        }

        return Math.Clamp(p, 0, 1);
    }

    /// <summary>The coefficients of Numerical Recipes' erfc fit, highest power first.</summary>
    private static readonly double[] ErfcCoefficients = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];

    /// <summary>Φ, the standard normal distribution function (erfc by Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    internal static double NormalCdf(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }

        double x = -z / Math.Sqrt(2);
        double a = Math.Abs(x);
        double u = 1 / (1 + (0.5 * a));
        double poly = 0;
        foreach (double c in ErfcCoefficients)
        {
            poly = (poly * u) + c;
        }

        double erfc = u * Math.Exp((-a * a) + poly);
        return 0.5 * (x >= 0 ? erfc : 2 - erfc);
    }
}
