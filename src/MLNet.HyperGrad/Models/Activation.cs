namespace MLNet.HyperGrad.Models;

/// <summary>The nonlinearity between the layers of an <see cref="Mlp"/>.</summary>
public enum Activation
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>Hyperbolic tangent (smooth, for higher-order derivatives).</summary>
    Tanh,

    /// <summary>Softplus, a smooth ReLU (for higher-order derivatives).</summary>
    Softplus,

    /// <summary>The logistic sigmoid 1 / (1 + e^−x) (the optimizee of Andrychowicz et al. 2016).</summary>
    Sigmoid,
}
