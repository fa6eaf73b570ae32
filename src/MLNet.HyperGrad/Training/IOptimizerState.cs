using MLNet.HyperGrad.Models;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>An optimizer's state for in-place training (the non-differentiable fast path).</summary>
internal interface IOptimizerState : IDisposable
{
    /// <summary>Applies one update in place; called under no-grad.</summary>
    void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients);
}
