namespace MLNet.HyperGrad.Hypergradients;

/// <summary>How implicit differentiation solves (∇²_w L_train) v = ∇_w L_outer.</summary>
public enum ImplicitSolver
{
    /// <summary>Conjugate gradient on Hessian-vector products, to the outer step's tolerance (HOAG, Pedregosa 2016).</summary>
    ConjugateGradient,

    /// <summary>A truncated Neumann series v ≈ α Σ_{j≤J} (I − α H)^j ∇_w L_outer (Lorraine, Vicol and Duvenaud 2020).</summary>
    Neumann,
}
