namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>The binary mapping's output columns, named as ML.NET's binary trainers name them.</summary>
internal sealed class BinaryMlpOutput
{
    /// <summary>Gets or sets the log-odds of the positive class.</summary>
    public float Score { get; set; }

    /// <summary>Gets or sets the probability of the positive class.</summary>
    public float Probability { get; set; }

    /// <summary>Gets or sets whether the positive class is predicted.</summary>
    public bool PredictedLabel { get; set; }
}
