using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// In-place Adam on the network's weights (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay) whose learning rate is given per
/// step, for <see cref="BlackBoxMetaTrainer"/>'s decaying meta learning rate. The arithmetic is that of
/// <c>Training/AdamState</c> operation for operation, so a constant rate gives the same weights bit for bit (a test
/// re-trains the shipped network with it).
/// </summary>
internal sealed class BlackBoxMetaAdam(ParameterSet weights) : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;
    private readonly ParameterSet first = weights.ZerosLike();
    private readonly ParameterSet second = weights.ZerosLike();
    private int step;

    /// <summary>Gets the steps taken.</summary>
    public int Steps => step;

    /// <summary>One Adam step of <paramref name="weights"/> along <paramref name="gradients"/> at <paramref name="learningRate"/>.</summary>
    public void Step(ParameterSet weights, IReadOnlyList<Tensor> gradients, double learningRate)
    {
        step++;
        double correction1 = 1 - Math.Pow(Beta1, step);
        double correction2 = 1 - Math.Pow(Beta2, step);
        for (int i = 0; i < weights.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor g = gradients[i];
            first[i].TimesInPlace(Beta1).PlusScaledInPlace(g, 1 - Beta1);
            Tensor secondMoment = second[i].TimesInPlace(Beta2);
            HeldScalars.With(1 - Beta2, value => secondMoment.addcmul_(g, g, value));
            Tensor denominator = secondMoment.Over(correction2).sqrt_().PlusInPlace(Epsilon);
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
