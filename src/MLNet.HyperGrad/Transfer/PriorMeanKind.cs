namespace MLNet.HyperGrad.Transfer;

/// <summary>The parametric prior mean a <see cref="GpPriorPretraining"/> fits.</summary>
public enum PriorMeanKind
{
    /// <summary>One constant <c>μ(x) = c</c>.</summary>
    Constant,

    /// <summary>An affine function of the encoded inputs <c>μ(x) = wᵀx + c</c>.</summary>
    Linear,

    /// <summary>A one-hidden-layer tanh network on the encoded inputs <c>μ(x) = vᵀ tanh(Wx + b) + c</c> (HyperBO's MLP mean).</summary>
    Mlp,
}
