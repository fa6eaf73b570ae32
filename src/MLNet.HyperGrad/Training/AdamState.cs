using MLNet.HyperGrad.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Moments of in-place Adam; the same arithmetic as <see cref="Adam.Step"/>.</summary>
internal sealed class AdamState(ParameterSet weights, TrainingOptions options) : IOptimizerState
{
    private readonly ParameterSet first = weights.ZerosLike();
    private readonly ParameterSet second = weights.ZerosLike();
    private int step;

    public void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients)
    {
        step++;
        double correction1 = 1 - Math.Pow(options.Beta1, step);
        double correction2 = 1 - Math.Pow(options.Beta2, step);
        for (int i = 0; i < weights.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor g = gradients[i];
            if (options.WeightDecay != 0)
            {
                g = g.add(weights[i], options.WeightDecay);
            }

            first[i].mul_(options.Beta1).add_(g, 1 - options.Beta1);
            second[i].mul_(options.Beta2).addcmul_(g, g, 1 - options.Beta2);
            Tensor denominator = second[i].div(correction2).sqrt_().add_(options.Epsilon);
            weights[i].addcdiv_(first[i], denominator, -options.LearningRate / correction1);
        }
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
