using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// One streaming pass over a training file, keeping what fitting a schema needs and nothing more:
/// the feature cells as float32 (row-major, one column per feature column, a NaN marker where a cell
/// is missing or not a number), each column's distinct values while it could be categorical, and
/// the labels.
/// </summary>
/// <remarks>
/// Rows dropped for a missing value (see <see cref="MissingValuePolicy"/>) are not kept, and nothing
/// from them is recorded. A parsed number is always finite, so NaN bit patterns are free to mark
/// cells: <see cref="MissingMarker"/>, <see cref="TextMarker"/>, <see cref="NonFiniteMarker"/>.
/// </remarks>
internal sealed class CsvScan
{
    private static readonly float MissingMarker = BitConverter.Int32BitsToSingle(0x7FC0_0001);
    private static readonly float TextMarker = BitConverter.Int32BitsToSingle(0x7FC0_0002);
    private static readonly float NonFiniteMarker = BitConverter.Int32BitsToSingle(0x7FC0_0003);

    private CsvScan(CsvHeader header, int label, int[] features, CsvReadOptions options, long expectedRows)
    {
        Header = header;
        LabelColumn = label;
        FeatureColumns = features;
        Task = options.Task;
        Values = new RowBuffer<float>(features.Length, expectedRows, header.Path);
        Categories = [.. features.Select(_ => new CategoryTracker(options.MaxCategories))];
        FirstNonNumber = new (int Line, string Value)?[features.Length];
        if (Task == TaskKind.Classification)
        {
            Labels = new CategoryTracker(int.MaxValue);
        }
        else
        {
            Targets = new RowBuffer<float>(1, expectedRows, header.Path);
        }
    }

    public CsvHeader Header { get; }

    /// <summary>Gets the label column's position in the file.</summary>
    public int LabelColumn { get; }

    /// <summary>Gets the feature columns' positions in the file, in file order.</summary>
    public int[] FeatureColumns { get; }

    public TaskKind Task { get; }

    /// <summary>Gets the kept rows' feature cells, [<see cref="Rows"/>, FeatureColumns.Length].</summary>
    public RowBuffer<float> Values { get; }

    /// <summary>Gets the distinct values of every feature column, with each row's code.</summary>
    public CategoryTracker[] Categories { get; }

    /// <summary>Gets, per feature column, the first kept cell that is not a finite float32 number, with its line.</summary>
    public (int Line, string Value)?[] FirstNonNumber { get; }

    /// <summary>Gets the class labels (classification).</summary>
    public CategoryTracker? Labels { get; }

    /// <summary>Gets the targets (regression), [<see cref="Rows"/>, 1].</summary>
    public RowBuffer<float>? Targets { get; }

    /// <summary>Gets the number of rows kept.</summary>
    public int Rows => Values.Rows;

    /// <summary>Gets the number of data records in the file.</summary>
    public int Records { get; private set; }

    /// <summary>Gets the number of missing feature cells kept (under <see cref="MissingValuePolicy.Impute"/>).</summary>
    public long MissingCells { get; private set; }

    /// <summary>Gets the number of data records dropped for missing values.</summary>
    public int Dropped { get; private set; }

    /// <summary>Whether a scanned cell is missing.</summary>
    public static bool IsMissing(float cell) => BitConverter.SingleToInt32Bits(cell) == BitConverter.SingleToInt32Bits(MissingMarker);

    /// <summary>Whether a scanned cell is text, not a number.</summary>
    public static bool IsText(float cell) => BitConverter.SingleToInt32Bits(cell) == BitConverter.SingleToInt32Bits(TextMarker);

    /// <summary>Whether a scanned cell is a number that is infinite or beyond float32 range.</summary>
    public static bool IsNonFinite(float cell) => BitConverter.SingleToInt32Bits(cell) == BitConverter.SingleToInt32Bits(NonFiniteMarker);

    /// <summary>Resolves the label and feature columns and reads every data record.</summary>
    /// <exception cref="ArgumentException">The label column is also ignored.</exception>
    /// <exception cref="DatasetFormatException">A column is not found, there is no feature column, or a record is malformed.</exception>
    public static CsvScan Run(CsvRowReader reader, CsvReadOptions options)
    {
        CsvHeader header = reader.Header;
        int label = header.Resolve(options.LabelColumn!, "label column");
        var ignored = new HashSet<int>(options.IgnoreColumns.Select(c => header.Resolve(c, "ignored column")));
        if (ignored.Contains(label))
        {
            throw new ArgumentException($"The label column \"{header.ColumnNames[label]}\" cannot also be ignored.", nameof(options));
        }

        int[] features = [.. Enumerable.Range(0, header.ColumnNames.Length).Where(c => c != label && !ignored.Contains(c))];
        if (features.Length == 0)
        {
            throw new DatasetFormatException(
                $"expected at least one feature column besides the label \"{header.ColumnNames[label]}\" and the ignored columns, found none among {header.ListColumns()}",
                header.Path, null, null, null);
        }

        var scan = new CsvScan(header, label, features, options, reader.RecordsUpperBound);
        int[] used = [.. features.Append(label).Order()];
        MissingValuePolicy policy = options.MissingValuePolicy;
        while (reader.MoveNext())
        {
            scan.Records++;
            if (policy != MissingValuePolicy.Error && scan.Drops(reader, used, policy))
            {
                scan.Dropped++;
                continue;
            }

            scan.Add(reader, policy == MissingValuePolicy.Error ? used : null);
        }

        if (reader.DataRecords == 0)
        {
            throw reader.NoDataRows();
        }

        return scan;
    }

    /// <summary>Whether the current record is dropped for a missing value (never under <see cref="MissingValuePolicy.Error"/>).</summary>
    private bool Drops(CsvRowReader reader, int[] used, MissingValuePolicy policy)
    {
        if (policy == MissingValuePolicy.Impute)
        {
            return CsvCells.IsMissing(reader.Cell(LabelColumn));
        }

        foreach (int column in used)
        {
            if (CsvCells.IsMissing(reader.Cell(column)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The error for the first (leftmost) missing cell of the current record.</summary>
    private DatasetFormatException LeftmostMissing(CsvRowReader reader, int[] used)
    {
        int column = used.First(c => CsvCells.IsMissing(reader.Cell(c)));
        return Header.MissingValue(reader.Line, column, reader.Cell(column));
    }

    /// <summary>Keeps the current record.</summary>
    /// <param name="reader">The file, at the record.</param>
    /// <param name="errorColumns">Under <see cref="MissingValuePolicy.Error"/>, the used columns in file order (a missing cell throws); otherwise null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(CsvRowReader reader, int[]? errorColumns)
    {
        int row = Rows;
        int line = reader.Line;
        ReadOnlySpan<char> label = reader.Cell(LabelColumn);
        if (errorColumns is not null && CsvCells.IsMissing(label))
        {
            throw LeftmostMissing(reader, errorColumns);
        }

        if (Labels is not null)
        {
            Labels.Add(row, label, line);
        }
        else
        {
            Targets!.Append()[0] = CsvCells.TryParseNumber(label, out double target)
                ? (float)target
                : throw Header.NotANumber(line, LabelColumn, label);
        }

        Span<float> values = Values.Append();
        for (int k = 0; k < FeatureColumns.Length; k++)
        {
            ReadOnlySpan<char> cell = reader.Cell(FeatureColumns[k]);
            if (CsvCells.IsMissing(cell))
            {
                if (errorColumns is not null)
                {
                    throw LeftmostMissing(reader, errorColumns);
                }

                MissingCells++;
                values[k] = MissingMarker;
                Categories[k].AddMissing(row);
                continue;
            }

            CellKind kind = CsvCells.Classify(cell, out float value);
            if (kind == CellKind.Number)
            {
                values[k] = value;
            }
            else
            {
                values[k] = kind == CellKind.Text ? TextMarker : NonFiniteMarker;
                FirstNonNumber[k] ??= (line, cell.ToString());
            }

            Categories[k].Add(row, cell, line);
        }
    }
}
