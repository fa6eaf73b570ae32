using Microsoft.ML.Data;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>
/// The multiclass mapping's output columns. A custom mapping loaded from model.zip takes its column sizes
/// from these compile-time attributes, so the score has a fixed <see cref="MaxClasses"/> slots; the chain
/// then cuts it to the class count (DropSlots) and maps the class text to a key (MapValueToKey), both
/// saved by ML.NET itself.
/// </summary>
internal sealed class MulticlassMlpOutput
{
    /// <summary>The most classes a HyperGradMlp multiclass model has.</summary>
    public const int MaxClasses = 256;

    /// <summary>Gets or sets the class probabilities, padded with zeros to <see cref="MaxClasses"/>.</summary>
    [ColumnName(MlpColumns.PaddedScore)]
    [VectorType(MaxClasses)]
    public float[] Score { get; set; } = new float[MaxClasses];

    /// <summary>Gets or sets the text of the predicted class.</summary>
    [ColumnName(MlpColumns.PredictedClass)]
    public string PredictedClass { get; set; } = string.Empty;
}
