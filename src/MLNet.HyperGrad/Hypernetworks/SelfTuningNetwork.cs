using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Hypernetworks;

/// <summary>
/// A ReLU MLP whose affine layers are Self-Tuning-Network layers (MacKay et al. 2019): a structured best-response
/// approximation of the trained weights as a function of the hyperparameters λ (a dropout rate per hidden layer, an L2
/// coefficient per layer).
/// </summary>
/// <remarks>
/// <para>Layer l maps its input a to <c>W a + b + e(λ) ⊙ (Wₕ a + bₕ)</c>, where <c>e(λ) = U (λ − c) + a₀</c> scales each
/// output unit by a linear function of the unconstrained hyperparameters (c, <see cref="Center"/>, is their value at the start):
/// the weights <c>W(λ) = W + diag(e(λ)) Wₕ</c>, the paper's <c>W_elem + (Uλ) ⊙_row W_hyper</c>.</para>
/// <para>λ is a vector of <see cref="HyperparameterCount"/> unconstrained values: first the dropout logits of the hidden layers
/// (<see cref="DropoutIndex"/>), then the log L2 coefficients of the affine layers (<see cref="L2Index"/>). Each row of a
/// [batch, D] λ is one example's hyperparameters, so every example of a minibatch can be trained under its own draw
/// from the perturbation distribution, as in the paper.</para>
/// <para>Dropout is the concrete (relaxed Bernoulli) dropout of Gal et al. (2017): with uniform noise u, a unit is dropped by
/// <c>z = σ((logit p + log u − log(1 − u)) / t)</c> and kept activations are scaled by <c>(1 − z) / (1 − p)</c>, so the
/// loss is differentiable in the rate p for fixed noise.</para>
/// <para>Weights (<see cref="Weights"/>, per layer l): <c>w{l}</c> [out, in], <c>b{l}</c> [out], <c>wh{l}</c> [out, in],
/// <c>bh{l}</c> [out], <c>u{l}</c> [out, D], <c>a{l}</c> [out]. Hyperparameters (<see cref="Hyperparameters"/>): <c>mean</c> [D]
/// (the unconstrained λ the run tunes) and <c>log_scale</c> [D] (log σ of the perturbation λ = mean + σ ⊙ ε, ε ~ N(0, I)).</para>
/// </remarks>
public sealed class SelfTuningNetwork : IDisposable
{
    /// <summary>The name of the hyperparameters' mean in <see cref="Hyperparameters"/>.</summary>
    public const string MeanName = "mean";

    /// <summary>The name of the log perturbation scales in <see cref="Hyperparameters"/>.</summary>
    public const string LogScaleName = "log_scale";

    private const int TensorsPerLayer = 6;

    /// <summary>Creates a network with PyTorch's default initialization from a seeded generator.</summary>
    /// <param name="layerSizes">Input, hidden and output sizes; at least one hidden layer.</param>
    /// <param name="initialDropout">Every hidden layer's dropout rate at the start, in (0, 1).</param>
    /// <param name="initialL2">Every layer's L2 coefficient at the start, positive.</param>
    /// <param name="initialScale">The perturbation scale σ at the start, positive.</param>
    /// <param name="generator">A seeded CPU generator.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <exception cref="ArgumentException">A size or value is out of range, or the dtype is not floating.</exception>
    public SelfTuningNetwork(IReadOnlyList<int> layerSizes, double initialDropout, double initialL2, double initialScale, torch.Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(generator);
        if (layerSizes.Count < 3 || layerSizes.Any(s => s < 1))
        {
            throw new ArgumentException($"A self-tuning network needs input, at least one hidden and output sizes, all at least 1; got [{string.Join(", ", layerSizes)}].", nameof(layerSizes));
        }

        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Weights must be float32 or float64; got {dtype}.", nameof(dtype));
        }

        if (!(initialDropout > 0 && initialDropout < 1) || !(initialL2 > 0 && double.IsFinite(initialL2)) || !(initialScale > 0 && double.IsFinite(initialScale)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The initial dropout must be in (0, 1), the initial L2 and perturbation scale finite and positive; got {initialDropout}, {initialL2}, {initialScale}."));
        }

        TorchRuntime.EnsureLoaded();
        LayerSizes = Array.AsReadOnly([.. layerSizes]);
        int d = HyperparameterCount;
        double[] center = new double[d];
        for (int j = 0; j < HiddenLayerCount; j++)
        {
            center[DropoutIndex(j)] = Math.Log(initialDropout / (1 - initialDropout));
        }

        for (int l = 0; l < LayerCount; l++)
        {
            center[L2Index(l)] = Math.Log(initialL2);
        }

        using (torch.NewDisposeScope())
        {
            for (int l = 0; l < LayerCount; l++)
            {
                int fanIn = LayerSizes[l];
                int fanOut = LayerSizes[l + 1];
                double bound = 1 / Math.Sqrt(fanIn);
                double hyperBound = 1 / Math.Sqrt(d);
                Weights.Add(Name("w", l), torch.empty([fanOut, fanIn], dtype).uniform_(-bound, bound, generator).requires_grad_(true));
                Weights.Add(Name("b", l), torch.empty([fanOut], dtype).uniform_(-bound, bound, generator).requires_grad_(true));
                Weights.Add(Name("wh", l), torch.empty([fanOut, fanIn], dtype).uniform_(-bound, bound, generator).requires_grad_(true));
                Weights.Add(Name("bh", l), torch.empty([fanOut], dtype).uniform_(-bound, bound, generator).requires_grad_(true));
                Weights.Add(Name("u", l), torch.empty([fanOut, d], dtype).uniform_(-hyperBound, hyperBound, generator).requires_grad_(true));
                Weights.Add(Name("a", l), torch.zeros([fanOut], dtype).requires_grad_(true));
            }

            Center = torch.tensor(center, dtype).DetachFromDisposeScope();
            Hyperparameters.Add(MeanName, torch.tensor(center, dtype).requires_grad_(true));
            Hyperparameters.Add(LogScaleName, HeldScalars.With(Math.Log(initialScale), value => torch.full([d], value, dtype)).requires_grad_(true));
        }
    }

    /// <summary>Gets the input, hidden and output sizes.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Gets the number of affine layers.</summary>
    public int LayerCount => LayerSizes.Count - 1;

    /// <summary>Gets the number of hidden layers (each with a dropout rate).</summary>
    public int HiddenLayerCount => LayerSizes.Count - 2;

    /// <summary>Gets D, the number of hyperparameters: a dropout rate per hidden layer and an L2 coefficient per affine layer.</summary>
    public int HyperparameterCount => HiddenLayerCount + LayerCount;

    /// <summary>Gets the weights φ the training loss trains (<see cref="TensorsPerLayer"/> per layer, see the remarks).</summary>
    public ParameterSet Weights { get; } = new();

    /// <summary>Gets the hyperparameters the validation loss trains: <c>mean</c> [D] and <c>log_scale</c> [D].</summary>
    public ParameterSet Hyperparameters { get; } = new();

    /// <summary>Gets c [D], the unconstrained hyperparameters at the start; the hypernetwork sees λ − c.</summary>
    public Tensor Center { get; }

    /// <summary>Gets the mean unconstrained hyperparameters [D].</summary>
    public Tensor Mean => Hyperparameters[0];

    /// <summary>Gets the log perturbation scales [D].</summary>
    public Tensor LogScale => Hyperparameters[1];

    /// <summary>Gets the smallest dropout logit (of <see cref="SelfTuningOptions.MinDropout"/>).</summary>
    internal static double MinDropoutLogit { get; } = Math.Log(SelfTuningOptions.MinDropout / (1 - SelfTuningOptions.MinDropout));

    /// <summary>Gets the largest dropout logit (of <see cref="SelfTuningOptions.MaxDropout"/>).</summary>
    internal static double MaxDropoutLogit { get; } = Math.Log(SelfTuningOptions.MaxDropout / (1 - SelfTuningOptions.MaxDropout));

    /// <summary>The position of hidden layer <paramref name="hiddenLayer"/>'s dropout logit in λ.</summary>
    /// <param name="hiddenLayer">The hidden layer, from 0.</param>
    /// <returns>Its index.</returns>
    public static int DropoutIndex(int hiddenLayer) => hiddenLayer;

    /// <summary>The position of affine layer <paramref name="layer"/>'s log L2 coefficient in λ.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>Its index.</returns>
    public int L2Index(int layer) => HiddenLayerCount + layer;

    /// <summary>Computes the logits for a batch under per-example hyperparameters.</summary>
    /// <param name="input">Shape [batch, inputs], the weights' dtype.</param>
    /// <param name="lambda">Unconstrained hyperparameters, shape [batch, D] (one row per example) or [D] (shared).</param>
    /// <param name="dropoutNoise">Uniform noise in (0, 1) per hidden layer, shape [batch, width], for the relaxed dropout; null for dropout off.</param>
    /// <param name="temperature">The relaxed dropout's temperature; positive.</param>
    /// <returns>Logits, shape [batch, outputs], in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">A shape or dtype does not fit.</exception>
    public Tensor Forward(Tensor input, Tensor lambda, IReadOnlyList<Tensor>? dropoutNoise = null, double temperature = 0.1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lambda);
        long batch = CheckInput(input);
        CheckLambda(lambda, batch);
        if (dropoutNoise is not null)
        {
            if (dropoutNoise.Count != HiddenLayerCount)
            {
                throw new ArgumentException($"The dropout noise needs one tensor per hidden layer ({HiddenLayerCount}); got {dropoutNoise.Count}.", nameof(dropoutNoise));
            }

            for (int j = 0; j < HiddenLayerCount; j++)
            {
                if (dropoutNoise[j].dim() != 2 || dropoutNoise[j].shape[0] != batch || dropoutNoise[j].shape[1] != LayerSizes[j + 1])
                {
                    throw new ArgumentException($"The dropout noise of hidden layer {j} must have shape [{batch}, {LayerSizes[j + 1]}]; got {TensorChecks.Shape(dropoutNoise[j])}.", nameof(dropoutNoise));
                }
            }
        }

        if (!(temperature > 0 && double.IsFinite(temperature)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The dropout temperature must be finite and positive; got {temperature}."), nameof(temperature));
        }

        using var scope = torch.NewDisposeScope();
        Tensor rows = lambda.dim() == 1 ? lambda.unsqueeze(0).expand(batch, -1) : lambda;
        Tensor z = rows - Center;
        Tensor a = input;
        for (int l = 0; l < LayerCount; l++)
        {
            Tensor scale = Scale(z, l);
            Tensor pre = torch.nn.functional.linear(a, Weight(l), Bias(l)).Plus(scale * torch.nn.functional.linear(a, HyperWeight(l), HyperBias(l)));
            if (l == LayerCount - 1)
            {
                a = pre;
                break;
            }

            a = torch.nn.functional.relu(pre);
            if (dropoutNoise is not null)
            {
                Tensor logit = rows.narrow(1, DropoutIndex(l), 1).ClampBetween(MinDropoutLogit, MaxDropoutLogit);
                Tensor u = dropoutNoise[l];
                Tensor drop = torch.sigmoid((logit.Plus(u.log()) - HeldScalars.Subtract(1.0, u).log()).Over(temperature));
                a = a * HeldScalars.Subtract(1.0, drop) / HeldScalars.Subtract(1.0, torch.sigmoid(logit));
            }
        }

        return a.MoveToOuterDisposeScope();
    }

    /// <summary>The L2 penalty of the weights W(λ) that each example's hyperparameters select, averaged over the examples.</summary>
    /// <param name="lambda">Unconstrained hyperparameters, shape [batch, D] or [D].</param>
    /// <returns>A scalar: the mean over rows i of Σ_l exp(λ_i, L2(l)) ‖W_l(λ_i), b_l(λ_i)‖², in the caller's dispose scope.</returns>
    /// <remarks>Exact and cheap: with row sums A = ‖W‖² + b², B = ⟨W, Wₕ⟩ + b bₕ, C = ‖Wₕ‖² + bₕ², the squared norm is Σ A + 2 e·B + e²·C.</remarks>
    /// <exception cref="ArgumentException">λ's shape or dtype does not fit.</exception>
    public Tensor L2Penalty(Tensor lambda)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        CheckLambda(lambda, lambda.dim() == 2 ? lambda.shape[0] : 1);
        using var scope = torch.NewDisposeScope();
        Tensor rows = lambda.dim() == 1 ? lambda.unsqueeze(0) : lambda;
        Tensor z = rows - Center;
        Tensor total = torch.zeros([rows.shape[0]], rows.dtype);
        for (int l = 0; l < LayerCount; l++)
        {
            Tensor w = Weight(l);
            Tensor b = Bias(l);
            Tensor wh = HyperWeight(l);
            Tensor bh = HyperBias(l);
            Tensor sumA = w.Square().sum().Plus(b.Square().sum());
            Tensor rowB = (w * wh).sum(1).Plus(b * bh);
            Tensor rowC = wh.Square().sum(1).Plus(bh.Square());
            Tensor e = Scale(z, l);
            Tensor norm = sumA.Plus(e.matmul(rowB).Times(2.0)).Plus(e.Square().matmul(rowC));
            Tensor coefficient = rows.narrow(1, L2Index(l), 1).squeeze(1).ClampBetween(Math.Log(SelfTuningOptions.MinL2), Math.Log(SelfTuningOptions.MaxL2)).exp();
            total = total.Plus(coefficient * norm);
        }

        return total.mean().MoveToOuterDisposeScope();
    }

    /// <summary>The plain MLP weights W(λ), b(λ) at one setting of the hyperparameters (dropout off at inference).</summary>
    /// <param name="lambda">Unconstrained hyperparameters, shape [D].</param>
    /// <returns>w0, b0, w1, b1, … (layer l's weight [out, in]), detached, in the caller's dispose scope: the layout of <see cref="Mlp.Forward"/>.</returns>
    public Tensor[] EffectiveWeights(Tensor lambda)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        if (lambda.dim() != 1)
        {
            throw new ArgumentException($"λ must have shape [{HyperparameterCount}] here; got {TensorChecks.Shape(lambda)}.", nameof(lambda));
        }

        CheckLambda(lambda, 1);
        var result = new Tensor[2 * LayerCount];
        using (torch.no_grad())
        {
            Tensor z = (lambda - Center).unsqueeze(0);
            for (int l = 0; l < LayerCount; l++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor e = Scale(z, l).squeeze(0);
                result[2 * l] = Weight(l).Plus(e.unsqueeze(1) * HyperWeight(l)).MoveToOuterDisposeScope();
                result[(2 * l) + 1] = Bias(l).Plus(e * HyperBias(l)).MoveToOuterDisposeScope();
            }
        }

        return result;
    }

    /// <summary>The dropout rates of the mean hyperparameters, one per hidden layer.</summary>
    /// <returns>Rates in [<see cref="SelfTuningOptions.MinDropout"/>, <see cref="SelfTuningOptions.MaxDropout"/>].</returns>
    public double[] DropoutRates()
    {
        double[] mean = MeanValues();
        return [.. Enumerable.Range(0, HiddenLayerCount).Select(j => 1 / (1 + Math.Exp(-Math.Clamp(mean[DropoutIndex(j)], MinDropoutLogit, MaxDropoutLogit))))];
    }

    /// <summary>The L2 coefficients of the mean hyperparameters, one per affine layer.</summary>
    /// <returns>Coefficients in [<see cref="SelfTuningOptions.MinL2"/>, <see cref="SelfTuningOptions.MaxL2"/>].</returns>
    public double[] L2Coefficients()
    {
        double[] mean = MeanValues();
        return [.. Enumerable.Range(0, LayerCount).Select(l => Math.Exp(Math.Clamp(mean[L2Index(l)], Math.Log(SelfTuningOptions.MinL2), Math.Log(SelfTuningOptions.MaxL2))))];
    }

    /// <summary>The perturbation scales σ, one per hyperparameter (in λ's order).</summary>
    /// <returns>Positive scales in unconstrained units.</returns>
    public double[] PerturbationScales()
    {
        using var scope = torch.NewDisposeScope();
        return [.. LogScale.detach().exp().to(ScalarType.Float64).data<double>()];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Weights.Dispose();
        Hyperparameters.Dispose();
        Center.Dispose();
    }

    private static string Name(string prefix, int layer) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{layer}");

    private double[] MeanValues()
    {
        using var scope = torch.NewDisposeScope();
        return [.. Mean.detach().to(ScalarType.Float64).data<double>()];
    }

    private Tensor Weight(int l) => Weights[TensorsPerLayer * l];

    private Tensor Bias(int l) => Weights[(TensorsPerLayer * l) + 1];

    private Tensor HyperWeight(int l) => Weights[(TensorsPerLayer * l) + 2];

    private Tensor HyperBias(int l) => Weights[(TensorsPerLayer * l) + 3];

    /// <summary>e(λ) = (λ − c) Uᵀ + a₀: shape [rows, out].</summary>
    private Tensor Scale(Tensor z, int l) => torch.nn.functional.linear(z, Weights[(TensorsPerLayer * l) + 4], Weights[(TensorsPerLayer * l) + 5]);

    private long CheckInput(Tensor input)
    {
        if (input.dim() != 2 || input.shape[1] != LayerSizes[0] || input.dtype != Center.dtype)
        {
            throw new ArgumentException($"The input must have shape [batch, {LayerSizes[0]}] and dtype {Center.dtype}; got {TensorChecks.Shape(input)} {input.dtype}.", nameof(input));
        }

        return input.shape[0];
    }

    private void CheckLambda(Tensor lambda, long batch)
    {
        int d = HyperparameterCount;
        bool ok = lambda.dtype == Center.dtype && ((lambda.dim() == 1 && lambda.shape[0] == d) || (lambda.dim() == 2 && lambda.shape[0] == batch && lambda.shape[1] == d));
        if (!ok)
        {
            throw new ArgumentException($"λ must have shape [{d}] or [{batch}, {d}] and dtype {Center.dtype}; got {TensorChecks.Shape(lambda)} {lambda.dtype}.", nameof(lambda));
        }
    }
}
