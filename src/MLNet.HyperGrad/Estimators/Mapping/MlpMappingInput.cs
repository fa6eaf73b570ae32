using Microsoft.ML.Data;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>The row the HyperGradMlp custom mapping reads: the features, copied into <see cref="MlpColumns.Features"/>.</summary>
internal sealed class MlpMappingInput
{
    /// <summary>Gets or sets the features.</summary>
    [ColumnName(MlpColumns.Features)]
    [VectorType]
    public float[] Features { get; set; } = [];
}
