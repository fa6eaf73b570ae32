namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The hypergradient methods a gradient-based tuning run can choose (<see cref="IHypergradientMethod"/> implementations).</summary>
public enum HypergradientMethodKind
{
    /// <summary>Reverse mode through SGD with momentum, reversed exactly on fixed-point weights (<see cref="ExactReversalReverseMode"/>; Maclaurin, Duvenaud and Adams 2015).</summary>
    ExactReversal,

    /// <summary>Reverse mode that stores every k-th state and recomputes the rest (<see cref="CheckpointedReverseMode"/>).</summary>
    Checkpointed,

    /// <summary>Reverse mode along the straight line from the initial to the final weights (<see cref="DrMad"/>; Fu et al. 2016).</summary>
    DrMad,

    /// <summary>Implicit differentiation at converged weights, the linear system solved by conjugate gradient (<see cref="ImplicitDifferentiation"/>, HOAG; Pedregosa 2016).</summary>
    Implicit,

    /// <summary>Implicit differentiation with a truncated Neumann series (<see cref="ImplicitDifferentiation"/>; Lorraine, Vicol and Duvenaud 2020).</summary>
    ImplicitNeumann,

    /// <summary>Greedy one-step hypergradients applied online during one training run (<see cref="GreedyOneStep"/>; Luketina et al. 2016).</summary>
    Greedy,
}
