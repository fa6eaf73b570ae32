using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>The analytic reverse step of <see cref="MlpInnerProblem"/> (<see cref="IAnalyticReverseStep"/>).</summary>
/// <remarks>
/// For a tanh or ReLU MLP with softmax cross-entropy (mean over the batch) and the L2 penalties of the training loss,
/// the gradient comes from one forward and one backward pass, and the Hessian-vector product from Pearlmutter's R-pass
/// (R-forward: Rz_l = Ra_l·W_lᵀ + a_l·V_lᵀ + c_l, Ra_{l+1} = φ'(z_l) ⊙ Rz_l; R-backward: Rδ = (p ⊙ Rz − p (pᵀRz)) / B at the
/// logits, Rδ_{l−1} = (Rδ_l·W_l + δ_l·V_l) ⊙ φ'(z_{l−1}) + (δ_l·W_l) ⊙ φ''(z_{l−1}) ⊙ Rz_{l−1}): the same matrix products as
/// autograd's double backward, without its graph, its saved tensors and the log-softmax backward's extra passes. By
/// default the first layer's backward products δᵀ·X and Rδᵀ·X are one product [δ | Rδ]ᵀ·X (<see cref="FusedBackwardProducts"/>),
/// whose gradient half may differ from the forward pass's in its last bits (none seen after rounding to 2^−32); with it off,
/// the gradient is computed by the same calls on the same shapes with and without the R-pass (bit-identical). The mixed term
/// is computed in closed form (<see cref="ClosedFormMixedTerm"/>). With <see cref="FusedForwardProducts"/> the forward products a·Wᵀ and
/// a·Vᵀ are one product a·[W | V]ᵀ per layer; libtorch's BLAS sums the wider product in another order (on 784-50-10 with
/// batch 200, 384 of the 10,000 entries of X·W₀ᵀ differed in their last bits), so the reverse step's gradient may differ
/// from the forward pass's in its last bits; exact reversal needs only the gradient rounded to its fixed point (2^−32 by
/// default) to agree, compares checksums of the rounded gradients, and recomputes the gradient with the forward pass's
/// routine at a step where they differ (none seen). It was not faster on a quiet machine, so it is off. The penalties add λ ⊙ W to the gradient, λ ⊙ V to the product, and
/// λ'(u) ⊙ (W ⊙ V) (summed per coefficient) to the mixed term.
/// </remarks>
public sealed partial class MlpInnerProblem
{
    /// <summary>Gets or sets whether the reverse-mode methods may use the analytic step (tanh and ReLU only); false forces autograd, for tests and benchmarks that compare the two.</summary>
    /// <value>The default is true.</value>
    internal bool AnalyticReverseSteps { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the analytic reverse step computes a·Wᵀ and a·Vᵀ as one product a·[W | V]ᵀ per layer (one pass
    /// over the batch instead of two). Its gradient may then differ from <see cref="IAnalyticReverseStep.AnalyticTrainingGradient(double[], HyperparameterTensors, int, Span{double})"/>'s
    /// in the last bits; exact reversal compares checksums of the rounded gradients and recomputes the rare step whose
    /// rounding differs, so it stays exact.
    /// </summary>
    /// <value>The default is false: on a quiet machine the fused products were not faster (bench/RESULTS.md, issue 9, H39: the first
    /// layer's two products 0.079 s per 100 calls against 0.070 fused, but whole exact-reversal runs 0.592 s fused against 0.563 unfused,
    /// from the concatenation and the strided halves); no checksum mismatch was seen with them in 600 reverse steps of the bench's problem.</value>
    internal bool FusedForwardProducts { get; set; }

    /// <summary>
    /// Gets or sets whether the analytic reverse step computes the first layer's δᵀ·X and Rδᵀ·X as one product [δ | Rδ]ᵀ·X
    /// (one pass over the batch's inputs; the two results are contiguous row blocks of it). The gradient may then differ from
    /// <see cref="IAnalyticReverseStep.AnalyticTrainingGradient(double[], HyperparameterTensors, int, Span{double})"/>'s in the
    /// last bits; exact reversal compares checksums of the rounded gradients and recomputes a step whose rounding differs.
    /// </summary>
    /// <value>The default is true, on a small margin (bench/RESULTS.md, issue 9, H41; loaded machine): the first layer's two products
    /// alone 0.071 s per 100 calls fused against 0.081; whole exact-reversal runs of the bench's problem (784-50-10 tanh, T = 100,
    /// batch 200) fused/unfused 0.973 (0.92 … 1.11) by calling thread's CPU, median of 12 alternating pairs, with no checksum
    /// mismatch seen.</value>
    internal bool FusedBackwardProducts { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the analytic reverse step's mixed term ∂(g·v)/∂u is computed in closed form (λ'(u) times Σ W ⊙ V per
    /// coefficient, plain loops) instead of by an autograd call through the maps u → λ at every step.
    /// </summary>
    /// <value>The default is true; false gives the autograd form (the tests compare the two).</value>
    internal bool ClosedFormMixedTerm { get; set; } = true;

    /// <inheritdoc/>
    bool IAnalyticReverseStep.CoversAnalytically(HyperparameterTensors hyperparameters) =>
        AnalyticReverseSteps && Mlp.Activation is Activation.Tanh or Activation.Relu;

    /// <inheritdoc/>
    void IAnalyticReverseStep.AnalyticTrainingGradient(double[] weights, HyperparameterTensors hyperparameters, int step, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor[] w = FlatTensors.Unflatten(weights, WeightShapes);
        FlatTensors.FlattenInto(Pass(w, null, hyperparameters, step).Gradient, gradient);
    }

    /// <inheritdoc/>
    Tensor[]? IAnalyticReverseStep.AnalyticReverseStep(double[] weights, double[] direction, HyperparameterTensors hyperparameters, int step, Span<double> gradient, Span<double> product)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Tensor[] w;
        Tensor[] v;
        using (torch.NewDisposeScope())
        {
            using (torch.no_grad())
            {
                w = FlatTensors.Unflatten(weights, WeightShapes);
                v = FlatTensors.Unflatten(direction, WeightShapes);
                (Tensor[] g, Tensor[]? hv) = Pass(w, v, hyperparameters, step);
                FlatTensors.FlattenInto(g, gradient);
                FlatTensors.FlattenInto(hv!, product);
            }

            Tensor[]? mixed = MixedTerm(w, v, hyperparameters);
            return mixed is null ? null : [.. mixed.Select(t => t.MoveToOuterDisposeScope())];
        }
    }

    /// <inheritdoc/>
    Tensor[] IAnalyticReverseStep.AnalyticTrainingGradient(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        using var noGrad = torch.no_grad();
        return Pass(weights, null, hyperparameters, step).Gradient;
    }

    /// <inheritdoc/>
    Tensor[]? IAnalyticReverseStep.AnalyticReverseStep(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> direction, HyperparameterTensors hyperparameters, int step, out Tensor[] gradient, out Tensor[] product)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(direction);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        using (torch.no_grad())
        {
            (gradient, Tensor[]? hv) = Pass(weights, direction, hyperparameters, step);
            product = hv!;
        }

        return MixedTerm(weights, direction, hyperparameters);
    }

    // One forward and one backward pass, with the R-pass when a direction is given. The gradient's arithmetic is the
    // same in both cases, call for call.
    private (Tensor[] Gradient, Tensor[]? Product) Pass(IReadOnlyList<Tensor> w, IReadOnlyList<Tensor>? v, HyperparameterTensors hyperparameters, int step)
    {
        int layers = Mlp.LayerCount;
        bool withProduct = v is not null;
        (Tensor x, Tensor y) = ClassificationCriteria.Batch(trainX, trainY, BatchSize, step);
        long rows = x.shape[0];
        var a = new Tensor[layers];
        var z = new Tensor[layers];
        var ra = new Tensor[layers];
        var rz = new Tensor[layers];
        var slope = new Tensor[layers];
        var curvature = new Tensor?[layers];
        a[0] = x;
        for (int l = 0; l < layers; l++)
        {
            Tensor weight = w[2 * l];
            Tensor bias = w[(2 * l) + 1];
            // Unfused, the gradient's products are the same calls on the same shapes with and without a direction, so the
            // gradient has the same bits in both; a fused product a·[W | V]ᵀ saves a pass over a but may change the
            // gradient's last bits (see the remarks).
            if (withProduct && FusedForwardProducts)
            {
                long outputs = weight.shape[0];
                Tensor both = torch.addmm(torch.cat([bias, v![(2 * l) + 1]], 0), a[l], torch.cat([weight, v[2 * l]], 0).t(), beta: 1, alpha: 1);
                z[l] = both.narrow(1, 0, outputs);
                rz[l] = both.narrow(1, outputs, outputs);
            }
            else
            {
                z[l] = torch.addmm(bias, a[l], weight.t(), beta: 1, alpha: 1);
            }

            if (withProduct)
            {
                if (!FusedForwardProducts)
                {
                    rz[l] = torch.addmm(v![(2 * l) + 1], a[l], v[2 * l].t(), beta: 1, alpha: 1);
                }

                if (l > 0)
                {
                    rz[l] = rz[l].Plus(torch.mm(ra[l], weight.t()));
                }
            }

            if (l < layers - 1)
            {
                if (Mlp.Activation == Activation.Tanh)
                {
                    a[l + 1] = torch.tanh(z[l]);
                    slope[l] = HeldScalars.Subtract(1.0, a[l + 1].Square());
                    if (withProduct)
                    {
                        curvature[l] = a[l + 1].Times(-2.0) * slope[l];
                    }
                }
                else
                {
                    a[l + 1] = torch.nn.functional.relu(z[l]);
                    slope[l] = z[l].IsGreaterThan(0.0).to(ScalarType.Float64);
                }

                if (withProduct)
                {
                    ra[l + 1] = slope[l] * rz[l];
                }
            }
        }

        Tensor p = torch.nn.functional.softmax(z[layers - 1], 1);
        Tensor delta = (p - torch.nn.functional.one_hot(y, z[layers - 1].shape[1]).to(ScalarType.Float64)).Over(rows);
        Tensor? rdelta = null;
        if (withProduct)
        {
            Tensor prz = p * rz[layers - 1];
            rdelta = (prz - (p * prz.sum(dim: 1L, keepdim: true))).Over(rows);
        }

        var gradient = new Tensor[2 * layers];
        Tensor[]? product = withProduct ? new Tensor[2 * layers] : null;
        for (int l = layers - 1; l >= 0; l--)
        {
            Tensor weight = w[2 * l];
            if (withProduct && l == 0 && FusedBackwardProducts)
            {
                // [δ | Rδ]ᵀ·X: one pass over the batch's inputs; the two halves are contiguous row blocks.
                Tensor both = torch.mm(torch.cat([delta, rdelta!], 1).t(), a[0]);
                long outputs = delta.shape[1];
                gradient[0] = both.narrow(0, 0, outputs);
                product![0] = both.narrow(0, outputs, outputs);
            }
            else
            {
                gradient[2 * l] = torch.mm(delta.t(), a[l]);
            }

            if (withProduct)
            {
                Tensor[] hv = product!;
                Tensor r = rdelta!;
                if (l > 0 || !FusedBackwardProducts)
                {
                    hv[2 * l] = torch.mm(r.t(), a[l]);
                }

                if (l > 0)
                {
                    hv[2 * l] = hv[2 * l].Plus(torch.mm(delta.t(), ra[l]));
                }

                hv[(2 * l) + 1] = r.sum(dim: 0L);
            }

            gradient[(2 * l) + 1] = delta.sum(dim: 0L);
            if (l > 0)
            {
                Tensor e = torch.mm(delta, weight);
                Tensor next = e * slope[l - 1];
                if (withProduct)
                {
                    Tensor re = torch.mm(rdelta!, weight).Plus(torch.mm(delta, v![2 * l]));
                    Tensor rnext = re * slope[l - 1];
                    if (curvature[l - 1] is Tensor c)
                    {
                        rnext = rnext.Plus(e * c * rz[l - 1]);
                    }

                    rdelta = rnext;
                }

                delta = next;
            }
        }

        AddPenalties(w, v, hyperparameters, gradient, product);
        return (gradient, product);
    }

    // The L2 penalties' gradient λ ⊙ W and Hessian-vector product λ ⊙ V, added per layer in the order of Penalty.
    private void AddPenalties(IReadOnlyList<Tensor> w, IReadOnlyList<Tensor>? v, HyperparameterTensors hyperparameters, Tensor[] gradient, Tensor[]? product)
    {
        if (hyperparameters.Contains(L2Name))
        {
            Tensor l2 = hyperparameters.Constrained(L2Name);
            CheckLayers(l2, L2Name);
            for (int l = 0; l < Mlp.LayerCount; l++)
            {
                gradient[2 * l] = gradient[2 * l].Plus(l2[l] * w[2 * l]);
                if (product is not null)
                {
                    product[2 * l] = product[2 * l].Plus(l2[l] * v![2 * l]);
                }
            }
        }

        for (int l = 0; l < Mlp.LayerCount; l++)
        {
            Tensor? coefficient = PerWeightCoefficients(hyperparameters, l, w[2 * l]);
            if (coefficient is not null)
            {
                gradient[2 * l] = gradient[2 * l].Plus(coefficient * w[2 * l]);
                if (product is not null)
                {
                    product[2 * l] = product[2 * l].Plus(coefficient * v![2 * l]);
                }
            }
        }
    }

    // The per-weight and per-input-unit coefficients of layer l together, shaped to broadcast over its weight; null if neither is present.
    private static Tensor? PerWeightCoefficients(HyperparameterTensors hyperparameters, int layer, Tensor weight)
    {
        Tensor? coefficient = null;
        string name = PerWeightL2Name(layer);
        if (hyperparameters.Contains(name))
        {
            coefficient = hyperparameters.Constrained(name);
            CheckPerWeight(coefficient, name, layer, weight, nameof(hyperparameters));
        }

        string unitName = PerInputUnitL2Name(layer);
        if (hyperparameters.Contains(unitName))
        {
            Tensor unit = hyperparameters.Constrained(unitName);
            CheckPerUnit(unit, unitName, layer, weight, nameof(hyperparameters));
            coefficient = coefficient is null ? unit : coefficient.Plus(unit);
        }

        return coefficient;
    }

    // ∂(g·v)/∂u for every leaf: the penalties' λ(u) times Σ W ⊙ V over each coefficient's weights, differentiated by autograd
    // through the (small) maps from the leaves to λ.
    private Tensor[]? MixedTerm(IReadOnlyList<Tensor> w, IReadOnlyList<Tensor> v, HyperparameterTensors hyperparameters)
    {
        if (ClosedFormMixedTerm)
        {
            return MixedTermClosedForm(w, v, hyperparameters);
        }

        Tensor? total = PenaltyDirectional(w, v, hyperparameters);
        return total is null ? null : TorchAutograd.Grad([total], hyperparameters.Leaves, allowUnused: true);
    }

    // ∂(g·v)/∂u per leaf in closed form, without an autograd call: λ'(u) times Σ W ⊙ V over each coefficient's weights (per
    // layer, per weight or per input unit), as PenaltyDirectional's graph differentiates it, in plain loops over the weight
    // and direction tensors' memory; zeros for leaves the training loss does not read; null when no penalty is present.
    private Tensor[]? MixedTermClosedForm(IReadOnlyList<Tensor> w, IReadOnlyList<Tensor> v, HyperparameterTensors hyperparameters)
    {
        IReadOnlyList<Hyperparameter> definitions = hyperparameters.Set.Definitions;
        var terms = new double[definitions.Count][];
        bool any = false;
        for (int k = 0; k < definitions.Count; k++)
        {
            Hyperparameter d = definitions[k];
            double[] term = new double[d.ElementCount];
            terms[k] = term;
            double[]? lambda = null;
            for (int l = 0; l < Mlp.LayerCount; l++)
            {
                bool perLayer = d.Name == L2Name;
                bool perWeight = d.Name == PerWeightL2Name(l);
                bool perUnit = d.Name == PerInputUnitL2Name(l);
                if (!perLayer && !perWeight && !perUnit)
                {
                    continue;
                }

                any = true;
                lambda ??= ConstrainedValues(hyperparameters, d.Name);
                ReadOnlySpan<double> weight = FlatTensors.Memory(w[2 * l].contiguous());
                ReadOnlySpan<double> direction = FlatTensors.Memory(v[2 * l].contiguous());
                if (perLayer)
                {
                    if (lambda.Length != Mlp.LayerCount)
                    {
                        throw new ArgumentException($"Hyperparameter \"{L2Name}\" must have one element per layer ({Mlp.LayerCount}); got {lambda.Length}.", nameof(hyperparameters));
                    }

                    double sum = 0;
                    for (int i = 0; i < weight.Length; i++)
                    {
                        sum += weight[i] * direction[i];
                    }

                    term[l] = sum * d.ValueDerivative(lambda[l]);
                }
                else if (perWeight)
                {
                    if (lambda.Length != weight.Length)
                    {
                        throw new ArgumentException($"Hyperparameter \"{d.Name}\" must have {weight.Length} elements; got {lambda.Length}.", nameof(hyperparameters));
                    }

                    for (int i = 0; i < weight.Length; i++)
                    {
                        term[i] = weight[i] * direction[i] * d.ValueDerivative(lambda[i]);
                    }
                }
                else
                {
                    int inputs = (int)w[2 * l].shape[1];
                    if (lambda.Length != inputs)
                    {
                        throw new ArgumentException($"Hyperparameter \"{d.Name}\" must have {inputs} elements; got {lambda.Length}.", nameof(hyperparameters));
                    }

                    for (int i = 0; i < weight.Length; i++)
                    {
                        term[i % inputs] += weight[i] * direction[i];
                    }

                    for (int j = 0; j < inputs; j++)
                    {
                        term[j] *= d.ValueDerivative(lambda[j]);
                    }
                }
            }
        }

        if (!any)
        {
            return null;
        }

        IReadOnlyList<Tensor> leaves = hyperparameters.Leaves;
        return [.. terms.Select((term, k) => TensorData.FromSpan<double>(term, leaves[k].shape))];
    }

    // A hyperparameter's values (e^u, sigmoid(u) or u) computed from its leaf, without a graph.
    private static double[] ConstrainedValues(HyperparameterTensors hyperparameters, string name)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return TensorData.ToArray<double>(hyperparameters.Constrained(name).contiguous());
    }

    // Σ λ(u) ⊙ (W ⊙ V), summed per coefficient: the penalties' part of g·v, a scalar whose graph reaches the leaves only
    // through the maps u → λ; null when no penalty is present.
    private Tensor? PenaltyDirectional(IReadOnlyList<Tensor> w, IReadOnlyList<Tensor> v, HyperparameterTensors hyperparameters)
    {
        Tensor? total = null;
        void Add(Tensor term) => total = total is null ? term : total.Plus(term);
        Tensor[] wv;
        using (torch.no_grad())
        {
            wv = [.. Enumerable.Range(0, Mlp.LayerCount).Select(l => w[2 * l] * v[2 * l])];
        }

        if (hyperparameters.Contains(L2Name))
        {
            Tensor sums;
            using (torch.no_grad())
            {
                sums = torch.stack([.. wv.Select(t => t.sum())]);
            }

            Add((hyperparameters.Constrained(L2Name) * sums).sum());
        }

        for (int l = 0; l < Mlp.LayerCount; l++)
        {
            string name = PerWeightL2Name(l);
            if (hyperparameters.Contains(name))
            {
                Add((hyperparameters.Constrained(name) * wv[l]).sum());
            }

            string unitName = PerInputUnitL2Name(l);
            if (hyperparameters.Contains(unitName))
            {
                Tensor columns;
                using (torch.no_grad())
                {
                    columns = wv[l].sum(dim: 0L);
                }

                Add((hyperparameters.Constrained(unitName) * columns).sum());
            }
        }

        return total;
    }
}
