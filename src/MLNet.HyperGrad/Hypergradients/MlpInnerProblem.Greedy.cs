using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The closed-form greedy step of <see cref="MlpInnerProblem"/> (<see cref="IAnalyticGreedyStep"/>).</summary>
/// <remarks>
/// The outer criterion's gradient at the stepped weights comes from one forward and one backward pass over the validation
/// rows (softmax cross-entropy: δ = (p − y)/B at the logits; expected error mean_i (1 − p_i[y_i]): δ = p[y] ⊙ (p − y)/B),
/// and the penalties' λ-derivative from Σ W ⊙ a per coefficient times dλ/du, in plain loops over the flat arrays (the term
/// the analytic reverse step's mixed term differentiates by autograd through the maps u → λ). The hyperparameters this problem reads change the training gradient only through the L2 penalties
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
                    slope[l] = HeldScalars.Subtract(1.0, a[l + 1].Square());
                }
                else
                {
                    a[l + 1] = torch.nn.functional.relu(logits);
                    slope[l] = logits.IsGreaterThan(0.0).to(ScalarType.Float64);
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
            delta = (correct * residual).Over(rows);
        }
        else
        {
            value = Losses.Compute(LossKind.CrossEntropy, logits, y).item<double>();
            delta = residual.Over(rows);
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
    void IAnalyticGreedyStep.AddPenaltyDirectionalDerivative(double[] weights, double[] direction, HyperparameterSet hyperparameters, double scale, Span<double> hypergradient)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        int offset = 0;
        foreach (Hyperparameter d in hyperparameters.Definitions)
        {
            double[]? values = null;
            for (int l = 0; l < Mlp.LayerCount; l++)
            {
                int start = WeightOffset(l);
                long outputs = WeightShapes[2 * l][0];
                long inputs = WeightShapes[2 * l][1];
                int count = (int)(outputs * inputs);
                if (d.Name == L2Name)
                {
                    values ??= Coefficients(hyperparameters, d, Mlp.LayerCount);
                    double sum = 0;
                    for (int i = start; i < start + count; i++)
                    {
                        sum += weights[i] * direction[i];
                    }

                    hypergradient[offset + l] += scale * sum * d.ValueDerivative(values[l]);
                }
                else if (d.Name == PerWeightL2Name(l))
                {
                    values = Coefficients(hyperparameters, d, count);
                    for (int i = 0; i < count; i++)
                    {
                        hypergradient[offset + i] += scale * weights[start + i] * direction[start + i] * d.ValueDerivative(values[i]);
                    }
                }
                else if (d.Name == PerInputUnitL2Name(l))
                {
                    values = Coefficients(hyperparameters, d, (int)inputs);
                    double[] columns = new double[inputs];
                    for (int row = 0; row < outputs; row++)
                    {
                        int first = start + (int)(row * inputs);
                        for (int j = 0; j < inputs; j++)
                        {
                            columns[j] += weights[first + j] * direction[first + j];
                        }
                    }

                    for (int j = 0; j < inputs; j++)
                    {
                        hypergradient[offset + j] += scale * columns[j] * d.ValueDerivative(values[j]);
                    }
                }
            }

            offset += d.ElementCount;
        }
    }

    // The values of a penalty coefficient, checked against the count its weights need.
    private static double[] Coefficients(HyperparameterSet hyperparameters, Hyperparameter d, int count)
    {
        if (d.ElementCount != count)
        {
            throw new ArgumentException($"Hyperparameter \"{d.Name}\" must have {count} elements; got {d.ElementCount}.", nameof(hyperparameters));
        }

        return hyperparameters.Values(d.Name);
    }

    // Where layer l's weight starts in the flat weights (W₀, b₀, W₁, b₁, … one after another).
    private int WeightOffset(int layer)
    {
        long offset = 0;
        for (int i = 0; i < 2 * layer; i++)
        {
            offset += WeightShapes[i].Aggregate(1L, (a, b) => a * b);
        }

        return (int)offset;
    }
}
