namespace MLNet.HyperGrad.Bayesian;

/// <summary>Applies an <see cref="OutputWarping"/> and standardizes: the targets a Gaussian-process tuner fits.</summary>
internal static class OutputTransform
{
    /// <summary>Warps then standardizes finite values (mean 0, standard deviation 1; all zeros when they are all equal).</summary>
    public static double[] Apply(IReadOnlyList<double> values, OutputWarping warping)
    {
        double[] w = warping switch
        {
            OutputWarping.Log => Log(values),
            OutputWarping.Quantile => Quantile(values),
            OutputWarping.Power => Power(values),
            _ => [.. values],
        };
        double mean = w.Average();
        double sd = Math.Sqrt(w.Sum(v => (v - mean) * (v - mean)) / w.Length);
        return [.. w.Select(v => sd > 1e-12 ? (v - mean) / sd : 0.0)];
    }

    /// <summary><c>log(y - min + δ)</c> with <c>δ = 0.1 · (median - min)</c> (or 1e-12 when they coincide).</summary>
    private static double[] Log(IReadOnlyList<double> values)
    {
        double min = values.Min();
        double[] sorted = [.. values.Order()];
        double median = sorted[sorted.Length / 2];
        double delta = Math.Max(0.1 * (median - min), 1e-12);
        return [.. values.Select(v => Math.Log(v - min + delta))];
    }

    private static double[] Power(IReadOnlyList<double> values)
    {
        // Box-Cox on z = y - min + δ divided by its geometric mean: λ's maximum-likelihood estimate does not depend on
        // that scale, and the scaled values keep z^λ finite.
        double[] logZ = Log(values);
        double logMean = logZ.Average();
        for (int i = 0; i < logZ.Length; i++)
        {
            logZ[i] -= logMean;
        }

        double lambda = BoxCoxLambda(logZ);
        return [.. logZ.Select(l => BoxCox(l, lambda))];
    }

    /// <summary>
    /// The Box-Cox exponent in [<c>-2</c>, <c>3</c>] that maximizes the profile log-likelihood
    /// <c>-n/2 · log σ²(t_λ) + (λ - 1) · Σ log z</c> of a normal model of the transformed values (the last sum is 0 here, the
    /// values being divided by their geometric mean): a grid of step 0.05, then golden-section search around its best.
    /// </summary>
    internal static double BoxCoxLambda(IReadOnlyList<double> logZ)
    {
        double LogLikelihood(double lambda)
        {
            double mean = 0;
            for (int i = 0; i < logZ.Count; i++)
            {
                mean += BoxCox(logZ[i], lambda);
            }

            mean /= logZ.Count;
            double variance = 0;
            for (int i = 0; i < logZ.Count; i++)
            {
                double t = BoxCox(logZ[i], lambda) - mean;
                variance += t * t;
            }

            variance /= logZ.Count;
            return variance > 0 ? -0.5 * logZ.Count * Math.Log(variance) : double.NegativeInfinity;
        }

        double best = 1;
        double bestValue = double.NegativeInfinity;
        for (int k = 0; k <= 100; k++)
        {
            double lambda = -2 + (0.05 * k);
            double value = LogLikelihood(lambda);
            if (value > bestValue)
            {
                bestValue = value;
                best = lambda;
            }
        }

        if (double.IsNegativeInfinity(bestValue))
        {
            return 1;
        }

        double a = Math.Max(-2, best - 0.05);
        double b = Math.Min(3, best + 0.05);
        double ratio = (Math.Sqrt(5) - 1) / 2;
        for (int iteration = 0; iteration < 30; iteration++)
        {
            double c = b - (ratio * (b - a));
            double d = a + (ratio * (b - a));
            if (LogLikelihood(c) >= LogLikelihood(d))
            {
                b = d;
            }
            else
            {
                a = c;
            }
        }

        return (a + b) / 2;
    }

    private static double BoxCox(double logZ, double lambda) =>
        Math.Abs(lambda) < 1e-9 ? logZ : (Math.Exp(lambda * logZ) - 1) / lambda;

    private static double[] Quantile(IReadOnlyList<double> values)
    {
        int n = values.Count;
        int[] order = [.. Enumerable.Range(0, n).OrderBy(i => values[i])];
        double[] ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = (start + end) / 2.0;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        return [.. ranks.Select(r => InverseNormalCdf((r + 0.5) / n))];
    }

    /// <summary>Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation; relative error below 1.2e-9).</summary>
    internal static double InverseNormalCdf(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        double x;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((((c[0] * q) + c[1]) * q) + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((((d[0] * q) + d[1]) * q) + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - low)
        {
            double q = p - 0.5;
            double r = q * q;
            x = (((((((a[0] * r) + a[1]) * r) + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((((b[0] * r) + b[1]) * r) + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((((c[0] * q) + c[1]) * q) + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((((d[0] * q) + d[1]) * q) + d[2]) * q + d[3]) * q + 1);
        }

        return x;
    }
}
