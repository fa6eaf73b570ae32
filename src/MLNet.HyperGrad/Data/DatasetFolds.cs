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

        long[] labels = stratify && data.Task == TaskKind.Classification ? data.Labels.ToArray() : [];
        int[] foldOf = AssignFolds<long>(data.Rows, folds, seed, labels.Length > 0 ? r => labels[r] : null);

        return [.. Enumerable.Range(0, folds).Select(f => DatasetSplit.Apply(data, [.. foldOf.Select(x => x == f)]))];
    }

    /// <summary>Deals rows to folds: each class's rows (classes in ascending order of <paramref name="classOf"/>), shuffled by a <see cref="Random"/> seeded with <paramref name="seed"/>, go to the folds in turn, continuing across classes; all rows as one class when <paramref name="classOf"/> is null.</summary>
    /// <returns>The fold of every row, length <paramref name="rows"/>; fold sizes, and each class's count per fold, differ by at most one.</returns>
    internal static int[] AssignFolds<TClass>(int rows, int folds, int seed, Func<int, TClass>? classOf)
        where TClass : IComparable<TClass>
    {
        var random = new Random(seed);
        IEnumerable<int[]> groups = classOf is not null
            ? Enumerable.Range(0, rows).GroupBy(classOf).OrderBy(g => g.Key).Select(g => g.ToArray())
            : [[.. Enumerable.Range(0, rows)]];
        int[] foldOf = new int[rows];
        int next = 0;
        foreach (int[] members in groups)
        {
            random.Shuffle(members);
            foreach (int row in members)
            {
                foldOf[row] = next;
                next = (next + 1) % folds;
            }
        }

        return foldOf;
    }
}
