namespace MLNet.HyperGrad.Data.Csv;

/// <summary>How a CSV feature column is encoded.</summary>
public enum ColumnKind
{
    /// <summary>Every non-missing cell is a number; the column is one float32 feature.</summary>
    Numeric,

    /// <summary>The column holds text; it is one-hot encoded, one feature per category.</summary>
    Categorical,
}
