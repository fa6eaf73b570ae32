namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// Least-squares fits of one <see cref="CurveFamily"/> to a partial curve (Levenberg-Marquardt, central
/// finite-difference Jacobian, several starts) and its extrapolation with a delta-method prediction variance.
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

    /// <summary>Fits the family to the points; null when there are not more points than parameters or no start converges to finite values.</summary>
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
        foreach (double[] start in family.Starts(t, y))
        {
            double[] theta = LevenbergMarquardt(family, t, y, (double[])start.Clone(), out double rss);
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

        double[,] jtj = JtJ(Jacobian(family, best, t));
        double sigma2 = bestRss / (n - p);
        double[,] covariance = Invert(jtj);
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                covariance[i, j] *= sigma2;
            }
        }

        return new Result(family, best, bestRss, covariance, sigma2);
    }

    private static double[] LevenbergMarquardt(CurveFamily family, double[] t, double[] y, double[] theta, out double rss)
    {
        int p = theta.Length;
        rss = Rss(family, theta, t, y);
        if (!double.IsFinite(rss))
        {
            return theta;
        }

        double lambda = 1e-3;
        for (int iteration = 0; iteration < MaxIterations && lambda < 1e12; iteration++)
        {
            double[][] jacobian = Jacobian(family, theta, t);
            double[,] a = JtJ(jacobian);
            var g = new double[p];
            for (int k = 0; k < t.Length; k++)
            {
                double r = y[k] - family.Evaluate(theta, t[k]);
                for (int i = 0; i < p; i++)
                {
                    g[i] += jacobian[k][i] * r;
                }
            }

            bool improved = false;
            while (!improved && lambda < 1e12)
            {
                var damped = (double[,])a.Clone();
                for (int i = 0; i < p; i++)
                {
                    damped[i, i] += (lambda * a[i, i]) + 1e-12;
                }

                double[] step = Solve(damped, g);
                double[] candidate = [.. theta.Zip(step, (x, d) => x + d)];
                double candidateRss = Rss(family, candidate, t, y);
                if (double.IsFinite(candidateRss) && candidateRss < rss)
                {
                    bool converged = rss - candidateRss <= 1e-12 * (rss + 1e-300);
                    theta = candidate;
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

    private static double Rss(CurveFamily family, double[] theta, double[] t, double[] y)
    {
        double sum = 0;
        for (int k = 0; k < t.Length; k++)
        {
            double r = y[k] - family.Evaluate(theta, t[k]);
            sum += r * r;
        }

        return double.IsNaN(sum) ? double.PositiveInfinity : sum;
    }

    private static double[] Gradient(CurveFamily family, double[] theta, double t)
    {
        var g = new double[theta.Length];
        var probe = (double[])theta.Clone();
        for (int i = 0; i < theta.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(theta[i]));
            probe[i] = theta[i] + h;
            double up = family.Evaluate(probe, t);
            probe[i] = theta[i] - h;
            double down = family.Evaluate(probe, t);
            probe[i] = theta[i];
            g[i] = (up - down) / (2 * h);
            if (!double.IsFinite(g[i]))
            {
                g[i] = 0;
            }
        }

        return g;
    }

    private static double[][] Jacobian(CurveFamily family, double[] theta, double[] t) => [.. t.Select(tk => Gradient(family, theta, tk))];

    private static double[,] JtJ(double[][] jacobian)
    {
        int p = jacobian[0].Length;
        var a = new double[p, p];
        foreach (double[] row in jacobian)
        {
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    a[i, j] += row[i] * row[j];
                }
            }
        }

        return a;
    }

    /// <summary>Solves a·x = b by Gaussian elimination with partial pivoting; a singular pivot gives a zero component.</summary>
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
