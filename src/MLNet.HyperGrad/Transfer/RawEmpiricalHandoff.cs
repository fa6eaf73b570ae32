namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The raw-unit empirical GP of issue 11's baseline, used by <see cref="MetaGaussianProcessTuner"/> after the hand-off
/// (<see cref="MetaGaussianProcessTunerOptions.EmpiricalHandoffTrial"/>): over the shared points of a fully matched history, prior mean and
/// covariance are the source tasks' empirical mean and covariance (divisor T − 1) of their raw losses; noise 0.01·v̄ and PI margin
/// 0.1·√v̄, v̄ the mean prior variance; the new task's raw losses enter as they are.
/// </summary>
internal static class RawEmpiricalHandoff
{
    /// <summary>The noise variance relative to the mean prior variance.</summary>
    internal const double NoiseFactor = 0.01;

    /// <summary>The PI margin relative to the square root of the mean prior variance.</summary>
    internal const double MarginFactor = 0.1;

    /// <summary>The open shared point that maximizes probability of improvement (the first of equals).</summary>
    /// <param name="shared">The source tasks' raw losses at the shared points, [T][m].</param>
    /// <param name="observed">The new task's points so far as shared-point indices, with their raw losses.</param>
    /// <param name="open">The shared-point indices that may be proposed, in the order to break ties.</param>
    /// <returns>The position in <paramref name="open"/> of the point chosen.</returns>
    public static int Choose(SharedSourceValues shared, IReadOnlyList<(int Point, double Loss)> observed, IReadOnlyList<int> open)
    {
        double[][] values = shared.Values;
        int tasks = values.Length;
        int m = values[0].Length;
        double[] mu = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int t = 0; t < tasks; t++)
            {
                mu[i] += values[t][i] / tasks;
            }
        }

        double Covariance(int i, int j)
        {
            double s = 0;
            for (int t = 0; t < tasks; t++)
            {
                s += (values[t][i] - mu[i]) * (values[t][j] - mu[j]);
            }

            return s / (tasks - 1);
        }

        double meanVariance = 0;
        for (int i = 0; i < m; i++)
        {
            meanVariance += Covariance(i, i) / m;
        }

        double noise = NoiseFactor * meanVariance;
        double margin = MarginFactor * Math.Sqrt(meanVariance);
        int k = observed.Count;
        if (k == 0)
        {
            return Enumerable.Range(0, open.Count).MinBy(c => mu[open[c]]);
        }

        // Cholesky factor of Σ[obs, obs] + noise·I (pivots floored at 1e-12), then w = L⁻¹(y − μ_obs).
        double[,] l = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = Covariance(observed[i].Point, observed[j].Point) + (i == j ? noise : 0);
                for (int q = 0; q < j; q++)
                {
                    s -= l[i, q] * l[j, q];
                }

                l[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / l[j, j];
            }
        }

        double[] w = ForwardSolve(l, [.. observed.Select(o => o.Loss - mu[o.Point])]);
        double best = observed.Min(o => o.Loss);
        int chosen = 0;
        double chosenValue = double.NegativeInfinity;
        for (int c = 0; c < open.Count; c++)
        {
            int point = open[c];
            double[] v = ForwardSolve(l, [.. observed.Select(o => Covariance(point, o.Point))]);
            double mean = mu[point];
            double variance = Covariance(point, point);
            for (int i = 0; i < k; i++)
            {
                mean += v[i] * w[i];
                variance -= v[i] * v[i];
            }

            double value = (best - margin - mean) / Math.Sqrt(Math.Max(variance, 1e-12));
            if (value > chosenValue)
            {
                chosenValue = value;
                chosen = c;
            }
        }

        return chosen;
    }

    private static double[] ForwardSolve(double[,] l, double[] b)
    {
        double[] x = new double[b.Length];
        for (int i = 0; i < b.Length; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++)
            {
                s -= l[i, j] * x[j];
            }

            x[i] = s / l[i, i];
        }

        return x;
    }
}
