namespace MLNet.HyperGrad.Data.Csv;

/// <summary>What <see cref="CsvReader"/> does with a missing cell in a used column.</summary>
/// <remarks>
/// A cell is missing when, after trimming spaces, it is empty or one of <c>NA</c>, <c>N/A</c>,
/// <c>NaN</c>, <c>?</c>, <c>null</c> (case-insensitive), quoted or not. Any other cell of a numeric
/// column that is not a finite float32 number (<c>n.a.</c>, <c>-</c>, <c>inf</c>, <c>1e999</c>) is an
/// error under every policy, never a missing value. Cells of ignored columns are never looked at.
/// </remarks>
public enum MissingValuePolicy
{
    /// <summary>Throw a <see cref="DatasetFormatException"/> naming the file, line and column. The default.</summary>
    Error,

    /// <summary>Drop every row that has a missing feature or label.</summary>
    DropRow,

    /// <summary>
    /// Fill a missing feature with the training mean (numeric columns) or the most frequent training
    /// category (categorical columns; ties go to the ordinally first). Both are fitted on the training
    /// rows alone: every row of the file <see cref="CsvReader.Read(string, CsvReadOptions)"/> reads, or
    /// the training rows of <see cref="CsvReader.ReadSplit"/> (never its validation rows); they are
    /// reused for the validation rows and for files the schema is applied to. A row whose label is
    /// missing is dropped, since a label cannot be imputed.
    /// </summary>
    Impute,
}
