using System.Globalization;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Models;

/// <summary>A functional multilayer perceptron: the architecture here, the weights in a <see cref="ParameterSet"/>.</summary>
/// <remarks>
/// Keeping weights outside the model makes training differentiable end to end: a training run is a
/// function from initial weights and hyperparameters (tensors) to final weights. Layer i has a weight
/// <c>w{i}</c> of shape [out, in] and a bias <c>b{i}</c> of shape [out], as in PyTorch's Linear.
/// </remarks>
public sealed class Mlp
{
    /// <summary>Creates an MLP.</summary>
    /// <param name="layerSizes">Input size, hidden sizes, output size: at least two entries, all positive.</param>
    /// <param name="activation">The hidden nonlinearity.</param>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size below 1.</exception>
    public Mlp(IReadOnlyList<int> layerSizes, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2)
        {
            throw new ArgumentException($"An MLP needs at least an input and an output size; got {layerSizes.Count} size(s).", nameof(layerSizes));
        }

        for (int i = 0; i < layerSizes.Count; i++)
        {
            if (layerSizes[i] < 1)
            {
                throw new ArgumentException($"Layer size {i} is {layerSizes[i]}; every size must be at least 1.", nameof(layerSizes));
            }
        }

        LayerSizes = [.. layerSizes];
        Activation = activation;
    }

    /// <summary>Gets the input, hidden and output sizes.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Gets the hidden nonlinearity.</summary>
    public Activation Activation { get; }

    /// <summary>Gets the number of affine layers.</summary>
    public int LayerCount => LayerSizes.Count - 1;

    /// <summary>Creates weights with PyTorch's default initialization, U(-1/√in, 1/√in), from a seeded engine.</summary>
    /// <param name="generator">A seeded CPU generator: the same seed gives the same weights on every device (numbers are drawn on the CPU, then moved).</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <param name="initScale">A multiplier of the bound (an init-scale hyperparameter); 1 by default.</param>
    /// <returns>The weights, with requires-grad set.</returns>
    /// <exception cref="ArgumentException">The dtype is not float32 or float64, or the scale is not finite and positive.</exception>
    public ParameterSet CreateParameters(torch.Generator generator, ScalarType dtype = ScalarType.Float32, torch.Device? device = null, double initScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Weights must be float32 or float64; got {dtype}.", nameof(dtype));
        }

        if (!double.IsFinite(initScale) || initScale <= 0)
        {
            throw new ArgumentException($"The init scale must be finite and positive; got {initScale}.", nameof(initScale));
        }

        device = TorchDevices.Prepare(device);
        var parameters = new ParameterSet();
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < LayerCount; i++)
        {
            int fanIn = LayerSizes[i];
            int fanOut = LayerSizes[i + 1];
            double bound = initScale / Math.Sqrt(fanIn);
            Tensor w = torch.empty([fanOut, fanIn], dtype).uniform_(-bound, bound, generator).to(device);
            Tensor b = torch.empty([fanOut], dtype).uniform_(-bound, bound, generator).to(device);
            parameters.Add(WeightName(i), w.requires_grad_(true));
            parameters.Add(BiasName(i), b.requires_grad_(true));
        }

        return parameters;
    }

    /// <summary>Computes the outputs (logits or predictions) for a batch.</summary>
    /// <param name="parameters">Weights from <see cref="CreateParameters"/> or any tensors of the same shapes (layer i's weight [out, in] at 2i, bias [out] at 2i+1).</param>
    /// <param name="input">Shape [batch, inputs], the weights' dtype and device.</param>
    /// <returns>Shape [batch, outputs], in the caller's dispose scope; intermediate tensors are released here (autograd keeps what it needs).</returns>
    /// <exception cref="ArgumentException">The parameter count or the input's shape does not fit this MLP.</exception>
    public Tensor Forward(IReadOnlyList<Tensor> parameters, Tensor input)
    {
        CheckForwardArguments(parameters, input);
        using var scope = torch.NewDisposeScope();
        return ForwardUnchecked(parameters, input).MoveToOuterDisposeScope();
    }

    /// <summary>The name of layer <paramref name="layer"/>'s weight.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>The name.</returns>
    public static string WeightName(int layer) => string.Create(CultureInfo.InvariantCulture, $"w{layer}");

    /// <summary>The name of layer <paramref name="layer"/>'s bias.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>The name.</returns>
    public static string BiasName(int layer) => string.Create(CultureInfo.InvariantCulture, $"b{layer}");

    /// <summary>The checks of <see cref="Forward"/>, for callers that check once and then call <see cref="ForwardUnchecked"/> many times.</summary>
    /// <param name="parameters">The weights.</param>
    /// <param name="input">An input (or all inputs: only its second dimension is checked).</param>
    /// <exception cref="ArgumentException">The parameter count or the input's shape does not fit this MLP.</exception>
    internal void CheckForwardArguments(IReadOnlyList<Tensor> parameters, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        if (parameters.Count != 2 * LayerCount)
        {
            throw new ArgumentException($"This MLP has {LayerCount} layers and needs {2 * LayerCount} tensors; got {parameters.Count}.", nameof(parameters));
        }

        if (input.dim() != 2 || input.shape[1] != LayerSizes[0])
        {
            throw new ArgumentException($"The input must have shape [batch, {LayerSizes[0]}]; got {TensorChecks.Shape(input)}.", nameof(input));
        }
    }

    /// <summary>
    /// <see cref="Forward"/> without its checks and without its own dispose scope: every intermediate
    /// tensor belongs to the caller's scope. For a training loop that ran <see cref="CheckForwardArguments"/>
    /// once on the whole data set and runs each step in its own scope.
    /// </summary>
    /// <param name="parameters">The weights, already checked.</param>
    /// <param name="input">Shape [batch, inputs], already checked.</param>
    /// <returns>Shape [batch, outputs], in the caller's dispose scope.</returns>
    internal Tensor ForwardUnchecked(IReadOnlyList<Tensor> parameters, Tensor input)
    {
        Tensor h = input;
        for (int i = 0; i < LayerCount; i++)
        {
            h = torch.nn.functional.linear(h, parameters[2 * i], parameters[(2 * i) + 1]);
            if (i < LayerCount - 1)
            {
                h = Activate(h);
            }
        }

        return h;
    }

    private Tensor Activate(Tensor z) => Activation switch
    {
        Activation.Relu => torch.nn.functional.relu(z),
        Activation.Tanh => torch.tanh(z),
        Activation.Softplus => HeldScalars.Softplus(z),
        Activation.Sigmoid => torch.sigmoid(z),
        _ => throw new InvalidOperationException($"Unknown activation {Activation}."),
    };
}
