using Microsoft.ML.Transforms;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>Recreates the multiclass HyperGradMlp mapping when ML.NET loads model.zip; the network comes from <see cref="HyperGradModel.Load"/>.</summary>
[CustomMappingFactoryAttribute(MlpColumns.MulticlassContract)]
internal sealed class MulticlassMlpMappingFactory : CustomMappingFactory<MlpMappingInput, MulticlassMlpOutput>
{
    /// <inheritdoc />
    public override Action<MlpMappingInput, MulticlassMlpOutput> GetMapping() => MlpNetworkSlots.Take(PredictionTask.MulticlassClassification).MapMulticlass;
}
