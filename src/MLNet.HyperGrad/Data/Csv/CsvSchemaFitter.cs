using System.Globalization;
using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Fits a <see cref="TabularSchema"/> on the training rows of a <see cref="CsvScan"/>.</summary>
internal static class CsvSchemaFitter
{
    /// <summary>The percentage of a column's non-missing training cells that must be numbers for it to be numeric: 95.</summary>
    public const int NumericPercent = 95;

    /// <summary>Checks that some row is left to fit on.</summary>
    public static void EnsureRows(CsvScan scan)
    {
        if (scan.Rows == 0)
        {
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at least one row without missing values to fit on, found none of {scan.Records}"),
                scan.Header.Path, null, null, null);
        }
    }

    /// <summary>The classes of every kept row (numeric order when every label is a number, ordinal otherwise) and each row's class index.</summary>
    /// <exception cref="DatasetFormatException">There are fewer than two classes.</exception>
    public static (string[] Classes, long[] Indices) FitClasses(CsvScan scan)
    {
        CategoryTracker labels = scan.Labels!;
        IReadOnlyList<string> distinct = labels.Values;
        double[] numbers = new double[distinct.Count];
        bool numeric = true;
        for (int i = 0; i < distinct.Count && numeric; i++)
        {
            numeric = CsvCells.TryParseNumber(distinct[i], out numbers[i]);
        }

        int[] order = numeric
            ? [.. Enumerable.Range(0, distinct.Count).OrderBy(i => numbers[i]).ThenBy(i => distinct[i], StringComparer.Ordinal)]
            : [.. Enumerable.Range(0, distinct.Count).OrderBy(i => distinct[i], StringComparer.Ordinal)];
        if (order.Length < 2)
        {
            throw new DatasetFormatException(
                $"expected at least two classes in the label column for classification, found only \"{distinct[0]}\"",
                scan.Header.Path, null, scan.Header.ColumnNames[scan.LabelColumn], distinct[0]);
        }

        long[] rank = new long[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            rank[order[i]] = i;
        }

        long[] indices = new long[scan.Rows];
        for (int r = 0; r < indices.Length; r++)
        {
            indices[r] = rank[labels.Code(r)];
        }

        return ([.. order.Select(i => distinct[i])], indices);
    }

    /// <summary>Fits every feature column on the training rows.</summary>
    /// <param name="scan">The scanned file.</param>
    /// <param name="classes">The class names (classification) or empty (regression).</param>
    /// <param name="isValidation">Per kept row, whether it is held out for validation (never fitted on); null when every row trains.</param>
    /// <param name="options">The options the file was read with.</param>
    /// <remarks>
    /// A column is numeric when at least <see cref="NumericPercent"/>% of its non-missing training cells
    /// are numbers (an infinity or a number beyond float32 range counts as a number here), and
    /// categorical otherwise. Every kept cell of a numeric column, training or validation, that is
    /// not a finite float32 number is then an error.
    /// </remarks>
    /// <exception cref="DatasetFormatException">
    /// A column has no value in the training rows, a categorical column has too many categories, or
    /// a numeric column holds a cell that is not a finite float32 number (the first in the file is named).
    /// </exception>
    public static TabularSchema Fit(CsvScan scan, string[] classes, bool[]? isValidation, CsvReadOptions options)
    {
        ColumnCounts counts = Count(scan, isValidation);
        SchemaColumn[] columns = [.. Enumerable.Range(0, scan.FeatureColumns.Length).Select(k => FitColumn(scan, k, counts, isValidation, options))];
        ThrowFirstNonNumber(scan, columns, counts);
        return new TabularSchema(TabularSchema.CurrentVersion, scan.Task, scan.Header.ColumnNames[scan.LabelColumn], scan.LabelColumn, classes, columns);
    }

    /// <summary>Counts every column's numbers, non-finite numbers and texts, and sums its numbers, over the training rows in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColumnCounts Count(CsvScan scan, bool[]? isValidation)
    {
        int width = scan.FeatureColumns.Length;
        var counts = new ColumnCounts(new long[width], new long[width], new long[width], new double[width]);
        for (int r = 0; r < scan.Rows; r++)
        {
            if (isValidation is not null && isValidation[r])
            {
                continue;
            }

            ReadOnlySpan<float> row = scan.Values.Row(r);
            for (int k = 0; k < row.Length; k++)
            {
                float v = row[k];
                if (!float.IsNaN(v))
                {
                    counts.Numbers[k]++;
                    counts.Sums[k] += v;
                }
                else if (CsvScan.IsText(v))
                {
                    counts.Texts[k]++;
                }
                else if (CsvScan.IsNonFinite(v))
                {
                    counts.NonFinite[k]++;
                }
            }
        }

        return counts;
    }

    private static SchemaColumn FitColumn(CsvScan scan, int k, ColumnCounts counts, bool[]? isValidation, CsvReadOptions options)
    {
        int source = scan.FeatureColumns[k];
        string name = scan.Header.ColumnNames[source];
        if (counts.Values(k) == 0)
        {
            string where = isValidation is null ? string.Empty : " in the training rows";
            throw new DatasetFormatException(
                $"expected at least one value{where}, found every cell missing; leave the column out with --ignore-cols \"{name}\" (CsvReadOptions.IgnoreColumns)",
                scan.Header.Path, null, name, null);
        }

        return counts.NumberLike(k) * 100 >= NumericPercent * counts.Values(k)
            ? new SchemaColumn(name, source, ColumnKind.Numeric, [], counts.Numbers[k] == 0 ? 0 : counts.Sums[k] / counts.Numbers[k], null)
            : FitCategorical(scan, k, counts, isValidation, options);
    }

    private static SchemaColumn FitCategorical(CsvScan scan, int k, ColumnCounts numbers, bool[]? isValidation, CsvReadOptions options)
    {
        int source = scan.FeatureColumns[k];
        string name = scan.Header.ColumnNames[source];
        CategoryTracker tracker = scan.Categories[k];
        if (tracker.FirstExtra is { } extra)
        {
            int distinct = CountDistinct(scan.Header.Path, options, source);
            string mostlyNumbers = numbers.NumberLike(k) * 2 >= numbers.Values(k)
                ? string.Create(CultureInfo.InvariantCulture, $"; {numbers.NumberLike(k)} of its {numbers.Values(k)} values in the training rows are numbers, fewer than the {NumericPercent}% that make a column numeric")
                : string.Empty;
            throw new DatasetFormatException(
                string.Create(CultureInfo.InvariantCulture, $"expected at most {options.MaxCategories} categories (MaxCategories) in a non-numeric column, found {distinct}, the first extra being \"{CsvCells.Excerpt(extra.Value)}\"{mostlyNumbers}; if the column is an identifier or free text leave it out with --ignore-cols \"{name}\" (CsvReadOptions.IgnoreColumns), otherwise raise MaxCategories"),
                scan.Header.Path, extra.Line, name, extra.Value);
        }

        int[] counts = new int[tracker.Values.Count];
        for (int r = 0; r < scan.Rows; r++)
        {
            int code = tracker.Code(r);
            if (code >= 0 && (isValidation is null || !isValidation[r]))
            {
                counts[code]++;
            }
        }

        string[] categories = [.. Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).Select(c => tracker.Values[c]).Order(StringComparer.Ordinal)];
        string mostFrequent = Enumerable.Range(0, counts.Length)
            .Where(c => counts[c] > 0)
            .OrderByDescending(c => counts[c])
            .ThenBy(c => tracker.Values[c], StringComparer.Ordinal)
            .Select(c => tracker.Values[c])
            .First();
        return new SchemaColumn(name, source, ColumnKind.Categorical, categories, 0, mostFrequent);
    }

    /// <summary>Throws for the first cell in the file (then the leftmost) of a numeric column that is not a finite float32 number.</summary>
    private static void ThrowFirstNonNumber(CsvScan scan, SchemaColumn[] columns, ColumnCounts counts)
    {
        int first = -1;
        for (int k = 0; k < columns.Length; k++)
        {
            if (columns[k].Kind == ColumnKind.Numeric && scan.FirstNonNumber[k] is { } bad && (first < 0 || bad.Line < scan.FirstNonNumber[first]!.Value.Line))
            {
                first = k;
            }
        }

        if (first < 0)
        {
            return;
        }

        (int line, string value) = scan.FirstNonNumber[first]!.Value;
        throw new DatasetFormatException(
            string.Create(CultureInfo.InvariantCulture, $"{CsvCells.NotANumber(value)} (the column is numeric: {counts.NumberLike(first)} of its {counts.Values(first)} values in the training rows are numbers; an empty cell, NA, N/A, NaN, ? or null marks a missing value)"),
            scan.Header.Path, line, columns[first].Name, value);
    }

    /// <summary>Counts a column's distinct non-missing values over the whole file, for the too-many-categories message.</summary>
    private static int CountDistinct(string path, CsvReadOptions options, int column)
    {
        using CsvRowReader reader = CsvRowReader.Open(path, options);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var lookup = distinct.GetAlternateLookup<ReadOnlySpan<char>>();
        while (reader.MoveNext())
        {
            ReadOnlySpan<char> cell = reader.Cell(column);
            if (!CsvCells.IsMissing(cell))
            {
                lookup.Add(cell);
            }
        }

        return distinct.Count;
    }

    /// <summary>Per feature column, over the training rows: cells that are finite float32 numbers, non-finite numbers and texts, and the sum of the numbers.</summary>
    private sealed record ColumnCounts(long[] Numbers, long[] NonFinite, long[] Texts, double[] Sums)
    {
        /// <summary>The non-missing cells of column <paramref name="k"/>.</summary>
        public long Values(int k) => Numbers[k] + NonFinite[k] + Texts[k];

        /// <summary>The cells of column <paramref name="k"/> written as numbers, finite or not.</summary>
        public long NumberLike(int k) => Numbers[k] + NonFinite[k];
    }
}
