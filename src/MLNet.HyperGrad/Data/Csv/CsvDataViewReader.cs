using System.Globalization;
using Microsoft.ML;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// Reads CSV files into ML.NET <see cref="IDataView"/>s of raw typed columns, with <see cref="CsvReader"/>'s
/// schema inference and exact errors (file, line, column, value), for an ML.NET featurization pipeline
/// (<see cref="TabularFeaturizer"/>) to encode.
/// </summary>
/// <remarks>
/// The file is parsed and checked exactly as <see cref="CsvReader"/> does (see its remarks: the missing-value
/// markers, the 95% rule that makes a column numeric, <see cref="CsvReadOptions.MaxCategories"/>,
/// <see cref="MissingValuePolicy"/>). What differs is the result: raw columns (see <see cref="CsvDataViewSplit"/>)
/// instead of encoded features. Under <see cref="MissingValuePolicy.Impute"/> missing cells stay missing
/// (NaN, or empty text) for the featurization to replace; rows without a label are dropped.
/// </remarks>
public static class CsvDataViewReader
{
    /// <summary>Reads a training file, every row of which trains.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options; <see cref="CsvReadOptions.LabelColumn"/> is required.</param>
    /// <returns>The rows (in <see cref="CsvDataViewSplit.Train"/>; no validation rows) and the schema fitted on them.</returns>
    /// <exception cref="ArgumentException">The options are invalid or the label is also ignored.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">As for <see cref="CsvReader.Read(string, CsvReadOptions)"/>.</exception>
    public static CsvDataViewSplit Read(string path, CsvReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(fitting: true, nameof(options));
        CsvReader.ScannedFile file = CsvReader.ScanAndFit(path, options, split: null);
        return new CsvDataViewSplit(ToView(file, null), null, file.Schema, file.Scan.Rows, 0, file.Scan.Dropped);
    }

    /// <summary>Reads a training file and holds a seeded share of its rows out for validation, fitting the schema on the training rows alone.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options; <see cref="CsvReadOptions.LabelColumn"/> is required.</param>
    /// <param name="validationFraction">The share of the kept rows that go to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the split; the rows are those <see cref="CsvReader.ReadSplit"/> chooses with the same arguments.</param>
    /// <param name="stratify">For classification, whether both parts keep the class proportions. The default is true.</param>
    /// <returns>The training and validation rows and the schema.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The options are invalid or the label is also ignored.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">As for <see cref="CsvReader.ReadSplit"/>.</exception>
    public static CsvDataViewSplit ReadSplit(string path, CsvReadOptions options, double validationFraction, int seed, bool stratify = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }

        options.Validate(fitting: true, nameof(options));
        bool stratified = stratify && options.Task == TaskKind.Classification;
        CsvReader.ScannedFile file = CsvReader.ScanAndFit(path, options, (rows, labels, classes) => DatasetSplit.Assign(rows, labels, classes, validationFraction, seed, stratified));
        bool[] isValidation = file.IsValidation!;
        int validationRows = isValidation.Count(v => v);
        return new CsvDataViewSplit(ToView(file, false), ToView(file, true), file.Schema, file.Scan.Rows - validationRows, validationRows, file.Scan.Dropped);
    }

    /// <summary>Reads a validation or test file with the schema fitted on the training file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options; <see cref="CsvReadOptions.HasHeader"/>, <see cref="CsvReadOptions.Delimiter"/> and <see cref="CsvReadOptions.MissingValuePolicy"/> are used.</param>
    /// <param name="schema">The schema fitted on the training file: its columns are found by name with a header, by position without one.</param>
    /// <returns>The rows, as raw columns laid out like the training file's.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">
    /// The file is malformed, a column of the schema is missing, a numeric column holds a cell that is not a
    /// number, a label is a class the schema does not know, or a value is missing under <see cref="MissingValuePolicy.Error"/>.
    /// </exception>
    public static IDataView Read(string path, CsvReadOptions options, TabularSchema schema) => ReadRows(path, options, schema).View;

    /// <summary>Reads a validation or test file with the schema fitted on the training file, counting the rows kept and left out.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">As for <see cref="Read(string, CsvReadOptions, TabularSchema)"/>.</param>
    /// <param name="schema">The schema fitted on the training file.</param>
    /// <returns>The rows, their number, and the number of rows left out for missing values.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">As for <see cref="Read(string, CsvReadOptions, TabularSchema)"/>.</exception>
    public static CsvDataViewRows ReadRows(string path, CsvReadOptions options, TabularSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        options.Validate(fitting: false, nameof(options));
        int[] positions;
        string[] names;
        int label;
        using (CsvRowReader reader = CsvRowReader.Open(path, options))
        {
            CsvHeader header = reader.Header;
            label = header.Locate(schema.LabelColumn, schema.LabelIndex, "label column");
            positions = [.. schema.Columns.Select(c => header.Locate(c.Name, c.SourceIndex, "feature column"))];
            names = header.ColumnNames;
        }

        string Text(int index) => index.ToString(CultureInfo.InvariantCulture);
        var used = new HashSet<int>(positions) { label };
        var scanOptions = new CsvReadOptions
        {
            HasHeader = options.HasHeader,
            Delimiter = options.Delimiter,
            MissingValuePolicy = options.MissingValuePolicy,
            Task = schema.Task,
            MaxCategories = int.MaxValue,
            LabelColumn = options.HasHeader ? names[label] : Text(label),
            IgnoreColumns = [.. Enumerable.Range(0, names.Length).Where(i => !used.Contains(i)).Select(i => options.HasHeader ? names[i] : Text(i))],
        };
        CsvScan scan;
        using (CsvRowReader reader = CsvRowReader.Open(path, scanOptions))
        {
            scan = CsvScan.Run(reader, scanOptions);
        }

        // The scan keeps feature columns in file order; the schema's order may differ only in theory (both are file order), so map by position.
        int[] scanIndex = [.. positions.Select(p => Array.IndexOf(scan.FeatureColumns, p))];
        for (int k = 0; k < schema.Columns.Count; k++)
        {
            if (schema.Columns[k].Kind == ColumnKind.Numeric && scan.FirstNonNumber[scanIndex[k]] is { } bad)
            {
                throw new DatasetFormatException(
                    $"{CsvCells.NotANumber(bad.Value)} (the column is numeric in the training file; an empty cell, NA, N/A, NaN, ? or null marks a missing value)",
                    path, bad.Line, schema.Columns[k].Name, bad.Value);
            }
        }

        long[]? classIndices = null;
        if (schema.Task == TaskKind.Classification)
        {
            var known = schema.ClassNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i, StringComparer.Ordinal);
            CategoryTracker labels = scan.Labels!;
            if (labels.Values.FirstOrDefault(v => !known.ContainsKey(v)) is { } unknown)
            {
                throw new DatasetFormatException(
                    $"expected one of the training file's classes {string.Join(", ", schema.ClassNames.Select(c => "\"" + c + "\""))}, found the class \"{unknown}\"",
                    path, null, schema.LabelColumn, unknown);
            }

            classIndices = [.. Enumerable.Range(0, scan.Rows).Select(r => known[labels.Values[labels.Code(r)]])];
        }

        return new CsvDataViewRows(ToView(new CsvReader.ScannedFile(scan, schema, classIndices, null), null, scanIndex), scan.Rows, scan.Dropped);
    }

    /// <summary>The raw columns of the kept rows: all of them (<paramref name="validation"/> null), or the training or validation ones.</summary>
    private static ColumnarDataView ToView(CsvReader.ScannedFile file, bool? validation, int[]? scanIndex = null)
    {
        CsvScan scan = file.Scan;
        TabularSchema schema = file.Schema;
        int[] rows = [.. Enumerable.Range(0, scan.Rows).Where(r => validation is null || file.IsValidation![r] == validation)];
        int width = scan.FeatureColumns.Length;
        var columns = new List<KeyValuePair<string, Array>>(schema.Columns.Count + 1);
        for (int k = 0; k < schema.Columns.Count; k++)
        {
            SchemaColumn column = schema.Columns[k];
            int s = scanIndex?[k] ?? k;
            if (column.Kind == ColumnKind.Numeric)
            {
                ReadOnlySpan<float> values = scan.Values.Written;
                float[] numbers = new float[rows.Length];
                for (int i = 0; i < rows.Length; i++)
                {
                    // Every NaN here is the missing marker: a cell that is not a finite number was reported when the schema was fitted.
                    float v = values[(rows[i] * width) + s];
                    numbers[i] = float.IsNaN(v) ? float.NaN : v;
                }

                columns.Add(new(column.Name, numbers));
            }
            else
            {
                CategoryTracker tracker = scan.Categories[s];
                ReadOnlyMemory<char>[] categories = [.. tracker.Values.Select(v => v.AsMemory())];
                columns.Add(new(column.Name, rows.Select(r => tracker.Code(r) is int code && code >= 0 ? categories[code] : ReadOnlyMemory<char>.Empty).ToArray()));
            }
        }

        Array labels = schema.Task == TaskKind.Classification
            ? rows.Select(r => schema.ClassNames[(int)file.ClassIndices![r]].AsMemory()).ToArray()
            : rows.Select(r => scan.Targets!.Row(r)[0]).ToArray();
        columns.Add(new(schema.LabelColumn, labels));
        return new ColumnarDataView(columns);
    }
}
