namespace MLNet.HyperGrad.Pruning;

/// <summary>
/// A parametric learning-curve family in loss form (decreasing towards an asymptote), after Domhan,
/// Springenberg and Hutter (2015), with its parameters unconstrained (positive ones through their log).
/// </summary>
/// <param name="Name">The family's name.</param>
/// <param name="ParameterCount">The number of parameters.</param>
/// <param name="Evaluate">The curve: parameters, step → value.</param>
/// <param name="Gradient">The curve and its exact gradient: parameters, step, gradient (written, one entry per parameter) → value; the same value as <paramref name="Evaluate"/>.</param>
/// <param name="Starts">Starting parameters for a curve (steps, values), several to try.</param>
/// <param name="EvaluateAll">The curve at every point of a fit: parameters, points, values (written, one per point); the
/// same values, bit for bit, as <paramref name="Evaluate"/> at each point (the same operations in the same order, with the
/// parameters' transforms and ln t computed once instead of once per point).</param>
/// <param name="GradientAll">The curve and its gradient at every point of a fit: parameters, points, values, Jacobian
/// [points, parameters] (both written); bit for bit what <paramref name="Gradient"/> gives at each point.</param>
internal sealed record CurveFamily(
    string Name,
    int ParameterCount,
    Func<double[], double, double> Evaluate,
    Func<double[], double, double[], double> Gradient,
    Func<double[], double[], IEnumerable<double[]>> Starts,
    Action<double[], CurvePoints, double[]> EvaluateAll,
    Action<double[], CurvePoints, double[], double[,]> GradientAll)
{
    /// <summary>pow3: <c>y = c + a·t^(−α)</c>, a, α &gt; 0.</summary>
    public static CurveFamily Pow3 { get; } = new(
        "pow3",
        3,
        (p, t) => p[0] + (Math.Exp(p[1]) * Math.Pow(t, -Math.Exp(p[2]))),
        (p, t, g) =>
        {
            // v = a·t^(−α): ∂/∂ln a = v, ∂/∂ln α = −v·α·ln t.
            double alpha = Math.Exp(p[2]);
            double v = Math.Exp(p[1]) * Math.Pow(t, -alpha);
            g[0] = 1;
            g[1] = v;
            g[2] = -v * alpha * Math.Log(t);
            return p[0] + v;
        },
        (t, y) => Saturating(t, y, [0.5, 1, 2]),
        (p, x, values) =>
        {
            double a = Math.Exp(p[1]), negativeAlpha = -Math.Exp(p[2]);
            for (int k = 0; k < x.Count; k++)
            {
                values[k] = p[0] + (a * Math.Pow(x.T[k], negativeAlpha));
            }
        },
        (p, x, values, jacobian) =>
        {
            double alpha = Math.Exp(p[2]), a = Math.Exp(p[1]);
            for (int k = 0; k < x.Count; k++)
            {
                double v = a * Math.Pow(x.T[k], -alpha);
                jacobian[k, 0] = 1;
                jacobian[k, 1] = v;
                jacobian[k, 2] = -v * alpha * x.LogT[k];
                values[k] = p[0] + v;
            }
        });

    /// <summary>exp3: <c>y = c + a·e^(−b·t)</c>, a, b &gt; 0.</summary>
    public static CurveFamily Exp3 { get; } = new(
        "exp3",
        3,
        (p, t) => p[0] + (Math.Exp(p[1]) * Math.Exp(-Math.Exp(p[2]) * t)),
        (p, t, g) =>
        {
            // v = a·e^(−bt): ∂/∂ln a = v, ∂/∂ln b = −v·b·t.
            double b = Math.Exp(p[2]);
            double v = Math.Exp(p[1]) * Math.Exp(-b * t);
            g[0] = 1;
            g[1] = v;
            g[2] = -v * b * t;
            return p[0] + v;
        },
        (t, y) => Saturating(t, y, [0.1, 0.5, 1]),
        (p, x, values) =>
        {
            double a = Math.Exp(p[1]), negativeB = -Math.Exp(p[2]);
            for (int k = 0; k < x.Count; k++)
            {
                values[k] = p[0] + (a * Math.Exp(negativeB * x.T[k]));
            }
        },
        (p, x, values, jacobian) =>
        {
            double b = Math.Exp(p[2]), a = Math.Exp(p[1]);
            for (int k = 0; k < x.Count; k++)
            {
                double t = x.T[k];
                double v = a * Math.Exp(-b * t);
                jacobian[k, 0] = 1;
                jacobian[k, 1] = v;
                jacobian[k, 2] = -v * b * t;
                values[k] = p[0] + v;
            }
        });

    /// <summary>log-power: <c>y = c + a / (1 + (t/e^b)^α)</c>, a, α &gt; 0.</summary>
    public static CurveFamily LogPower { get; } = new(
        "log-power",
        4,
        (p, t) => p[0] + (Math.Exp(p[1]) / (1 + Math.Pow(t / Math.Exp(p[2]), Math.Exp(p[3])))),
        (p, t, g) =>
        {
            // z = (t/e^b)^α, v = a/(1 + z), w = z/(1 + z): ∂/∂ln a = v, ∂/∂b = α·v·w, ∂/∂ln α = −α·v·w·(ln t − b).
            double alpha = Math.Exp(p[3]);
            double z = Math.Pow(t / Math.Exp(p[2]), alpha);
            double v = Math.Exp(p[1]) / (1 + z);
            double w = double.IsPositiveInfinity(z) ? 1 : z / (1 + z);
            g[0] = 1;
            g[1] = v;
            g[2] = alpha * v * w;
            g[3] = -alpha * v * w * (Math.Log(t) - p[2]);
            return p[0] + v;
        },
        (t, y) => Saturating(t, y, [0.5, 1, 2]).Select(s => new[] { s[0], s[1] + Math.Log(2), 0, s[2] }),
        (p, x, values) =>
        {
            double a = Math.Exp(p[1]), e = Math.Exp(p[2]), alpha = Math.Exp(p[3]);
            for (int k = 0; k < x.Count; k++)
            {
                values[k] = p[0] + (a / (1 + Math.Pow(x.T[k] / e, alpha)));
            }
        },
        (p, x, values, jacobian) =>
        {
            double alpha = Math.Exp(p[3]), e = Math.Exp(p[2]), a = Math.Exp(p[1]);
            for (int k = 0; k < x.Count; k++)
            {
                double z = Math.Pow(x.T[k] / e, alpha);
                double v = a / (1 + z);
                double w = double.IsPositiveInfinity(z) ? 1 : z / (1 + z);
                jacobian[k, 0] = 1;
                jacobian[k, 1] = v;
                jacobian[k, 2] = alpha * v * w;
                jacobian[k, 3] = -alpha * v * w * (x.LogT[k] - p[2]);
                values[k] = p[0] + v;
            }
        });

    /// <summary>Janoschek: <c>y = c + a·exp(−κ·t^δ)</c>, a, κ, δ &gt; 0.</summary>
    public static CurveFamily Janoschek { get; } = new(
        "janoschek",
        4,
        (p, t) => p[0] + (Math.Exp(p[1]) * Math.Exp(-Math.Exp(p[2]) * Math.Pow(t, Math.Exp(p[3])))),
        (p, t, g) =>
        {
            // s = t^δ, v = a·exp(−κs): ∂/∂ln a = v, ∂/∂ln κ = −v·κ·s, ∂/∂ln δ = −v·κ·s·δ·ln t.
            double kappa = Math.Exp(p[2]), delta = Math.Exp(p[3]);
            double s = Math.Pow(t, delta);
            double v = Math.Exp(p[1]) * Math.Exp(-kappa * s);
            g[0] = 1;
            g[1] = v;
            g[2] = -v * kappa * s;
            g[3] = -v * kappa * s * delta * Math.Log(t);
            return p[0] + v;
        },
        (t, y) => Saturating(t, y, [0.1, 0.5, 1]).SelectMany(s => new[] { new[] { s[0], s[1], s[2], 0.0 }, [s[0], s[1], s[2], Math.Log(0.5)] }),
        (p, x, values) =>
        {
            double a = Math.Exp(p[1]), negativeKappa = -Math.Exp(p[2]), delta = Math.Exp(p[3]);
            for (int k = 0; k < x.Count; k++)
            {
                values[k] = p[0] + (a * Math.Exp(negativeKappa * Math.Pow(x.T[k], delta)));
            }
        },
        (p, x, values, jacobian) =>
        {
            double kappa = Math.Exp(p[2]), delta = Math.Exp(p[3]), a = Math.Exp(p[1]);
            for (int k = 0; k < x.Count; k++)
            {
                double s = Math.Pow(x.T[k], delta);
                double v = a * Math.Exp(-kappa * s);
                jacobian[k, 0] = 1;
                jacobian[k, 1] = v;
                jacobian[k, 2] = -v * kappa * s;
                jacobian[k, 3] = -v * kappa * s * delta * x.LogT[k];
                values[k] = p[0] + v;
            }
        });

    /// <summary>log-linear: <c>y = a + b·ln t</c> (b of any sign: it follows a curve that rises, as when a model overfits).</summary>
    public static CurveFamily LogLinear { get; } = new(
        "log-linear",
        2,
        (p, t) => p[0] + (p[1] * Math.Log(t)),
        (p, t, g) =>
        {
            g[0] = 1;
            g[1] = Math.Log(t);
            return p[0] + (p[1] * g[1]);
        },
        (t, y) => [[y.Average(), 0]],
        (p, x, values) =>
        {
            for (int k = 0; k < x.Count; k++)
            {
                values[k] = p[0] + (p[1] * x.LogT[k]);
            }
        },
        (p, x, values, jacobian) =>
        {
            for (int k = 0; k < x.Count; k++)
            {
                jacobian[k, 0] = 1;
                jacobian[k, 1] = x.LogT[k];
                values[k] = p[0] + (p[1] * x.LogT[k]);
            }
        });

    /// <summary>The families the learning-curve pruner's ensemble uses.</summary>
    public static IReadOnlyList<CurveFamily> All { get; } = [Pow3, Exp3, LogPower, Janoschek, LogLinear];

    /// <summary>Starts for a 3-parameter saturating curve (c, ln a, ln rate): the asymptote a little below the last value, the scale from the first value, each rate given.</summary>
    private static IEnumerable<double[]> Saturating(double[] t, double[] y, double[] rates)
    {
        double last = y[^1];
        double range = Math.Max(y.Max() - y.Min(), 1e-6 * (Math.Abs(last) + 1));
        foreach (double below in new[] { 0.1, 0.5 })
        {
            double c = last - (below * range);
            double a = Math.Max(y[0] - c, 1e-6 * range);
            foreach (double rate in rates)
            {
                yield return [c, Math.Log(a), Math.Log(rate)];
            }
        }
    }
}
