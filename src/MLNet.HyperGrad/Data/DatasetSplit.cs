using System.Globalization;

namespace MLNet.HyperGrad.Data;

/// <summary>Seeded, reproducible splits of a dataset.</summary>
public static class DatasetSplit
{
    /// <summary>Splits a dataset into training and validation parts.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="validationFraction">The share of rows that go to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the <see cref="Random"/> that shuffles rows; the same seed gives the same split.</param>
    /// <param name="stratify">
    /// For classification, whether to split every class separately so that both parts keep the class
    /// proportions; ignored for regression. The default is true.
    /// </param>
    /// <returns>The two parts; the rows of each keep their original order.</returns>
    /// <remarks>
    /// The validation part has round(n × fraction) rows. Stratified, class c contributes
    /// floor(n_c × fraction) or one more row (largest remainders first, ties to the lower class
    /// index), so every class's share differs from the exact proportion by less than one row.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">One of the parts would be empty.</exception>
    public static TrainValidationSplit TrainValidation(TabularDataset data, double validationFraction, int seed, bool stratify = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        bool stratified = stratify && data.Task == TaskKind.Classification;
        bool[] isValidation = Assign(data.Rows, stratified ? data.Labels : [], data.ClassCount, validationFraction, seed, stratified);
        return Apply(data, isValidation);
    }

    /// <summary>
    /// Chooses the validation rows exactly as <see cref="TrainValidation"/> does, from the labels
    /// alone: a reader uses it to split rows before it fits anything on them.
    /// </summary>
    /// <param name="rows">The number of rows.</param>
    /// <param name="labels">Every row's class index when <paramref name="stratify"/>; otherwise ignored.</param>
    /// <param name="classCount">The number of classes when <paramref name="stratify"/>.</param>
    /// <param name="validationFraction">The share of rows that go to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the shuffle.</param>
    /// <param name="stratify">Whether to split every class separately.</param>
    /// <returns>Per row, whether it goes to validation.</returns>
    internal static bool[] Assign(int rows, ReadOnlySpan<long> labels, int classCount, double validationFraction, int seed, bool stratify)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }

        int validationCount = (int)Math.Round(rows * validationFraction, MidpointRounding.AwayFromZero);
        if (validationCount == 0 || validationCount == rows)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A validation fraction of {validationFraction} of {rows} rows gives {validationCount} validation and {rows - validationCount} training rows; both parts must be non-empty."),
                nameof(validationFraction));
        }

        var random = new Random(seed);
        return stratify
            ? Stratified(labels, classCount, validationFraction, validationCount, random)
            : Plain(rows, validationCount, random);
    }

    /// <summary>Splits a dataset by a row assignment, keeping each part's rows in their original order.</summary>
    internal static TrainValidationSplit Apply(TabularDataset data, bool[] isValidation)
    {
        int[] trainRows = [.. Enumerable.Range(0, data.Rows).Where(i => !isValidation[i])];
        int[] validationRows = [.. Enumerable.Range(0, data.Rows).Where(i => isValidation[i])];
        return new TrainValidationSplit(data.Subset(trainRows), data.Subset(validationRows), trainRows, validationRows);
    }

    private static bool[] Plain(int n, int validationCount, Random random)
    {
        int[] order = [.. Enumerable.Range(0, n)];
        random.Shuffle(order);
        bool[] isValidation = new bool[n];
        for (int i = 0; i < validationCount; i++)
        {
            isValidation[order[i]] = true;
        }

        return isValidation;
    }

    private static bool[] Stratified(ReadOnlySpan<long> labels, int classCount, double fraction, int validationCount, Random random)
    {
        var byClass = new List<int>[classCount];
        for (int c = 0; c < byClass.Length; c++)
        {
            byClass[c] = [];
        }

        for (int i = 0; i < labels.Length; i++)
        {
            byClass[labels[i]].Add(i);
        }

        // Largest-remainder apportionment: every class gets floor(n_c * f), then the classes with the
        // largest fractional parts get one more until the total is validationCount.
        int[] take = new int[byClass.Length];
        for (int c = 0; c < byClass.Length; c++)
        {
            take[c] = (int)Math.Floor(byClass[c].Count * fraction);
        }

        int extra = validationCount - take.Sum();
        int[] byRemainder = [.. Enumerable.Range(0, byClass.Length)
            .Where(c => take[c] < byClass[c].Count)
            .OrderByDescending(c => (byClass[c].Count * fraction) - take[c])
            .ThenBy(c => c)];
        for (int k = 0; k < extra && k < byRemainder.Length; k++)
        {
            take[byRemainder[k]]++;
        }

        bool[] isValidation = new bool[labels.Length];
        for (int c = 0; c < byClass.Length; c++)
        {
            int[] rows = [.. byClass[c]];
            random.Shuffle(rows);
            for (int i = 0; i < take[c]; i++)
            {
                isValidation[rows[i]] = true;
            }
        }

        return isValidation;
    }
}
