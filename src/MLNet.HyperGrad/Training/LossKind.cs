namespace MLNet.HyperGrad.Training;

/// <summary>The training loss.</summary>
public enum LossKind
{
    /// <summary>Cross-entropy of logits against int64 class indices (classification).</summary>
    CrossEntropy,

    /// <summary>Mean squared error against float targets (regression).</summary>
    MeanSquaredError,
}
