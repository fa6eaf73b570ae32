using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The closed-form greedy step of <see cref="MlpInnerProblem"/> (<see cref="IAnalyticGreedyStep"/>).</summary>
/// <remarks>
/// The outer criterion's gradient at the stepped weights comes from one forward and one backward pass over the validation
/// rows (softmax cross-entropy: δ = (p − y)/B at the logits; expected error mean_i (1 − p_i[y_i]): δ = p[y] ⊙ (p − y)/B),
/// and the penalties' λ-derivative from <see cref="PenaltyDirectional"/>, the term the analytic reverse step's mixed term
/// differentiates. The hyperparameters this problem reads change the training gradient only through the L2 penalties
/// (an init scale acts on the initial weights, which a one-step hypergradient holds fixed) and the outer loss not at all.
/// </remarks>
public sealed partial class MlpInnerProblem : IAnalyticGreedyStep
{
    /// <inheritdoc/>
    bool IAnalyticGreedyStep.CoversGreedyAnalytically(HyperparameterTensors hyperparameters) =>
        ((IAnalyticReverseStep)this).CoversAnalytically(hyperparameters);

    /// <inheritdoc/>
    double IAnalyticGreedyStep.AnalyticOuterGradient(double[] weights, int? step, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor[] w = FlatTensors.Unflatten(weights, WeightShapes);
        (Tensor x, Tensor y) = step is int t
            ? ClassificationCriteria.Batch(validationX, validationY, ValidationBatchSize, t)
            : (validationX, validationY);
        int layers = Mlp.LayerCount;
        long rows = x.shape[0];
        var a = new Tensor[layers];
        var slope = new Tensor[layers];
        Tensor logits = x;
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            logits = torch.addmm(w[(2 * l) + 1], a[l], w[2 * l].t(), beta: 1, alpha: 1);
            if (l < layers - 1)
            {
                if (Mlp.Activation == Activation.Tanh)
                {
                    a[l + 1] = torch.tanh(logits);
                    slope[l] = 1.0 - a[l + 1].square();
                }
                else
                {
                    a[l + 1] = torch.nn.functional.relu(logits);
                    slope[l] = logits.gt(0.0).to(ScalarType.Float64);
                }
            }
        }

        Tensor p = torch.nn.functional.softmax(logits, 1);
        Tensor residual = p - torch.nn.functional.one_hot(y, logits.shape[1]).to(ScalarType.Float64);
        double value;
        Tensor delta;
        if (OuterCriterion == OuterCriterion.ValidationError)
        {
            Tensor correct = p.gather(1, y.unsqueeze(1));
            value = 1.0 - correct.mean().item<double>();
            delta = correct * residual / (double)rows;
        }
        else
        {
            value = Losses.Compute(LossKind.CrossEntropy, logits, y).item<double>();
            delta = residual / (double)rows;
        }

        var result = new Tensor[2 * layers];
        for (int l = layers - 1; l >= 0; l--)
        {
            result[2 * l] = torch.mm(delta.t(), a[l]);
            result[(2 * l) + 1] = delta.sum(dim: 0L);
            if (l > 0)
            {
                delta = torch.mm(delta, w[2 * l]) * slope[l - 1];
            }
        }

        FlatTensors.FlattenInto(result, gradient);
        return value;
    }

    /// <inheritdoc/>
    Tensor? IAnalyticGreedyStep.PenaltyDirectionalTerm(double[] weights, double[] direction, HyperparameterTensors hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Tensor[] w;
        Tensor[] d;
        using (torch.no_grad())
        {
            w = FlatTensors.Unflatten(weights, WeightShapes);
            d = FlatTensors.Unflatten(direction, WeightShapes);
        }

        return PenaltyDirectional(w, d, hyperparameters);
    }
}
