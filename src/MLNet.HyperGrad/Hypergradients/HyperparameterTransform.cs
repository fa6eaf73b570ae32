namespace MLNet.HyperGrad.Hypergradients;

/// <summary>How a hyperparameter's value maps to the unconstrained space in which gradients are taken.</summary>
public enum HyperparameterTransform
{
    /// <summary>Any finite real: the unconstrained value is the value.</summary>
    Identity,

    /// <summary>A positive value (an L2 coefficient, a learning rate, an init scale): unconstrained u = log(value).</summary>
    Log,

    /// <summary>A value in (0, 1) (a momentum): unconstrained u = log(value / (1 − value)).</summary>
    Logit,
}
