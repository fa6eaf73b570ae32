using System.Globalization;
using Microsoft.ML;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>Seeded k-fold splits of a CSV read by <see cref="CsvDataViewReader"/>, stratified by class for classification (ML.NET's <c>CrossValidationSplit</c> is not).</summary>
public static class CsvDataViewFolds
{
    /// <summary>Splits every row of <paramref name="data"/> into <paramref name="folds"/> train/validation pairs: each row is validated in exactly one fold and trains in the others.</summary>
    /// <param name="data">A CSV read whole (<see cref="CsvDataViewReader.Read(string, CsvReadOptions)"/>): its <see cref="CsvDataViewSplit.Train"/> holds the rows.</param>
    /// <param name="folds">The number of folds, from 2 to the number of rows.</param>
    /// <param name="seed">Seeds the shuffle; the same seed gives the same folds.</param>
    /// <param name="stratify">Whether every fold keeps the class proportions (each class's rows, shuffled, are dealt to the folds in turn, so a class's count differs between folds by at most one); for classification labels.</param>
    /// <returns>The folds, each part in the original row order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2 or above the number of rows.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> was not read by <see cref="CsvDataViewReader"/>.</exception>
    public static IReadOnlyList<(IDataView Train, IDataView Validation)> Split(CsvDataViewSplit data, int folds, int seed, bool stratify)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Train is not ColumnarDataView view)
        {
            throw new ArgumentException("The data must come from CsvDataViewReader (its rows are held in memory).", nameof(data));
        }

        int rows = data.TrainRows;
        if (folds < 2 || folds > rows)
        {
            throw new ArgumentOutOfRangeException(
                nameof(folds), folds, string.Create(CultureInfo.InvariantCulture, $"Cross-validation needs from 2 to {rows} folds (one per row at most) for {rows} rows."));
        }

        Func<int, string>? classOf = null;
        if (stratify && view.Values(data.Schema.LabelColumn) is ReadOnlyMemory<char>[] labels)
        {
            classOf = r => labels[r].ToString();
        }

        int[] foldOf = DatasetFolds.AssignFolds<OrdinalKey>(rows, folds, seed, classOf is null ? null : r => new OrdinalKey(classOf(r)));
        return [.. Enumerable.Range(0, folds).Select(f => (
            (IDataView)view.Take([.. Enumerable.Range(0, rows).Where(r => foldOf[r] != f)]),
            (IDataView)view.Take([.. Enumerable.Range(0, rows).Where(r => foldOf[r] == f)])))];
    }

    /// <summary>A class name ordered ordinally, so that folds do not depend on the culture.</summary>
    private readonly record struct OrdinalKey(string Value) : IComparable<OrdinalKey>
    {
        public int CompareTo(OrdinalKey other) => string.CompareOrdinal(Value, other.Value);
    }
}
