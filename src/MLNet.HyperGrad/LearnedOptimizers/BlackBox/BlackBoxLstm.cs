using System.Globalization;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// The recurrent network of a learned black-box optimizer (Chen et al. 2017, "Learning to learn without gradient descent
/// by gradient descent"): an LSTM that reads each observed (point, value) and proposes the next point.
/// </summary>
/// <remarks>
/// <para>One LSTM cell of <see cref="HiddenSize"/> units (32 in the shipped network) is shared by every coordinate of
/// the point, so one network serves any dimension d; each coordinate has its own hidden and cell state. After an
/// observation (x, y) the cell of coordinate i reads <see cref="FeatureCount"/> numbers (the <see cref="BlackBoxLstmDesign.Original"/>
/// design; <see cref="BlackBoxLstmDesign"/> lists the relative inputs and the shrinking scale of the other designs) — x_i, b_i (the best observed
/// point's coordinate), the value's rank among all observations so far mapped to [−1, 1] (−1 best), a flag that is 1
/// when the observation improved on the best, and the step ln(1 + n) / ln 51 after n observations — followed by the
/// mean over the d coordinates of the previous hidden states. The coordinates see each other through the value (a
/// function of all of them), the best point, and that pooled summary.</para>
/// <para>A linear read-out of each coordinate's hidden state gives a shift a_i and a raw scale c_i, and the next point is
/// x_i = reflect(b_i + a_i + softplus(c_i) ε_i) with ε_i ~ N(0, 1) (the reparameterization trick: the noise is an
/// input, so the proposal is a differentiable function of the weights, and a seeded tuner still explores), where
/// reflect(u) = 1 − |1 − (u mod 2)| folds the real line onto [0, 1] like a mirror at both faces of the cube (slope ±1,
/// so the step size means the same near a face as in the middle). The value enters as a rank, so the network is invariant to monotone transforms of
/// the loss (it sees the same inputs for a loss and its logarithm).</para>
/// <para>Meta-train with <see cref="BlackBoxMetaTrainer"/>; keep with <see cref="Save"/> and <see cref="Load"/>; the library
/// ships a trained network, <see cref="LoadShipped"/>, which <see cref="Tuners.LearnedBlackBoxTuner"/> uses by default.</para>
/// </remarks>
public sealed class BlackBoxLstm : IDisposable
{
    /// <summary>The number of per-coordinate features the <see cref="BlackBoxLstmDesign.Original"/> design reads before the pooled hidden state.</summary>
    public const int FeatureCount = 5;

    /// <summary>The per-coordinate features the relative inputs add (<see cref="BlackBoxLstmDesign.RelativeInputs"/>).</summary>
    internal const int RelativeFeatureCount = 3;

    /// <summary>The index of <c>out.decay</c> among the weights of a design with a shrinking scale.</summary>
    internal const int DecayIndex = 5;

    /// <summary>The initial decay weight g = ln 9: softplus(g) = ln(1 + 9) = ln 10, so the scale shrinks by exp(−ln 10) = 0.1 over the horizon.</summary>
    private static readonly double InitialDecay = Math.Log(9);

    /// <summary>The name of the shipped network's manifest resource in this assembly.</summary>
    internal const string ShippedResourceName = "MLNet.HyperGrad.LearnedOptimizers.BlackBox.learned-bo.hgb";

    /// <summary>The initial bias of the raw scale c: softplus(−1.5) ≈ 0.2.</summary>
    private const double InitialRawScale = -1.5;

    private readonly ParameterSet weights;

    private BlackBoxLstm(int hiddenSize, BlackBoxLstmDesign design, ParameterSet weights)
    {
        HiddenSize = hiddenSize;
        Design = design;
        this.weights = weights;
    }

    /// <summary>Gets the number of LSTM units.</summary>
    public int HiddenSize { get; }

    /// <summary>Gets what the network reads and how it steps.</summary>
    public BlackBoxLstmDesign Design { get; }

    /// <summary>Gets the number of per-coordinate features each step reads before the pooled hidden state (5, or 8 with the relative inputs).</summary>
    public int InputFeatureCount => FeatureCountOf(Design);

    /// <summary>
    /// Gets the weights, with requires-grad set: <c>lstm.w_ih</c> [4H, F + H] (F = <see cref="InputFeatureCount"/>),
    /// <c>lstm.w_hh</c> [4H, H], <c>lstm.bias</c> [4H] (gate order input, forget, cell, output, as PyTorch's LSTMCell),
    /// <c>out.w</c> [2, H], <c>out.b</c> [2], and with a shrinking scale <c>out.decay</c> [1]. Meta-training updates them in place.
    /// </summary>
    public ParameterSet Weights => weights;

    /// <summary>Gets the number of scalar weights.</summary>
    public long ParameterCount => weights.ElementCount;

    /// <summary>Creates an untrained network with PyTorch's LSTM initialization U(−1/√H, 1/√H), the forget-gate biases raised by 1.</summary>
    /// <param name="hiddenSize">The number of LSTM units H.</param>
    /// <param name="seed">The seed of the initial weights.</param>
    /// <param name="dtype">float32 or float64.</param>
    /// <param name="design">What the network reads and how it steps; <see cref="BlackBoxLstmDesign.Original"/> by default (the same weights for a seed as before the designs existed).</param>
    /// <returns>The network, on the CPU.</returns>
    /// <exception cref="ArgumentException">H is not positive, the dtype is not float32 or float64, or the design is not defined.</exception>
    public static BlackBoxLstm Create(int hiddenSize = 32, ulong seed = 0, ScalarType dtype = ScalarType.Float32, BlackBoxLstmDesign design = BlackBoxLstmDesign.Original)
    {
        if (hiddenSize < 1)
        {
            throw new ArgumentException($"The hidden size must be at least 1; got {hiddenSize}.", nameof(hiddenSize));
        }

        if (!Enum.IsDefined(design))
        {
            throw new ArgumentException($"The design must be one of {string.Join(", ", Enum.GetNames<BlackBoxLstmDesign>())}; got {(int)design}.", nameof(design));
        }

        CheckDtype(dtype, nameof(dtype));
        TorchRuntime.EnsureLoaded();
        using var generator = new torch.Generator(seed);
        double bound = 1 / Math.Sqrt(hiddenSize);
        var set = new ParameterSet();
        using (torch.NewDisposeScope())
        {
            foreach ((string name, long[] shape) in Shapes(hiddenSize, design))
            {
                Tensor t = torch.empty(shape, dtype).uniform_(-bound, bound, generator);
                using (torch.no_grad())
                {
                    if (name == "lstm.bias")
                    {
                        t.narrow(0, hiddenSize, hiddenSize).PlusInPlace(1.0);
                    }
                    else if (name == "out.b")
                    {
                        // Shift 0 and scale softplus(−1.5) ≈ 0.2 of the cube before training.
                        t.zero_();
                        HeldScalars.With(InitialRawScale, value => t.narrow(0, 1, 1).fill_(value));
                    }
                    else if (name == "out.decay")
                    {
                        HeldScalars.With(InitialDecay, value => t.fill_(value));
                    }
                }

                set.Add(name, t.requires_grad_(true));
            }
        }

        return new BlackBoxLstm(hiddenSize, design, set);
    }

    /// <summary>Reads a network written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The network, on the CPU, in the dtype it was saved in.</returns>
    /// <exception cref="LearnedOptimizerFormatException">The file is missing, truncated, corrupt (checksum), of another format or version, or inconsistent; the message names the file.</exception>
    public static BlackBoxLstm Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new LearnedOptimizerFormatException(path, "the file does not exist; a learned black-box optimizer is saved by BlackBoxLstm.Save or `bench learned-bo --save FILE`");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LearnedOptimizerFormatException(path, "the file cannot be read: " + ex.Message, ex);
        }

        return FromBytes(bytes, path);
    }

    /// <summary>Reads the network shipped inside this library (meta-trained by <c>bench learned-bo</c>'s defaults on Matérn-5/2 GP functions of dimensions 1 to 6: the <see cref="BlackBoxLstmDesign.ShrinkingScale"/> design, d = 4-6 drawn twice as often, 2,000 episodes, the meta learning rate decayed by a cosine to 0.1 of it, seed 33, chosen among fresh seeds on classic validation functions that are not the benchmark's test functions).</summary>
    /// <returns>The network, on the CPU, float32.</returns>
    /// <exception cref="LearnedOptimizerFormatException">The resource is missing or corrupt (a broken build).</exception>
    public static BlackBoxLstm LoadShipped() => FromBytes(ShippedBytes(), "resource " + ShippedResourceName);

    /// <summary>The bytes of the shipped network's file.</summary>
    internal static byte[] ShippedBytes()
    {
        using Stream? stream = typeof(BlackBoxLstm).Assembly.GetManifestResourceStream(ShippedResourceName);
        if (stream is null)
        {
            throw new LearnedOptimizerFormatException(ShippedResourceName, "the shipped learned black-box optimizer is not embedded in " + typeof(BlackBoxLstm).Assembly.GetName().Name);
        }

        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>Writes the architecture and weights to a file (a small binary format with a SHA-256 trailer; see <see cref="Load"/>).</summary>
    /// <param name="path">The file; overwritten if it exists.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, BlackBoxLstmFile.Write(HiddenSize, Design, weights[0].dtype, weights.ToArrays()));
    }

    /// <summary>Frees the weights.</summary>
    public void Dispose() => weights.Dispose();

    /// <summary>The names and shapes of the weights, in order.</summary>
    internal static IReadOnlyList<(string Name, long[] Shape)> Shapes(int hiddenSize, BlackBoxLstmDesign design = BlackBoxLstmDesign.Original)
    {
        long h = hiddenSize;
        List<(string Name, long[] Shape)> shapes =
        [
            ("lstm.w_ih", [4 * h, FeatureCountOf(design) + h]),
            ("lstm.w_hh", [4 * h, h]),
            ("lstm.bias", [4 * h]),
            ("out.w", [2, h]),
            ("out.b", [2]),
        ];
        if (HasShrinkingScale(design))
        {
            shapes.Add(("out.decay", [1]));
        }

        return shapes;
    }

    /// <summary>The per-coordinate features a design reads: 5, or 8 with the relative inputs.</summary>
    internal static int FeatureCountOf(BlackBoxLstmDesign design) => HasRelativeInputs(design) ? FeatureCount + RelativeFeatureCount : FeatureCount;

    /// <summary>Whether a design reads the relative inputs.</summary>
    internal static bool HasRelativeInputs(BlackBoxLstmDesign design) => design is BlackBoxLstmDesign.RelativeInputs or BlackBoxLstmDesign.RelativeInputsAndShrinkingScale;

    /// <summary>Whether a design's step scale shrinks with the step fraction.</summary>
    internal static bool HasShrinkingScale(BlackBoxLstmDesign design) => design is BlackBoxLstmDesign.ShrinkingScale or BlackBoxLstmDesign.RelativeInputsAndShrinkingScale;

    /// <summary>
    /// One LSTM step for B problems of d coordinates: reads <paramref name="features"/> [B, d, F] and the pooled previous
    /// hidden state; returns the new hidden and cell states, [B, d, H] each. Differentiable in <paramref name="phi"/>, the
    /// features and the states.
    /// </summary>
    internal static (Tensor Hidden, Tensor Cell) Step(IReadOnlyList<Tensor> phi, Tensor features, Tensor hidden, Tensor cell)
    {
        long b = features.shape[0], d = features.shape[1], f = features.shape[2], h = hidden.shape[2];
        Tensor pooled = hidden.mean([1], keepdim: true).expand(b, d, h);
        Tensor input = torch.cat([features, pooled], 2).reshape(b * d, f + h);
        Tensor gates = torch.nn.functional.linear(input, phi[0], phi[2]).Plus(torch.nn.functional.linear(hidden.reshape(b * d, h), phi[1]));
        Tensor[] chunks = gates.chunk(4, 1);
        Tensor newCell = (chunks[1].sigmoid() * cell.reshape(b * d, h)).Plus(chunks[0].sigmoid() * chunks[2].tanh());
        Tensor newHidden = chunks[3].sigmoid() * newCell.tanh();
        return (newHidden.reshape(b, d, h), newCell.reshape(b, d, h));
    }

    /// <summary>
    /// The proposal from the hidden states [B, d, H], the best points [B, d] in the unit cube and the noise [B, d]:
    /// reflect(b + a + softplus(c) ε), [B, d]; with a shrinking scale (the weights hold <c>out.decay</c> g) the scale is
    /// softplus(c) exp(−softplus(g) τ) at the step fraction <paramref name="fraction"/> τ.
    /// </summary>
    internal static Tensor Propose(IReadOnlyList<Tensor> phi, Tensor hidden, Tensor best, Tensor noise, double fraction = 0)
    {
        Tensor head = torch.nn.functional.linear(hidden, phi[3], phi[4]);
        Tensor shift = head.select(2, 0);
        Tensor scale = Softplus(head.select(2, 1));
        if (phi.Count > DecayIndex)
        {
            scale = scale * Softplus(phi[DecayIndex]).Times(-fraction).exp();
        }

        Tensor folded = HeldScalars.With(2.0, two => best.Plus(shift).Plus(scale * noise).remainder(two));
        return HeldScalars.Subtract(1.0, HeldScalars.Subtract(1.0, folded).abs());
    }

    /// <summary>softplus(x) = log(1 + eˣ) (β = 1, x itself above 20) by libtorch's kernel with β and the threshold held (<see cref="HeldScalars.Softplus"/>).</summary>
    internal static Tensor Softplus(Tensor x) => HeldScalars.Softplus(x);

    /// <summary>A copy of the weights as float64 arrays, for the allocation-light proposal path of the tuner.</summary>
    internal BlackBoxLstmInference ToInference() => new(HiddenSize, Design, weights.ToArrays());

    internal static void CheckDtype(ScalarType dtype, string name)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"The dtype must be float32 or float64; got {dtype}.", name);
        }
    }

    private static BlackBoxLstm FromBytes(byte[] bytes, string source)
    {
        (int hiddenSize, BlackBoxLstmDesign design, ScalarType dtype, IReadOnlyList<double[]> values) = BlackBoxLstmFile.Read(bytes, source);
        TorchRuntime.EnsureLoaded();
        var set = new ParameterSet();
        IReadOnlyList<(string Name, long[] Shape)> shapes = Shapes(hiddenSize, design);
        using (torch.NewDisposeScope())
        {
            for (int i = 0; i < shapes.Count; i++)
            {
                Tensor t = torch.tensor(values[i], shapes[i].Shape, ScalarType.Float64).to(dtype);
                set.Add(shapes[i].Name, t.requires_grad_(true));
            }
        }

        return new BlackBoxLstm(hiddenSize, design, set);
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
