namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The greedy portfolio of Wistuba, Schilling and Schmidt-Thieme (2015), "Learning hyperparameter optimization initializations":
/// from values of T tasks at the same m points, pick j is the point that minimizes the sum over tasks of the normalized regret of
/// the best of picks 1..j.
/// </summary>
internal static class GreedyPortfolio
{
    /// <summary>Chooses the portfolio.</summary>
    /// <param name="values">Each task's losses at the same m points, shape [T][m]; each task is normalized to [0, 1] over its m values (a task whose values are all equal adds nothing).</param>
    /// <param name="size">The most points to pick (fewer when m is smaller).</param>
    /// <returns>The indices of the points picked, in order; ties go to the lowest index.</returns>
    /// <exception cref="ArgumentException">The tasks hold different numbers of points or a non-finite value.</exception>
    public static int[] Select(IReadOnlyList<double[]> values, int size)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || size <= 0)
        {
            return [];
        }

        int m = values[0].Length;
        if (values.Any(v => v is null || v.Length != m || v.Any(x => !double.IsFinite(x))))
        {
            throw new ArgumentException($"Every task must hold {m} finite values (the points' count of task 0).", nameof(values));
        }

        double[][] regrets = [.. values.Select(v =>
        {
            double min = v.Min();
            double range = v.Max() - min;
            return range > 0 ? v.Select(x => (x - min) / range).ToArray() : new double[m];
        })];
        double[] best = [.. regrets.Select(r => r.Length == 0 ? 0.0 : r.Max())];
        var picked = new List<int>();
        var taken = new bool[m];
        for (int j = 0; j < size && j < m; j++)
        {
            int pick = -1;
            double pickValue = double.PositiveInfinity;
            for (int c = 0; c < m; c++)
            {
                if (taken[c])
                {
                    continue;
                }

                double sum = 0;
                for (int t = 0; t < regrets.Length; t++)
                {
                    sum += Math.Min(best[t], regrets[t][c]);
                }

                if (sum < pickValue)
                {
                    pickValue = sum;
                    pick = c;
                }
            }

            picked.Add(pick);
            taken[pick] = true;
            for (int t = 0; t < regrets.Length; t++)
            {
                best[t] = Math.Min(best[t], regrets[t][pick]);
            }
        }

        return [.. picked];
    }
}
