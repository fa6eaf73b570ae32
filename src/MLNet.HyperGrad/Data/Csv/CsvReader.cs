namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// Reads CSV files (RFC 4180) into <see cref="TabularDataset"/>s for classification or regression,
/// fitting the encoding on one file and applying it to others.
/// </summary>
/// <remarks>
/// <para>
/// Parsing: the file is streamed through the Sep parser (nietras), one record at a time, never held
/// whole in memory. Fields are separated by <see cref="CsvReadOptions.Delimiter"/>; a quoted field
/// (a double quote, optionally after spaces) may hold delimiters, line breaks and doubled quotes, and
/// ends at its closing quote, followed only by spaces, a delimiter or the end of the line. A double
/// quote inside an unquoted field is an error (RFC 4180: such a field must be quoted, its quotes
/// doubled). Empty lines are skipped. The file is read as UTF-8 (a byte-order mark selects another
/// Unicode encoding). Cells are trimmed of white space before they are interpreted. Line numbers in
/// errors are 1-based, the line a record starts on.
/// </para>
/// <para>
/// Encoding: a feature column is numeric when at least 95% of its non-missing cells (in the rows
/// the schema is fitted on) are numbers, parsed with the invariant culture; every other non-missing
/// cell of a numeric column is then an error naming the file, line, column and value, and so is a
/// number that is infinite or beyond float32 range (<c>inf</c>, <c>1e999</c>): a malformed cell never
/// turns a numeric column categorical. A column under 95% numbers is categorical and one-hot encoded,
/// categories sorted ordinally, features named <c>column=category</c>. A cell is missing when it is
/// empty or one of <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>?</c>, <c>null</c> (case-insensitive); see
/// <see cref="MissingValuePolicy"/>. Classification labels become class indices in sorted order
/// (numeric order when every label is a number, ordinal otherwise); regression labels must be numbers.
/// </para>
/// <para>
/// Applying a schema: columns are found by name when the file has a header and by position when it
/// has none; a category the schema has not seen encodes as all zeros; a class it has not seen, a
/// non-number in a numeric column and a missing column are errors.
/// </para>
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a training file, fitting the schema on every row of it.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options; <see cref="CsvReadOptions.LabelColumn"/> is required.</param>
    /// <returns>The dataset and the schema fitted on it.</returns>
    /// <remarks>
    /// Every row is fitted on (column kinds, categories, imputation values): use this when the whole
    /// file is training data and validation rows come from another file. To hold validation rows out
    /// of the same file, use <see cref="ReadSplit"/>, which fits on the training rows alone.
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid (every failure listed) or the label is also ignored.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">
    /// The file is empty or has only a header, a quote is unterminated, a row has the wrong number of
    /// fields, the label or an ignored column does not exist, a value is missing under
    /// <see cref="MissingValuePolicy.Error"/>, a numeric column holds a cell that is not a finite
    /// number, a column has more than <see cref="CsvReadOptions.MaxCategories"/> categories, a
    /// regression label is not a number, or there are fewer than two classes.
    /// </exception>
    public static CsvDataset Read(string path, CsvReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(fitting: true, nameof(options));
        Fitted fitted = Fit(path, options, split: null);
        return new CsvDataset(fitted.Dataset, fitted.Schema, fitted.Dropped);
    }

    /// <summary>
    /// Reads a training file and holds a seeded share of its rows out for validation, fitting the
    /// schema (column kinds, categories, imputation means and most frequent categories) on the
    /// training rows alone.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The options; <see cref="CsvReadOptions.LabelColumn"/> is required.</param>
    /// <param name="validationFraction">The share of the kept rows that go to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the split; the same seed gives the same rows.</param>
    /// <param name="stratify">For classification, whether both parts keep the class proportions; ignored for regression. The default is true.</param>
    /// <returns>The training and validation rows, encoded with the schema fitted on the training rows.</returns>
    /// <remarks>
    /// The rows are chosen exactly as <see cref="DatasetSplit.TrainValidation"/> chooses them on the
    /// dataset <see cref="Read(string, CsvReadOptions)"/> returns, from the labels alone, after rows
    /// are dropped for missing values. Classes come from every kept row (the split needs them).
    /// Validation rows are encoded with the training schema: a category seen only in validation rows
    /// encodes as all zeros, a missing cell gets the training mean or most frequent training
    /// category, and a cell that is not a number in a numeric column is an error.
    /// <see cref="CsvReadOptions.MaxCategories"/> counts the distinct values of every kept row, since
    /// it guards against identifier and free-text columns.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The options are invalid, the label is also ignored, or one part would be empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">As for <see cref="Read(string, CsvReadOptions)"/>.</exception>
    public static CsvSplitDataset ReadSplit(string path, CsvReadOptions options, double validationFraction, int seed, bool stratify = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1.");
        }

        options.Validate(fitting: true, nameof(options));
        bool stratified = stratify && options.Task == TaskKind.Classification;
        Fitted fitted = Fit(path, options, (rows, labels, classes) => DatasetSplit.Assign(rows, labels, classes, validationFraction, seed, stratified));
        return new CsvSplitDataset(DatasetSplit.Apply(fitted.Dataset, fitted.IsValidation!), fitted.Schema, fitted.Dropped);
    }

    /// <summary>Reads a validation, test or prediction file with a schema fitted on the training file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">
    /// The options; only <see cref="CsvReadOptions.HasHeader"/>, <see cref="CsvReadOptions.Delimiter"/>
    /// and <see cref="CsvReadOptions.MissingValuePolicy"/> are used (imputation uses the schema's training values).
    /// </param>
    /// <param name="schema">The schema fitted on the training file.</param>
    /// <returns>The dataset, encoded with <paramref name="schema"/>, and that schema.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">
    /// The file is malformed, a column of the schema is missing, a numeric column holds a non-number,
    /// a label is a class the schema does not know, or a value is missing under <see cref="MissingValuePolicy.Error"/>.
    /// </exception>
    public static CsvDataset Read(string path, CsvReadOptions options, TabularSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        options.Validate(fitting: false, nameof(options));
        using CsvRowReader reader = CsvRowReader.Open(path, options);
        return CsvEncoder.Encode(reader, schema, options.MissingValuePolicy);
    }

    /// <summary>
    /// Reads the features of a file to predict on with a schema fitted on the training file; the
    /// label column may be absent.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">
    /// The options; only <see cref="CsvReadOptions.HasHeader"/>, <see cref="CsvReadOptions.Delimiter"/>
    /// and <see cref="CsvReadOptions.MissingValuePolicy"/> are used (imputation uses the schema's training values).
    /// </param>
    /// <param name="schema">The schema fitted on the training file.</param>
    /// <param name="labelColumnPresent">
    /// Used only for a file without a header, whose columns are found by position. False (the
    /// default): the file is laid out like the training file with the label column removed, so a
    /// feature fitted after the label is one position further left. True: the label column is still
    /// at its fitted position and is skipped. A file with a header finds its columns by name and
    /// ignores the label column whether it is there or not.
    /// </param>
    /// <returns>The encoded features, with the line of every row.</returns>
    /// <remarks>
    /// The label column is never read, so its cells may be anything, missing or a class the schema
    /// does not know. Everything else is checked as in <see cref="Read(string, CsvReadOptions, TabularSchema)"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetFormatException">
    /// The file is malformed, a feature column of the schema is missing, a numeric column holds a
    /// non-number, a value is missing under <see cref="MissingValuePolicy.Error"/>, or every row was
    /// dropped for missing values.
    /// </exception>
    public static CsvFeatures ReadFeatures(string path, CsvReadOptions options, TabularSchema schema, bool labelColumnPresent = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schema);
        options.Validate(fitting: false, nameof(options));
        using CsvRowReader reader = CsvRowReader.Open(path, options);
        return CsvEncoder.EncodeFeatures(reader, schema, options.MissingValuePolicy, labelColumnPresent);
    }

    /// <summary>Scans a training file, splits its kept rows when asked, fits the schema on the training rows and encodes every kept row.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="split">Given the kept rows, their class indices (empty for regression) and the class count, marks the validation rows; null to fit on every row.</param>
    private static Fitted Fit(string path, CsvReadOptions options, Func<int, long[], int, bool[]>? split)
    {
        ScannedFile scanned = ScanAndFit(path, options, split);
        return new Fitted(CsvScanEncoder.Encode(scanned.Scan, scanned.Schema, scanned.ClassIndices), scanned.Schema, scanned.Scan.Dropped, scanned.IsValidation);
    }

    /// <summary>Scans a training file, splits its kept rows when asked and fits the schema on the training rows, without encoding them.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="split">As for <see cref="Fit"/>.</param>
    internal static ScannedFile ScanAndFit(string path, CsvReadOptions options, Func<int, long[], int, bool[]>? split)
    {
        CsvScan scan;
        using (CsvRowReader reader = CsvRowReader.Open(path, options))
        {
            scan = CsvScan.Run(reader, options);
        }

        CsvSchemaFitter.EnsureRows(scan);
        (string[] classes, long[]? classIndices) = scan.Task == TaskKind.Classification ? CsvSchemaFitter.FitClasses(scan) : ([], null);
        bool[]? isValidation = split?.Invoke(scan.Rows, classIndices ?? [], classes.Length);
        TabularSchema schema = CsvSchemaFitter.Fit(scan, classes, isValidation, options);
        return new ScannedFile(scan, schema, classIndices, isValidation);
    }

    /// <summary>A scanned training file with the schema fitted on its training rows.</summary>
    /// <param name="Scan">The kept rows.</param>
    /// <param name="Schema">The schema.</param>
    /// <param name="ClassIndices">Every kept row's class index (classification), or null.</param>
    /// <param name="IsValidation">Per kept row, whether it is held out; null when every row trains.</param>
    internal sealed record ScannedFile(CsvScan Scan, TabularSchema Schema, long[]? ClassIndices, bool[]? IsValidation);

    private sealed record Fitted(TabularDataset Dataset, TabularSchema Schema, int Dropped, bool[]? IsValidation);
}
