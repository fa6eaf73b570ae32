namespace MLNet.HyperGrad.Bayesian;

/// <summary>Box-constrained L-BFGS by projection (an L-BFGS-B in spirit): the fit's and the acquisition optimizer's one minimizer.</summary>
/// <remarks>
/// Each iteration fixes the variables at a bound whose gradient points outwards, takes the two-loop L-BFGS
/// direction (memory <c>m</c>) on the free ones, and backtracks along the projected path <c>P(x + t·p)</c> until the
/// Armijo condition holds. A pair with no positive curvature is not stored; a direction that is not a descent
/// direction falls back to the projected steepest descent and clears the memory. An objective may return
/// <see cref="double.PositiveInfinity"/> for a point it cannot evaluate (a covariance that will not factor): the line
/// search backs off from it. Deterministic: no randomness.
/// </remarks>
internal static class ProjectedLbfgs
{
    /// <summary>Minimizes <paramref name="objective"/> inside [<paramref name="lower"/>, <paramref name="upper"/>] from <paramref name="start"/>.</summary>
    /// <param name="objective">The value and gradient at a point (the point must not be kept).</param>
    /// <param name="start">The start; clamped into the box.</param>
    /// <param name="lower">Lower bounds (equal to the upper bound to hold a variable fixed).</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="maxIterations">The largest number of iterations.</param>
    /// <param name="memory">The number of correction pairs kept.</param>
    /// <param name="gradientTolerance">Stop when the largest projected-gradient entry is below this (SciPy's <c>pgtol</c>).</param>
    /// <returns>The best point, its value and the number of objective evaluations.</returns>
    public static (double[] X, double Value, int Evaluations) Minimize(
        Func<double[], (double Value, double[] Gradient)> objective, double[] start, double[] lower, double[] upper, int maxIterations, int memory = 10, double gradientTolerance = 1e-9)
    {
        int n = start.Length;
        double[] x = Project(start, lower, upper);
        (double f, double[] g) = objective(x);
        int evaluations = 1;
        if (!double.IsFinite(f))
        {
            return (x, f, evaluations);
        }

        var s = new List<double[]>();
        var y = new List<double[]>();
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            bool[] free = new bool[n];
            double[] pg = new double[n];
            double pgMax = 0;
            for (int i = 0; i < n; i++)
            {
                free[i] = upper[i] > lower[i]
                    && !(x[i] <= lower[i] && g[i] > 0)
                    && !(x[i] >= upper[i] && g[i] < 0);
                pg[i] = free[i] ? g[i] : 0;
                pgMax = Math.Max(pgMax, Math.Abs(pg[i]));
            }

            if (pgMax < gradientTolerance)
            {
                break;
            }

            double[] p = TwoLoop(pg, s, y, free);
            double slope = Dot(p, pg);
            if (!(slope < 0))
            {
                s.Clear();
                y.Clear();
                p = [.. pg.Select(v => -v)];
                slope = Dot(p, pg);
            }

            double t = s.Count == 0 ? Math.Min(1.0, 1.0 / pgMax) : 1.0;
            double[]? xNew = null;
            double fNew = double.NaN;
            double[]? gNew = null;
            for (int trial = 0; trial < 30; trial++)
            {
                double[] candidate = new double[n];
                for (int i = 0; i < n; i++)
                {
                    candidate[i] = free[i] ? Math.Clamp(x[i] + (t * p[i]), lower[i], upper[i]) : x[i];
                }

                (double fc, double[] gc) = objective(candidate);
                evaluations++;
                double decrease = 0;
                for (int i = 0; i < n; i++)
                {
                    decrease += g[i] * (candidate[i] - x[i]);
                }

                if (double.IsFinite(fc) && fc <= f + (1e-4 * decrease))
                {
                    xNew = candidate;
                    fNew = fc;
                    gNew = gc;
                    break;
                }

                t *= 0.5;
            }

            if (xNew is null || gNew is null)
            {
                break;
            }

            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++)
            {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }

            if (Dot(sk, yk) > 1e-12 * Math.Max(1e-300, Dot(yk, yk)))
            {
                s.Add(sk);
                y.Add(yk);
                if (s.Count > memory)
                {
                    s.RemoveAt(0);
                    y.RemoveAt(0);
                }
            }

            bool converged = Math.Abs(f - fNew) <= 1e-10 * Math.Max(1.0, Math.Abs(f));
            x = xNew;
            f = fNew;
            g = gNew;
            if (converged)
            {
                break;
            }
        }

        return (x, f, evaluations);
    }

    private static double[] TwoLoop(double[] gradient, List<double[]> s, List<double[]> y, bool[] free)
    {
        int n = gradient.Length;
        double[] q = (double[])gradient.Clone();
        int m = s.Count;
        double[] a = new double[m];
        for (int k = m - 1; k >= 0; k--)
        {
            double rho = 1.0 / Dot(y[k], s[k]);
            a[k] = rho * Dot(s[k], q);
            for (int i = 0; i < n; i++)
            {
                q[i] -= a[k] * y[k][i];
            }
        }

        double gamma = m > 0 ? Dot(s[m - 1], y[m - 1]) / Dot(y[m - 1], y[m - 1]) : 1.0;
        for (int i = 0; i < n; i++)
        {
            q[i] *= gamma;
        }

        for (int k = 0; k < m; k++)
        {
            double rho = 1.0 / Dot(y[k], s[k]);
            double b = rho * Dot(y[k], q);
            for (int i = 0; i < n; i++)
            {
                q[i] += s[k][i] * (a[k] - b);
            }
        }

        for (int i = 0; i < n; i++)
        {
            q[i] = free[i] ? -q[i] : 0;
        }

        return q;
    }

    private static double[] Project(double[] x, double[] lower, double[] upper)
    {
        double[] result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            result[i] = Math.Clamp(x[i], lower[i], upper[i]);
        }

        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
