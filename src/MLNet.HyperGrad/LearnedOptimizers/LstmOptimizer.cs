using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>
/// A coordinatewise LSTM optimizer (Andrychowicz et al. 2016, "Learning to learn by gradient descent by gradient
/// descent"): a small recurrent network, shared by every coordinate of the optimizee, maps each coordinate's gradient
/// history to its update.
/// </summary>
/// <remarks>
/// <para>Per coordinate, the gradient g is preprocessed into two inputs (<see cref="Preprocess"/>: ln|g| / k and sign g,
/// or −1 and e^k g for tiny gradients), passed through <see cref="LstmOptimizerOptions.Layers"/> stacked LSTM cells of
/// <see cref="LstmOptimizerOptions.HiddenSize"/> units each and a linear read-out m; the update is
/// <c>θ ← θ + OutputScale · m</c>. The weights φ of the cells and the read-out are shared across coordinates; each
/// coordinate has its own hidden and cell state. The cells are written here on TorchSharp tensors (gate order input,
/// forget, cell, output, as PyTorch's LSTMCell; one bias per gate), so the update is a differentiable function of φ.</para>
/// <para>Use it as an optimizer with <see cref="CreateState"/> (or <see cref="Training.TrainingOptions.LearnedOptimizer"/>,
/// <see cref="Estimators.HyperGradMlpOptions.Optimizer"/>, <c>hypergrad train --optimizer lstm:FILE</c>); train φ with
/// <see cref="LstmMetaTrainer"/>; keep it with <see cref="Save"/> and <see cref="Load"/>. The instance owns φ; a state copies φ, so the
/// optimizer may be disposed once its states exist.</para>
/// </remarks>
public sealed class LstmOptimizer : IDisposable
{
    private readonly ParameterSet weights;

    private LstmOptimizer(LstmOptimizerOptions options, ParameterSet weights)
    {
        Options = options;
        this.weights = weights;
    }

    /// <summary>Gets the architecture.</summary>
    public LstmOptimizerOptions Options { get; }

    /// <summary>
    /// Gets the optimizer's own weights φ, with requires-grad set: per layer l <c>lstm{l}.w_ih</c> [4H, inputs],
    /// <c>lstm{l}.w_hh</c> [4H, H], <c>lstm{l}.bias</c> [4H]; then <c>out.w</c> [1, H] and <c>out.b</c> [1].
    /// Meta-training updates them in place.
    /// </summary>
    public ParameterSet Weights => weights;

    /// <summary>Gets the number of scalar weights in φ.</summary>
    public long ParameterCount => weights.ElementCount;

    /// <summary>Creates an untrained optimizer with PyTorch's LSTM initialization U(−1/√H, 1/√H), the forget-gate biases raised by 1.</summary>
    /// <param name="options">The architecture; the paper's defaults when null.</param>
    /// <param name="seed">The seed of the initial weights.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <returns>The optimizer, on the CPU.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or the dtype is not float32 or float64.</exception>
    public static LstmOptimizer Create(LstmOptimizerOptions? options = null, ulong seed = 0, ScalarType dtype = ScalarType.Float32)
    {
        options ??= new LstmOptimizerOptions();
        options.Validate();
        CheckDtype(dtype, nameof(dtype));
        TorchRuntime.EnsureLoaded();
        using var generator = new torch.Generator(seed);
        int h = options.HiddenSize;
        double bound = 1 / Math.Sqrt(h);
        var set = new ParameterSet();
        using (torch.NewDisposeScope())
        {
            foreach ((string name, long[] shape) in Shapes(options))
            {
                Tensor t = torch.empty(shape, dtype).uniform_(-bound, bound, generator);
                if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    using (torch.no_grad())
                    {
                        t.narrow(0, h, h).PlusInPlace(1.0);
                    }
                }
                else if (name == "out.b")
                {
                    t.zero_();
                }

                set.Add(name, t.requires_grad_(true));
            }
        }

        return new LstmOptimizer(options, set);
    }

    /// <summary>Reads an optimizer written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The optimizer, on the CPU, in the dtype it was saved in.</returns>
    /// <exception cref="LearnedOptimizerFormatException">The file is missing, truncated, corrupt (checksum), of another format or version, or inconsistent; the message names the file.</exception>
    public static LstmOptimizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (LstmOptimizerOptions options, ScalarType dtype, IReadOnlyList<(string Name, long[] Shape, double[] Values)> tensors) = LstmOptimizerFile.Read(path);
        TorchRuntime.EnsureLoaded();
        var set = new ParameterSet();
        using (torch.NewDisposeScope())
        {
            foreach ((string name, long[] shape, double[] values) in tensors)
            {
                Tensor t = torch.tensor(values, shape, ScalarType.Float64).to(dtype);
                set.Add(name, t.requires_grad_(true));
            }
        }

        return new LstmOptimizer(options, set);
    }

    /// <summary>Writes the architecture and φ to a file (a small binary format with a SHA-256 trailer; see <see cref="Load"/>).</summary>
    /// <param name="path">The file; overwritten if it exists.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ScalarType dtype = weights[0].dtype;
        var tensors = new List<(string, long[], double[])>(weights.Count);
        IReadOnlyList<double[]> values = weights.ToArrays();
        for (int i = 0; i < weights.Count; i++)
        {
            tensors.Add((weights.Names[i], weights[i].shape, values[i]));
        }

        LstmOptimizerFile.Write(path, Options, dtype, tensors);
    }

    /// <summary>Creates the per-coordinate state that applies this optimizer, in place, to some weights.</summary>
    /// <param name="parameters">The optimizee's weights (any number of float tensors on one device); the state is sized and typed for them.</param>
    /// <param name="weightDecay">An L2 coefficient λ: the gradient seen by the LSTM is g + λ θ. 0 by default.</param>
    /// <returns>A state holding a copy of φ in the weights' dtype and device, and zero hidden and cell states.</returns>
    /// <exception cref="ArgumentException">No weights, weights of different dtypes or devices, or a negative or non-finite λ.</exception>
    public LstmOptimizerState CreateState(IReadOnlyList<Tensor> parameters, double weightDecay = 0) => new(this, parameters, weightDecay);

    /// <summary>The gradient preprocessing of Andrychowicz et al. (2016, appendix A).</summary>
    /// <param name="gradient">Gradients, shape [n]; treated as constants (no gradient flows through this function).</param>
    /// <param name="k">k &gt; 0 (the paper's p = 10).</param>
    /// <returns>Shape [n, 2]: (ln|g| / k, sign g) where |g| ≥ e^−k, (−1, e^k g) elsewhere; in the current dispose scope.</returns>
    /// <exception cref="ArgumentException">The gradient is not one-dimensional, or k is not positive.</exception>
    public static Tensor Preprocess(Tensor gradient, double k)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (gradient.dim() != 1)
        {
            throw new ArgumentException($"The gradient must have shape [n]; got {TensorChecks.Shape(gradient)}.", nameof(gradient));
        }

        if (!double.IsFinite(k) || k <= 0)
        {
            throw new ArgumentException($"k must be a positive number; got {k.ToString("R", CultureInfo.InvariantCulture)}.", nameof(k));
        }

        return PreprocessUnchecked(gradient, k);
    }

    /// <summary>Frees φ.</summary>
    public void Dispose() => weights.Dispose();

    /// <summary>The names and shapes of φ, in order.</summary>
    internal static IReadOnlyList<(string Name, long[] Shape)> Shapes(LstmOptimizerOptions options)
    {
        int h = options.HiddenSize;
        var shapes = new List<(string, long[])>();
        for (int l = 0; l < options.Layers; l++)
        {
            int inputs = l == 0 ? 2 : h;
            string prefix = string.Create(CultureInfo.InvariantCulture, $"lstm{l}");
            shapes.Add(($"{prefix}.w_ih", [4L * h, inputs]));
            shapes.Add(($"{prefix}.w_hh", [4L * h, h]));
            shapes.Add(($"{prefix}.bias", [4L * h]));
        }

        shapes.Add(("out.w", [1, h]));
        shapes.Add(("out.b", [1]));
        return shapes;
    }

    /// <summary>
    /// One step of the network for n coordinates: the update (OutputScale · m, shape [n]) and the new hidden and cell
    /// states (one [n, H] per layer). A differentiable function of <paramref name="phi"/> and the states; the gradient is a constant.
    /// </summary>
    /// <param name="phi">φ in the order of <see cref="Shapes"/> (this optimizer's <see cref="Weights"/> or tensors like them).</param>
    /// <param name="gradient">The coordinates' gradients, [n].</param>
    /// <param name="hidden">Per layer, [n, H].</param>
    /// <param name="cells">Per layer, [n, H].</param>
    internal (Tensor Update, Tensor[] Hidden, Tensor[] Cells) Forward(IReadOnlyList<Tensor> phi, Tensor gradient, IReadOnlyList<Tensor> hidden, IReadOnlyList<Tensor> cells)
    {
        int layers = Options.Layers;
        var newHidden = new Tensor[layers];
        var newCells = new Tensor[layers];
        Tensor x = PreprocessUnchecked(gradient, Options.PreprocessingK);
        for (int l = 0; l < layers; l++)
        {
            Tensor gates = torch.nn.functional.linear(x, phi[3 * l], phi[(3 * l) + 2]).addmm_(hidden[l], phi[(3 * l) + 1].t());
            Tensor[] chunks = gates.chunk(4, 1);
            Tensor input = chunks[0].sigmoid();
            Tensor forget = chunks[1].sigmoid();
            Tensor candidate = chunks[2].tanh();
            Tensor output = chunks[3].sigmoid();
            newCells[l] = HeldScalars.With(1.0, one => (forget * cells[l]).addcmul_(input, candidate, one));
            newHidden[l] = output * newCells[l].tanh();
            x = newHidden[l];
        }

        Tensor m = torch.nn.functional.linear(x, phi[3 * layers], phi[(3 * layers) + 1]).squeeze(1);
        return (m.TimesInPlace(Options.OutputScale), newHidden, newCells);
    }

    /// <summary>Zero hidden and cell states for n coordinates.</summary>
    internal (Tensor[] Hidden, Tensor[] Cells) ZeroState(long coordinates, ScalarType dtype, torch.Device device)
    {
        var hidden = new Tensor[Options.Layers];
        var cells = new Tensor[Options.Layers];
        for (int l = 0; l < Options.Layers; l++)
        {
            hidden[l] = torch.zeros([coordinates, Options.HiddenSize], dtype, device);
            cells[l] = torch.zeros([coordinates, Options.HiddenSize], dtype, device);
        }

        return (hidden, cells);
    }

    internal static void CheckDtype(ScalarType dtype, string name)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"The dtype must be float32 or float64; got {dtype}.", name);
        }
    }

    private static Tensor PreprocessUnchecked(Tensor gradient, double k)
    {
        using var scope = torch.NewDisposeScope();
        Tensor g = gradient.detach();
        double threshold = Math.Exp(-k);
        Tensor small = g.abs().IsLessThan(threshold);
        Tensor magnitude = g.abs().ClampMinimum(threshold).log_();
        HeldScalars.With(k, divisor => magnitude.div_(divisor));
        HeldScalars.With(-1.0, fill => magnitude.masked_fill_(small, fill));
        Tensor direction = torch.where(small, g.Times(Math.Exp(k)), g.sign());
        return torch.stack([magnitude, direction], 1).MoveToOuterDisposeScope();
    }
}
