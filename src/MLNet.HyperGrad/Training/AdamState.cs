using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Training;

/// <summary>Moments of in-place Adam; the same arithmetic as <see cref="Adam.Step"/>.</summary>
internal sealed class AdamState(ParameterSet weights, TrainingOptions options) : IOptimizerState
{
    private readonly ParameterSet first = weights.ZerosLike();
    private readonly ParameterSet second = weights.ZerosLike();
    private int step;

    public void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients) => Step(weights, gradients, options.LearningRate);

    /// <summary>One step at <paramref name="learningRate"/> instead of the options' rate (a schedule's rate for this step).</summary>
    /// <param name="weights">The weights, changed in place.</param>
    /// <param name="gradients">Their gradients, in the same order.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    public void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients, double learningRate)
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
                g = g.PlusScaled(weights[i], options.WeightDecay);
            }

            first[i].TimesInPlace(options.Beta1).PlusScaledInPlace(g, 1 - options.Beta1);
            Tensor secondMoment = second[i].TimesInPlace(options.Beta2);
            HeldScalars.With(1 - options.Beta2, value => secondMoment.addcmul_(g, g, value));
            Tensor denominator = secondMoment.Over(correction2).sqrt_().PlusInPlace(options.Epsilon);
            Tensor weight = weights[i];
            Tensor moment = first[i];
            HeldScalars.With(-learningRate / correction1, value => weight.addcdiv_(moment, denominator, value));
        }
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
