namespace MLNet.HyperGrad.Data.Csv;

/// <summary>What a non-missing CSV cell holds, as <see cref="CsvCells.Classify"/> reads it.</summary>
internal enum CellKind
{
    /// <summary>A finite number within float32 range.</summary>
    Number,

    /// <summary>A number that is infinite or beyond float32 range (<c>1e999</c>, <c>-inf</c>, <c>Infinity</c>).</summary>
    NonFinite,

    /// <summary>Anything else.</summary>
    Text,
}
