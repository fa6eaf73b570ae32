namespace MLNet.HyperGrad.Data.Csv;

/// <summary>One CSV record: its fields and the 1-based line it starts on.</summary>
/// <param name="Line">The 1-based physical line the record starts on.</param>
/// <param name="Fields">The fields, unquoted.</param>
internal sealed record CsvRecord(int Line, string[] Fields);
