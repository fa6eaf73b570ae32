using Microsoft.ML;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>A validation or test file read with the training file's schema (<see cref="CsvDataViewReader.ReadRows"/>), with what was kept and left out.</summary>
/// <param name="View">The kept rows, as raw columns laid out like the training file's.</param>
/// <param name="RowCount">The number of kept rows.</param>
/// <param name="DroppedRows">The number of data rows left out for a missing label, or under <see cref="MissingValuePolicy.DropRow"/> for any missing value.</param>
public sealed record CsvDataViewRows(IDataView View, int RowCount, int DroppedRows);
