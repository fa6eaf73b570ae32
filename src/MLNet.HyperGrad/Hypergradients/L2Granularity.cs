namespace MLNet.HyperGrad.Hypergradients;

/// <summary>How finely an MLP's L2 penalty is tuned by gradient.</summary>
public enum L2Granularity
{
    /// <summary>No L2 hyperparameter.</summary>
    None,

    /// <summary>One coefficient per layer (<see cref="MlpInnerProblem.L2Name"/>, shape [layers]).</summary>
    PerLayer,

    /// <summary>One coefficient per weight (<c>l2.w{layer}</c>, shaped like each layer's weight; biases are not penalized).</summary>
    PerWeight,
}
