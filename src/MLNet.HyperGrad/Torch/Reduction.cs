namespace MLNet.HyperGrad.Torch;

/// <summary>How a loss reduces over the batch. Values match libtorch's <c>at::Reduction</c>.</summary>
public enum Reduction
{
    /// <summary>One loss per sample.</summary>
    None = 0,

    /// <summary>The mean over samples.</summary>
    Mean = 1,

    /// <summary>The sum over samples.</summary>
    Sum = 2,
}
