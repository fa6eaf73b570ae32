using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Transfer;
using TorchSharp;

namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Issue 11's honest selection among cheap empirical-prior designs (<c>transfer --nested</c>): for each held-out task, every
/// design of a fixed menu is scored by an inner leave-one-out on the held-out task's 49 source tasks only (each source task
/// tuned under a prior built from the other 48), the design with the lowest inner mean of r3 + r10 + r30 (stated before any run)
/// is chosen, and the chosen design then tunes the held-out task under the prior of all 49. The held-out task is never read
/// before its own run.
/// </summary>
/// <remarks>
/// <para>
/// A design is a <c>+</c>-joined name: the units of the prior (<c>raw</c>: losses = −accuracy; <c>cop</c>: each source task's
/// losses through the Gaussian copula, z = Φ⁻¹((rank − ½)/n) over its n configurations, Salinas, Shen and Perrone 2020, "A
/// quantile-based approach for hyperparameter transfer learning"), the new task's observations then read by their own running
/// ranks, z = Φ⁻¹((rank − ½)/k) over its k observations so far (ties averaged); the covariance (<c>full</c>: the empirical one,
/// divisor T − 1; <c>rankK</c>: its top-K eigenpairs plus the diagonal of the remainder, so every variance is kept; <c>lw</c>:
/// Ledoit-Wolf shrinkage towards v̄·I with the analytic weight); <c>xiM</c>, the PI margin M·√v̄ (v̄ the mean prior variance);
/// noise 0.01·v̄; <c>portM</c>: the first M proposals a greedy portfolio on the source tasks (pick j minimizes the summed
/// normalized regret, over the source tasks, of the best of picks 1..j; Wistuba, Schilling, Schmidt-Thieme 2015, "Learning
/// hyperparameter optimization initializations"), then the GP with PI. Before the first observation (and with no portfolio) the
/// proposal is the prior mean's minimizer.
/// </para>
/// </remarks>
internal static class TransferNested
{
    private static readonly int[] Checkpoints = [1, 3, 5, 10, 20, 30];

    /// <summary>The menu fixed before the first run (bench/RESULTS.md, H42).</summary>
    public const string DefaultMenu = "raw+xi0.05,raw+xi0.1,raw+xi0.2,cop+xi0,cop+xi0.1,raw+xi0.1+rank3,raw+xi0.1+rank10,raw+xi0.1+rank30,raw+xi0.1+lw,raw+xi0.1+port1,raw+xi0.1+port2,raw+xi0.1+port3,raw+xi0.1+port5,raw+xi0.1+port10";

    public static int Run(double[][] accuracy, string[] names, int[] taskList, string menuText, int budget)
    {
        Design[] menu = [.. menuText.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Design.Parse)];
        int tasks = accuracy.Length;
        int n = accuracy[0].Length;
        double[][] raw = [.. accuracy.Select(a => a.Select(v => -v).ToArray())];
        double[][] copula = [.. raw.Select(Copula)];
        Console.WriteLine(Invariant($"transfer --nested: {taskList.Length} held-out tasks, menu of {menu.Length} designs, chosen per fold by the inner leave-one-out mean of r3 + r10 + r30 over its {tasks - 1} source tasks; budget {budget}"));
        var outer = menu.ToDictionary(d => d.Name, _ => new List<double[]>(), StringComparer.Ordinal);
        var chosenCurves = new List<double[]>();
        var chosenCount = menu.ToDictionary(d => d.Name, _ => 0, StringComparer.Ordinal);
        var innerScores = menu.ToDictionary(d => d.Name, _ => new List<double>(), StringComparer.Ordinal);
        foreach (int t in taskList)
        {
            int[] sources = [.. Enumerable.Range(0, tasks).Where(o => o != t)];
            double[] inner = new double[menu.Length];
            foreach (int u in sources)
            {
                int[] innerSources = [.. sources.Where(o => o != u)];
                var priors = new PriorCache(raw, copula, innerSources);
                for (int m = 0; m < menu.Length; m++)
                {
                    double[] curve = Regret(raw[u], Tune(menu[m], priors, raw, innerSources, raw[u], budget));
                    inner[m] += (curve[2] + curve[9] + curve[Math.Min(29, curve.Length - 1)]) / sources.Length;
                }
            }

            var outerPriors = new PriorCache(raw, copula, sources);
            var row = new List<string>();
            double[]? chosen = null;
            int best = Enumerable.Range(0, menu.Length).MinBy(m => inner[m]);
            for (int m = 0; m < menu.Length; m++)
            {
                double[] curve = Regret(raw[t], Tune(menu[m], outerPriors, raw, sources, raw[t], budget));
                outer[menu[m].Name].Add(curve);
                innerScores[menu[m].Name].Add(inner[m]);
                row.Add(Invariant($"{menu[m].Name} {Line(curve, "/")} (inner {inner[m]:F4})"));
                if (m == best)
                {
                    chosen = curve;
                }
            }

            chosenCurves.Add(chosen!);
            chosenCount[menu[best].Name]++;
            Console.WriteLine(Invariant($"task {t + 1}/{tasks} {names[t]} (r1/r3/r5/r10/r20/r30): chosen {menu[best].Name} {Line(chosen!, "/")}; {string.Join(", ", row)}"));
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"mean normalized regret over {taskList.Length} held-out tasks; inner = mean over folds of the inner leave-one-out r3 + r10 + r30"));
        Console.WriteLine("| design | r1 | r3 | r5 | r10 | r20 | r30 | inner | chosen in folds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(Invariant($"| **nested: chosen per fold** | {Line(Mean(chosenCurves), " | ")} | | {taskList.Length} |"));
        foreach (Design d in menu)
        {
            Console.WriteLine(Invariant($"| {d.Name} | {Line(Mean(outer[d.Name]), " | ")} | {innerScores[d.Name].Average():F4} | {chosenCount[d.Name]} |"));
        }

        Console.WriteLine(Invariant($"nested regret r1 r3 r5 r10 r20 r30: {Line(Mean(chosenCurves), " ")}"));
        return 0;
    }

    /// <summary>Per-task Gaussian-copula transform: z = Φ⁻¹((rank − ½)/n), ties given their average rank.</summary>
    internal static double[] Copula(double[] values)
    {
        int n = values.Length;
        int[] order = [.. Enumerable.Range(0, n).OrderBy(i => values[i])];
        double[] result = new double[n];
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1;
            for (int i = start; i <= end; i++)
            {
                result[order[i]] = OutputTransform.InverseNormalCdf((rank - 0.5) / n);
            }

            start = end + 1;
        }

        return result;
    }

    /// <summary>One design's run on a target task: the configurations evaluated, in order.</summary>
    private static List<int> Tune(Design design, PriorCache priors, double[][] raw, int[] sources, double[] target, int budget)
    {
        (double[] mu, double[,] sigma) = priors.Get(design);
        int n = mu.Length;
        double meanVariance = 0;
        for (int i = 0; i < n; i++)
        {
            meanVariance += sigma[i, i] / n;
        }

        double noise = 0.01 * meanVariance;
        double margin = design.Margin * Math.Sqrt(meanVariance);
        List<int> portfolio = design.Portfolio > 0 ? Portfolio([.. sources.Select(s => raw[s])], design.Portfolio) : [];
        var observed = new List<int>();
        var used = new bool[n];
        // Rows of L⁻¹ Σ[observed, ·], grown one observation at a time (L the Cholesky factor of Σ[observed, observed] + noise·I).
        var v = new List<double[]>();
        var l = new List<double[]>();
        for (int step = 0; step < budget && step < n; step++)
        {
            int chosen;
            if (step < portfolio.Count)
            {
                chosen = portfolio[step];
            }
            else if (observed.Count == 0)
            {
                chosen = Enumerable.Range(0, n).Where(c => !used[c]).MinBy(c => mu[c]);
            }
            else
            {
                double[] y = design.Copula ? RunningRanks([.. observed.Select(i => target[i])]) : [.. observed.Select(i => target[i])];
                int k = observed.Count;
                double[] w = new double[k];
                for (int i = 0; i < k; i++)
                {
                    double s = y[i] - mu[observed[i]];
                    for (int j = 0; j < i; j++)
                    {
                        s -= l[i][j] * w[j];
                    }

                    w[i] = s / l[i][i];
                }

                double best = y.Min();
                chosen = -1;
                double chosenValue = double.NegativeInfinity;
                for (int c = 0; c < n; c++)
                {
                    if (used[c])
                    {
                        continue;
                    }

                    double mean = mu[c];
                    double variance = sigma[c, c];
                    for (int j = 0; j < k; j++)
                    {
                        mean += v[j][c] * w[j];
                        variance -= v[j][c] * v[j][c];
                    }

                    double value = (best - margin - mean) / Math.Sqrt(Math.Max(variance, 1e-12));
                    if (value > chosenValue)
                    {
                        chosenValue = value;
                        chosen = c;
                    }
                }
            }

            // Grow the factor: row k of L and of V = L⁻¹ Σ[observed, ·].
            int kk = observed.Count;
            double[] lRow = new double[kk + 1];
            for (int j = 0; j < kk; j++)
            {
                lRow[j] = v[j][chosen];
            }

            double pivot = sigma[chosen, chosen] + noise;
            for (int j = 0; j < kk; j++)
            {
                pivot -= lRow[j] * lRow[j];
            }

            lRow[kk] = Math.Sqrt(Math.Max(pivot, 1e-12));
            double[] vRow = new double[n];
            for (int c = 0; c < n; c++)
            {
                double s = sigma[chosen, c];
                for (int j = 0; j < kk; j++)
                {
                    s -= lRow[j] * v[j][c];
                }

                vRow[c] = s / lRow[kk];
            }

            l.Add(lRow);
            v.Add(vRow);
            observed.Add(chosen);
            used[chosen] = true;
        }

        return observed;
    }

    /// <summary>The new task's k observations read by their running ranks: Φ⁻¹((rank − ½)/k), ties averaged.</summary>
    internal static double[] RunningRanks(double[] values) => Copula(values);

    /// <summary>Greedy portfolio of <paramref name="size"/> configurations on the source tasks' normalized regrets (ties: the lowest index): the library's <see cref="GreedyPortfolio"/>.</summary>
    internal static List<int> Portfolio(double[][] sourceLosses, int size) => [.. GreedyPortfolio.Select(sourceLosses, size)];

    private static double[] Regret(double[] loss, List<int> evaluated)
    {
        double min = loss.Min();
        double max = loss.Max();
        double best = double.PositiveInfinity;
        double[] curve = new double[evaluated.Count];
        for (int i = 0; i < evaluated.Count; i++)
        {
            best = Math.Min(best, loss[evaluated[i]]);
            curve[i] = (best - min) / (max - min);
        }

        return curve;
    }

    private static double[] Mean(List<double[]> curves) => [.. Enumerable.Range(0, curves[0].Length).Select(i => curves.Average(c => c[i]))];

    private static string Line(double[] curve, string separator) => string.Join(separator, Checkpoints.Where(c => c <= curve.Length).Select(c => curve[c - 1].ToString("F4", CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A menu entry: units, covariance form, PI margin and portfolio size.</summary>
    private sealed record Design(string Name, bool Copula, int Rank, bool LedoitWolf, double Margin, int Portfolio)
    {
        public static Design Parse(string name)
        {
            var d = new Design(name, false, 0, false, 0.1, 0);
            foreach (string part in name.Split('+', StringSplitOptions.RemoveEmptyEntries))
            {
                d = part switch
                {
                    "raw" => d with { Copula = false },
                    "cop" => d with { Copula = true },
                    "full" => d with { Rank = 0, LedoitWolf = false },
                    "lw" => d with { LedoitWolf = true },
                    _ when part.StartsWith("rank", StringComparison.Ordinal) => d with { Rank = int.Parse(part[4..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("xi", StringComparison.Ordinal) => d with { Margin = double.Parse(part[2..], CultureInfo.InvariantCulture) },
                    _ when part.StartsWith("port", StringComparison.Ordinal) => d with { Portfolio = int.Parse(part[4..], CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"Unknown nested design part \"{part}\"; use raw, cop, full, rankK, lw, xiM, portM joined by +."),
                };
            }

            return d;
        }
    }

    /// <summary>The empirical moments of one set of source tasks, raw and in copula units, and their low-rank and Ledoit-Wolf forms, computed once.</summary>
    private sealed class PriorCache(double[][] raw, double[][] copula, int[] sources)
    {
        private readonly Dictionary<string, (double[], double[,])> cache = new(StringComparer.Ordinal);
        private (double[] Values, double[,] Vectors)? rawEigen;
        private (double[] Values, double[,] Vectors)? copulaEigen;

        public (double[] Mu, double[,] Sigma) Get(Design design)
        {
            string key = Invariant($"{design.Copula}-{design.Rank}-{design.LedoitWolf}");
            if (cache.TryGetValue(key, out (double[], double[,]) hit))
            {
                return hit;
            }

            double[][] data = design.Copula ? copula : raw;
            (double[] mu, double[,] sigma) = Moments(data);
            if (design.Rank > 0)
            {
                (double[] values, double[,] vectors) = design.Copula ? copulaEigen ??= Eigen(sigma) : rawEigen ??= Eigen(sigma);
                sigma = LowRank(sigma, values, vectors, design.Rank);
            }
            else if (design.LedoitWolf)
            {
                sigma = LedoitWolf(data, mu, sigma);
            }

            cache[key] = (mu, sigma);
            return (mu, sigma);
        }

        private (double[] Mu, double[,] Sigma) Moments(double[][] data)
        {
            string key = data == copula ? "moments-cop" : "moments-raw";
            if (cache.TryGetValue(key, out (double[], double[,]) hit))
            {
                return hit;
            }

            int n = data[0].Length;
            double[] mu = new double[n];
            foreach (int s in sources)
            {
                for (int i = 0; i < n; i++)
                {
                    mu[i] += data[s][i] / sources.Length;
                }
            }

            double[,] sigma = new double[n, n];
            double[] centred = new double[n];
            foreach (int s in sources)
            {
                for (int i = 0; i < n; i++)
                {
                    centred[i] = data[s][i] - mu[i];
                }

                for (int i = 0; i < n; i++)
                {
                    double ci = centred[i] / (sources.Length - 1);
                    for (int j = 0; j <= i; j++)
                    {
                        sigma[i, j] += ci * centred[j];
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    sigma[j, i] = sigma[i, j];
                }
            }

            cache[key] = (mu, sigma);
            return (mu, sigma);
        }

        /// <summary>Eigenvalues (descending) and eigenvectors (columns) of a symmetric matrix, by libtorch's eigh in float64.</summary>
        private static (double[] Values, double[,] Vectors) Eigen(double[,] sigma)
        {
            int n = sigma.GetLength(0);
            using var scope = torch.NewDisposeScope();
            double[] flat = new double[n * n];
            Buffer.BlockCopy(sigma, 0, flat, 0, flat.Length * sizeof(double));
            (torch.Tensor values, torch.Tensor vectors) = torch.linalg.eigh(torch.tensor(flat, [n, n], torch.float64));
            double[] ascending = values.data<double>().ToArray();
            double[] columns = vectors.contiguous().data<double>().ToArray();
            double[] result = new double[n];
            double[,] vecs = new double[n, n];
            for (int k = 0; k < n; k++)
            {
                int source = n - 1 - k;
                result[k] = ascending[source];
                for (int i = 0; i < n; i++)
                {
                    vecs[i, k] = columns[(i * n) + source];
                }
            }

            return (result, vecs);
        }

        private static double[,] LowRank(double[,] sigma, double[] values, double[,] vectors, int rank)
        {
            int n = sigma.GetLength(0);
            double[,] result = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (int k = 0; k < rank && k < n; k++)
                    {
                        s += vectors[i, k] * values[k] * vectors[j, k];
                    }

                    result[i, j] = s;
                    result[j, i] = s;
                }
            }

            for (int i = 0; i < n; i++)
            {
                result[i, i] = Math.Max(result[i, i], sigma[i, i]);
            }

            return result;
        }

        /// <summary>Ledoit and Wolf (2004): (1 − α)S + α m I, m = tr(S)/p, α = min(b̄², d²)/d² (S with divisor T here).</summary>
        private double[,] LedoitWolf(double[][] data, double[] mu, double[,] sigma)
        {
            int n = mu.Length;
            int t = sources.Length;
            double scale = (t - 1.0) / t;
            double m = 0;
            for (int i = 0; i < n; i++)
            {
                m += sigma[i, i] * scale / n;
            }

            double d2 = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double e = (sigma[i, j] * scale) - (i == j ? m : 0);
                    d2 += e * e;
                }
            }

            double b2 = 0;
            double[] x = new double[n];
            foreach (int s in sources)
            {
                for (int i = 0; i < n; i++)
                {
                    x[i] = data[s][i] - mu[i];
                }

                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double e = (x[i] * x[j]) - (sigma[i, j] * scale);
                        b2 += e * e;
                    }
                }
            }

            b2 /= (double)t * t;
            double alpha = Math.Min(b2, d2) / d2;
            double[,] result = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    result[i, j] = ((1 - alpha) * sigma[i, j]) + (i == j ? alpha * m : 0);
                }
            }

            return result;
        }
    }
}
