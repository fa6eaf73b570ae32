using Microsoft.ML.Transforms;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>Recreates the binary HyperGradMlp mapping when ML.NET loads model.zip; the network comes from <see cref="HyperGradModel.Load"/>.</summary>
[CustomMappingFactoryAttribute(MlpColumns.BinaryContract)]
internal sealed class BinaryMlpMappingFactory : CustomMappingFactory<MlpMappingInput, BinaryMlpOutput>
{
    /// <inheritdoc />
    public override Action<MlpMappingInput, BinaryMlpOutput> GetMapping() => MlpNetworkSlots.Take(PredictionTask.BinaryClassification).MapBinary;
}
