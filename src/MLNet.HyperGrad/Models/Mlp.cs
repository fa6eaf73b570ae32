using System.Globalization;
using MLNet.HyperGrad.Torch;

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
    /// <param name="generator">The seeded engine: the same seed gives the same weights.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="device">The device; the CPU by default.</param>
    /// <param name="initScale">A multiplier of the bound (an init-scale hyperparameter); 1 by default.</param>
    /// <returns>The weights, with requires-grad set.</returns>
    public ParameterSet CreateParameters(Generator generator, ScalarType dtype = ScalarType.Float32, Device? device = null, double initScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var parameters = new ParameterSet();
        for (int i = 0; i < LayerCount; i++)
        {
            int fanIn = LayerSizes[i];
            int fanOut = LayerSizes[i + 1];
            double bound = initScale / Math.Sqrt(fanIn);
            Tensor w = Tensor.Empty([fanOut, fanIn], dtype).Uniform_(-bound, bound, generator);
            Tensor b = Tensor.Empty([fanOut], dtype).Uniform_(-bound, bound, generator);
            if (device is { Type: not DeviceType.Cpu } d)
            {
                Tensor wd = w.To(d);
                Tensor bd = b.To(d);
                w.Dispose();
                b.Dispose();
                (w, b) = (wd, bd);
            }

            w.RequiresGrad = true;
            b.RequiresGrad = true;
            parameters.Add(WeightName(i), w);
            parameters.Add(BiasName(i), b);
        }

        return parameters;
    }

    /// <summary>Computes the outputs (logits or predictions) for a batch.</summary>
    /// <param name="parameters">Weights from <see cref="CreateParameters"/> or any tensors of the same shapes.</param>
    /// <param name="input">Shape [batch, inputs].</param>
    /// <returns>Shape [batch, outputs]. Intermediate tensors belong to the current dispose scope.</returns>
    public Tensor Forward(IReadOnlyList<Tensor> parameters, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        if (parameters.Count != 2 * LayerCount)
        {
            throw new ArgumentException($"This MLP has {LayerCount} layers and needs {2 * LayerCount} tensors; got {parameters.Count}.", nameof(parameters));
        }

        Tensor h = input;
        for (int i = 0; i < LayerCount; i++)
        {
            Tensor z = Functional.Linear(h, parameters[2 * i], parameters[(2 * i) + 1]);
            if (!ReferenceEquals(h, input) && DisposeScope.Current is null)
            {
                h.Dispose();
            }

            if (i < LayerCount - 1)
            {
                Tensor a = Activate(z);
                if (DisposeScope.Current is null)
                {
                    z.Dispose();
                }

                h = a;
            }
            else
            {
                h = z;
            }
        }

        return h;
    }

    /// <summary>The name of layer <paramref name="layer"/>'s weight.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>The name.</returns>
    public static string WeightName(int layer) => string.Create(CultureInfo.InvariantCulture, $"w{layer}");

    /// <summary>The name of layer <paramref name="layer"/>'s bias.</summary>
    /// <param name="layer">The layer, from 0.</param>
    /// <returns>The name.</returns>
    public static string BiasName(int layer) => string.Create(CultureInfo.InvariantCulture, $"b{layer}");

    private Tensor Activate(Tensor z) => Activation switch
    {
        Activation.Relu => z.Relu(),
        Activation.Tanh => z.Tanh(),
        Activation.Softplus => z.Softplus(),
        _ => throw new InvalidOperationException($"Unknown activation {Activation}."),
    };
}
