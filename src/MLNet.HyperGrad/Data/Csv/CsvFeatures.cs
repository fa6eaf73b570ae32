using System.Collections.ObjectModel;

namespace MLNet.HyperGrad.Data.Csv;

/// <summary>
/// The features of a CSV file encoded with a fitted <see cref="TabularSchema"/>, without labels:
/// the input of a prediction. Made by <see cref="CsvReader.ReadFeatures"/>.
/// </summary>
/// <remarks>
/// Immutable. Features are float32, row-major, shape [<see cref="Rows"/>, <see cref="FeatureCount"/>],
/// encoded exactly as <see cref="CsvReader.Read(string, CsvReadOptions, TabularSchema)"/> encodes
/// them (and not standardized).
/// </remarks>
public sealed class CsvFeatures
{
    private readonly float[] features;
    private readonly ReadOnlyCollection<int> lines;

    /// <summary>Takes ownership of the arrays; the features are the first lines.Length × FeatureCount elements of <paramref name="features"/>.</summary>
    internal CsvFeatures(string filePath, TabularSchema schema, float[] features, int[] lines, int droppedRows)
    {
        FilePath = filePath;
        Schema = schema;
        this.features = features;
        this.lines = Array.AsReadOnly(lines);
        DroppedRows = droppedRows;
    }

    /// <summary>Gets the file the rows were read from.</summary>
    public string FilePath { get; }

    /// <summary>Gets the schema that encoded the rows.</summary>
    public TabularSchema Schema { get; }

    /// <summary>Gets the number of encoded rows.</summary>
    public int Rows => lines.Count;

    /// <summary>Gets the number of features per row, the schema's <see cref="TabularSchema.FeatureCount"/>.</summary>
    public int FeatureCount => Schema.FeatureCount;

    /// <summary>Gets the name of every feature, in order.</summary>
    public IReadOnlyList<string> FeatureNames => Schema.FeatureNames;

    /// <summary>Gets the features, row-major, shape [<see cref="Rows"/>, <see cref="FeatureCount"/>].</summary>
    public ReadOnlySpan<float> Features => features.AsSpan(0, Rows * FeatureCount);

    /// <summary>Gets, for every encoded row, the 1-based line of the file its record starts on.</summary>
    /// <remarks>Rows dropped under <see cref="MissingValuePolicy.DropRow"/> have no entry, so this maps rows back to the file.</remarks>
    public IReadOnlyList<int> Lines => lines;

    /// <summary>Gets the number of data rows dropped for missing values (see <see cref="MissingValuePolicy"/>).</summary>
    public int DroppedRows { get; }

    /// <summary>Gets the features of one row.</summary>
    /// <param name="row">The 0-based row.</param>
    /// <returns>The row's <see cref="FeatureCount"/> features.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Rows"/>).</exception>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return features.AsSpan(row * FeatureCount, FeatureCount);
    }
}
