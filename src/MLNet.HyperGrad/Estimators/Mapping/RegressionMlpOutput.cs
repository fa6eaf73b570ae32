namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>The regression mapping's output columns.</summary>
internal sealed class RegressionMlpOutput
{
    /// <summary>Gets or sets the prediction.</summary>
    public float Score { get; set; }
}
