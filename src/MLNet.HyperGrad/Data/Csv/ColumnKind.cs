namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How a CSV feature column is encoded.</summary>
public enum ColumnKind
{
    /// <summary>
    /// At least 95% of the column's non-missing training cells are numbers (any other cell is an
    /// error when the file is read); the column is one float32 feature.
    /// </summary>
    Numeric,

    /// <summary>The column holds text (under 95% numbers); it is one-hot encoded, one feature per category.</summary>
    Categorical,
}
