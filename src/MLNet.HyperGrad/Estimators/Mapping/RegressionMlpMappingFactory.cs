using Microsoft.ML.Transforms;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>Recreates the regression HyperGradMlp mapping when ML.NET loads model.zip; the network comes from <see cref="HyperGradModel.Load"/>.</summary>
[CustomMappingFactoryAttribute(MlpColumns.RegressionContract)]
internal sealed class RegressionMlpMappingFactory : CustomMappingFactory<MlpMappingInput, RegressionMlpOutput>
{
    /// <inheritdoc />
    public override Action<MlpMappingInput, RegressionMlpOutput> GetMapping() => MlpNetworkSlots.Take(PredictionTask.Regression).MapRegression;
}
