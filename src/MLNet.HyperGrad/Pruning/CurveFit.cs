using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Least-squares fits of one <see cref="CurveFamily"/> to a partial curve (Levenberg-Marquardt with the family's exact
/// Jacobian, several starts) and its extrapolation with a delta-method prediction variance.
/// </summary>
internal static class CurveFit
{
    private const int MaxIterations = 200;

    /// <summary>The fit of one family.</summary>
    /// <param name="Family">The family.</param>
    /// <param name="Parameters">The fitted parameters.</param>
    /// <param name="ResidualSumOfSquares">The residual sum of squares.</param>
    /// <param name="Covariance">The parameters' covariance σ²(JᵀJ)⁻¹, with σ² = RSS/(n − p).</param>
    /// <param name="NoiseVariance">σ², the residual variance.</param>
    internal sealed record Result(CurveFamily Family, double[] Parameters, double ResidualSumOfSquares, double[,] Covariance, double NoiseVariance)
    {
        /// <summary>The predicted value at step <paramref name="t"/> and its predictive variance σ² + gᵀCg.</summary>
        public (double Mean, double Variance) Predict(double t)
        {
            double mean = Family.Evaluate(Parameters, t);
            double[] g = Gradient(Family, Parameters, t);
            double variance = NoiseVariance;
            int p = g.Length;
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    variance += g[i] * Covariance[i, j] * g[j];
                }
            }

            return (mean, Math.Max(variance, 0));
        }
    }

    /// <summary>Fits the family to the points from each of its starts, keeping the smallest residual; null when there are not more points than parameters or no start converges to finite values.</summary>
    /// <param name="family">The family.</param>
    /// <param name="t">The steps, positive.</param>
    /// <param name="y">The values at those steps.</param>
    public static Result? Fit(CurveFamily family, double[] t, double[] y)
    {
        int n = t.Length, p = family.ParameterCount;
        if (n <= p)
        {
            return null;
        }

        double[]? best = null;
        double bestRss = double.PositiveInfinity;
        var work = new Workspace(new CurvePoints(t), p);
        foreach (double[] start in family.Starts(t, y))
        {
            double[] theta = LevenbergMarquardt(family, t, y, (double[])start.Clone(), work, out double rss);
            if (rss < bestRss)
            {
                bestRss = rss;
                best = theta;
            }
        }

        if (best is null || !double.IsFinite(bestRss))
        {
            return null;
        }

        Linearize(family, best, t, y, work);
        double sigma2 = bestRss / (n - p);
        double[,] covariance = Invert(work.JtJ);
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                covariance[i, j] *= sigma2;
            }
        }

        return new Result(family, best, bestRss, covariance, sigma2);
    }

    /// <summary>The family's gradient with respect to its parameters at step <paramref name="t"/>; a non-finite entry (an overflow far from the data) counts as 0.</summary>
    internal static double[] Gradient(CurveFamily family, double[] theta, double t)
    {
        var g = new double[theta.Length];
        family.Gradient(theta, t, g);
        for (int i = 0; i < g.Length; i++)
        {
            if (!double.IsFinite(g[i]))
            {
                g[i] = 0;
            }
        }

        return g;
    }

    /// <summary>The points of one fit and the buffers it reuses across its iterations.</summary>
    private sealed class Workspace(CurvePoints points, int p)
    {
        public CurvePoints Points => points;

        public double[] Values { get; } = new double[points.Count];

        public double[,] Jacobian { get; } = new double[points.Count, p];

        public double[,] JtJ { get; } = new double[p, p];

        public double[] JtR { get; } = new double[p];

        public double[,] Damped { get; } = new double[p, p];

        public double[] Candidate { get; } = new double[p];
    }

    /// <summary>JᵀJ and Jᵀr at θ (r = y − f), into the workspace, from the exact Jacobian at every point (a non-finite entry counts as 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Linearize(CurveFamily family, double[] theta, double[] t, double[] y, Workspace work)
    {
        int p = theta.Length;
        double[,] a = work.JtJ;
        double[] g = work.JtR;
        double[,] jacobian = work.Jacobian;
        double[] values = work.Values;
        Array.Clear(a);
        Array.Clear(g);
        family.GradientAll(theta, work.Points, values, jacobian);
        for (int k = 0; k < t.Length; k++)
        {
            double r = y[k] - values[k];
            for (int i = 0; i < p; i++)
            {
                if (!double.IsFinite(jacobian[k, i]))
                {
                    jacobian[k, i] = 0;
                }
            }

            for (int i = 0; i < p; i++)
            {
                g[i] += jacobian[k, i] * r;
                for (int j = 0; j < p; j++)
                {
                    a[i, j] += jacobian[k, i] * jacobian[k, j];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] LevenbergMarquardt(CurveFamily family, double[] t, double[] y, double[] theta, Workspace work, out double rss)
    {
        int p = theta.Length;
        rss = Rss(family, theta, y, work);
        if (!double.IsFinite(rss))
        {
            return theta;
        }

        double lambda = 1e-3;
        double[,] a = work.JtJ, damped = work.Damped;
        double[] candidate = work.Candidate;
        for (int iteration = 0; iteration < MaxIterations && lambda < 1e12; iteration++)
        {
            Linearize(family, theta, t, y, work);
            bool improved = false;
            while (!improved && lambda < 1e12)
            {
                for (int i = 0; i < p; i++)
                {
                    for (int j = 0; j < p; j++)
                    {
                        damped[i, j] = a[i, j];
                    }

                    damped[i, i] += (lambda * a[i, i]) + 1e-12;
                }

                double[] step = Solve(damped, work.JtR);
                for (int i = 0; i < p; i++)
                {
                    candidate[i] = theta[i] + step[i];
                }

                double candidateRss = Rss(family, candidate, y, work);
                if (double.IsFinite(candidateRss) && candidateRss < rss)
                {
                    bool converged = rss - candidateRss <= 1e-12 * (rss + 1e-300);
                    Array.Copy(candidate, theta, p);
                    rss = candidateRss;
                    lambda = Math.Max(lambda / 3, 1e-12);
                    improved = true;
                    if (converged)
                    {
                        return theta;
                    }
                }
                else
                {
                    lambda *= 4;
                }
            }
        }

        return theta;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Rss(CurveFamily family, double[] theta, double[] y, Workspace work)
    {
        double[] values = work.Values;
        family.EvaluateAll(theta, work.Points, values);
        double sum = 0;
        for (int k = 0; k < y.Length; k++)
        {
            double r = y[k] - values[k];
            sum += r * r;
        }

        return double.IsNaN(sum) ? double.PositiveInfinity : sum;
    }

    /// <summary>Solves a·x = b by Gaussian elimination with partial pivoting; a singular pivot gives a zero component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] Solve(double[,] a, double[] b)
    {
        int p = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < p; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < p; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (pivot != col)
            {
                for (int k = 0; k < p; k++)
                {
                    (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                }

                (x[col], x[pivot]) = (x[pivot], x[col]);
            }

            if (Math.Abs(m[col, col]) < 1e-300)
            {
                continue;
            }

            for (int row = col + 1; row < p; row++)
            {
                double f = m[row, col] / m[col, col];
                for (int k = col; k < p; k++)
                {
                    m[row, k] -= f * m[col, k];
                }

                x[row] -= f * x[col];
            }
        }

        for (int row = p - 1; row >= 0; row--)
        {
            double sum = x[row];
            for (int k = row + 1; k < p; k++)
            {
                sum -= m[row, k] * x[k];
            }

            x[row] = Math.Abs(m[row, row]) < 1e-300 ? 0 : sum / m[row, row];
        }

        return x;
    }

    /// <summary>The inverse of a symmetric positive semi-definite matrix, with a small ridge (relative to its trace) so a flat direction does not blow up.</summary>
    private static double[,] Invert(double[,] a)
    {
        int p = a.GetLength(0);
        var ridged = (double[,])a.Clone();
        double trace = 0;
        for (int i = 0; i < p; i++)
        {
            trace += a[i, i];
        }

        for (int i = 0; i < p; i++)
        {
            ridged[i, i] += (1e-9 * trace / p) + 1e-300;
        }

        var inverse = new double[p, p];
        for (int j = 0; j < p; j++)
        {
            var e = new double[p];
            e[j] = 1;
            double[] column = Solve(ridged, e);
            for (int i = 0; i < p; i++)
            {
                inverse[i, j] = column[i];
            }
        }

        return inverse;
    }
}
