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
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }

        int n = data.Rows;
        int validationCount = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
        if (validationCount == 0 || validationCount == n)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A validation fraction of {validationFraction} of {n} rows gives {validationCount} validation and {n - validationCount} training rows; both parts must be non-empty."),
                nameof(validationFraction));
        }

        var random = new Random(seed);
        bool[] isValidation = stratify && data.Task == TaskKind.Classification
            ? Stratified(data, validationFraction, validationCount, random)
            : Plain(n, validationCount, random);

        int[] trainRows = [.. Enumerable.Range(0, n).Where(i => !isValidation[i])];
        int[] validationRows = [.. Enumerable.Range(0, n).Where(i => isValidation[i])];
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

    private static bool[] Stratified(TabularDataset data, double fraction, int validationCount, Random random)
    {
        ReadOnlySpan<long> labels = data.Labels;
        var byClass = new List<int>[data.ClassCount];
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
