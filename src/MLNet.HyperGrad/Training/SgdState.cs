using MLNet.HyperGrad.Models;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Velocities of in-place SGD with momentum.</summary>
internal sealed class SgdState(ParameterSet weights, TrainingOptions options) : IOptimizerState
{
    private readonly ParameterSet velocities = weights.ZerosLike();

    public void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients) =>
        SgdMomentum.StepInPlaceUnchecked(weights, velocities, gradients, options.LearningRate, options.Momentum, options.WeightDecay);

    public void Dispose() => velocities.Dispose();
}
