using System.Globalization;

namespace MLNet.HyperGrad.Data;

/// <summary>Seeded, reproducible k-fold splits of a dataset, for cross-validation.</summary>
public static class DatasetFolds
{
    /// <summary>Splits a dataset into <paramref name="folds"/> train/validation pairs: every row is validated in exactly one fold and trains in the others.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="folds">The number of folds, from 2 to the number of rows.</param>
    /// <param name="seed">Seeds the <see cref="Random"/> that shuffles rows; the same seed gives the same folds.</param>
    /// <param name="stratify">
    /// For classification, whether every fold keeps the class proportions (each class's rows, shuffled, are
    /// dealt to the folds in turn, so a class's count differs between folds by at most one); ignored for
    /// regression. The default is true.
    /// </param>
    /// <returns>The folds; fold i's validation part is its i-th share of the rows, each part in the original row order.</returns>
    /// <remarks>Fold sizes differ by at most one row: dealing continues across classes where the previous class stopped.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2 or above the number of rows.</exception>
    public static IReadOnlyList<TrainValidationSplit> KFold(TabularDataset data, int folds, int seed, bool stratify = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 2 || folds > data.Rows)
        {
            throw new ArgumentOutOfRangeException(
                nameof(folds), folds, string.Create(CultureInfo.InvariantCulture, $"Cross-validation needs from 2 to {data.Rows} folds (one per row at most) for {data.Rows} rows."));
        }

        var random = new Random(seed);
        long[] labels = stratify && data.Task == TaskKind.Classification ? data.Labels.ToArray() : [];
        IEnumerable<int[]> groups = labels.Length > 0
            ? Enumerable.Range(0, data.Rows).GroupBy(r => labels[r]).OrderBy(g => g.Key).Select(g => g.ToArray())
            : [[.. Enumerable.Range(0, data.Rows)]];
        int[] foldOf = new int[data.Rows];
        int next = 0;
        foreach (int[] rows in groups)
        {
            random.Shuffle(rows);
            foreach (int row in rows)
            {
                foldOf[row] = next;
                next = (next + 1) % folds;
            }
        }

        return [.. Enumerable.Range(0, folds).Select(f => DatasetSplit.Apply(data, [.. foldOf.Select(x => x == f)]))];
    }
}
