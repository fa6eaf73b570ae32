using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers.BlackBox;

/// <summary><see cref="BlackBoxLstm"/>: its file, the shipped network, and the array path against the tensor path.</summary>
public sealed class BlackBoxLstmTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-blackbox-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(ScalarType.Float32, BlackBoxLstmDesign.Original)]
    [InlineData(ScalarType.Float64, BlackBoxLstmDesign.Original)]
    [InlineData(ScalarType.Float32, BlackBoxLstmDesign.RelativeInputs)]
    [InlineData(ScalarType.Float64, BlackBoxLstmDesign.ShrinkingScale)]
    [InlineData(ScalarType.Float32, BlackBoxLstmDesign.RelativeInputsAndShrinkingScale)]
    public void SaveLoad_RoundTrip_SameWeightsDtypeDesignAndProposals(ScalarType dtype, BlackBoxLstmDesign design)
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 5, seed: 4, dtype, design);
        string path = Path.Combine(directory, "net.hgb");
        network.Save(path);
        using BlackBoxLstm loaded = BlackBoxLstm.Load(path);
        Assert.Equal(5, loaded.HiddenSize);
        Assert.Equal(design, loaded.Design);
        Assert.Equal(design == BlackBoxLstmDesign.Original ? 1u : 2u, BitConverter.ToUInt32(File.ReadAllBytes(path), 8));
        Assert.Equal(dtype, loaded.Weights[0].dtype);
        Assert.Equal(network.Weights.Names, loaded.Weights.Names);
        IReadOnlyList<double[]> a = network.Weights.ToArrays();
        IReadOnlyList<double[]> b = loaded.Weights.ToArrays();
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i], b[i]);
        }

        Assert.True(loaded.Weights.All(w => w.requires_grad));
        double[] Proposals(BlackBoxLstm n)
        {
            var search = new BlackBoxSearch(n.ToInference(), 2);
            search.Observe([0.3, 0.7], 1.5);
            search.Observe([0.6, 0.2], 0.5);
            search.Observe([0.9, 0.1], 0.7);
            return search.Propose([0.4, -1.1]);
        }

        Assert.Equal(Proposals(network), Proposals(loaded));
    }

    [Fact]
    public void Load_CorruptOrForeignFile_ThrowsWithTheFileAndTheProblem()
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 3);
        string path = Path.Combine(directory, "net.hgb");
        network.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[60] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var corrupt = Assert.Throws<LearnedOptimizerFormatException>(() => BlackBoxLstm.Load(path));
        Assert.StartsWith(path + ": checksum mismatch", corrupt.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("truncated", Assert.Throws<LearnedOptimizerFormatException>(() => BlackBoxLstm.Load(path)).Message, StringComparison.Ordinal);

        File.WriteAllText(path, "not a network at all, just text");
        Assert.Contains("wrong magic bytes", Assert.Throws<LearnedOptimizerFormatException>(() => BlackBoxLstm.Load(path)).Message, StringComparison.Ordinal);

        string missing = Path.Combine(directory, "missing.hgb");
        Assert.Contains("does not exist", Assert.Throws<LearnedOptimizerFormatException>(() => BlackBoxLstm.Load(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ShippedNetwork_WritesItsFileByteForByte()
    {
        // The shipped network (the shrinking-scale design, a version 2 file) saves to its own bytes, so re-training it can
        // reproduce the file bit for bit. (Version 1 files of the original design: BlackBoxMetaLearningRateTests re-trains one.)
        using BlackBoxLstm shipped = BlackBoxLstm.LoadShipped();
        Assert.Equal(BlackBoxLstmDesign.ShrinkingScale, shipped.Design);
        string path = Path.Combine(directory, "shipped.hgb");
        shipped.Save(path);
        Assert.Equal(BlackBoxLstm.ShippedBytes(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Load_Version2FileOfAnUnknownDesign_ThrowsNamingTheCode()
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 3, design: BlackBoxLstmDesign.RelativeInputs);
        string path = Path.Combine(directory, "net.hgb");
        network.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        BitConverter.TryWriteBytes(bytes.AsSpan(28), 7u);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<LearnedOptimizerFormatException>(() => BlackBoxLstm.Load(path));
        Assert.Contains("design code 7 is not one this library knows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UndefinedDesign_ThrowsNamingTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => BlackBoxLstm.Create(hiddenSize: 3, design: (BlackBoxLstmDesign)9));
        Assert.Contains("got 9", e.Message, StringComparison.Ordinal);
        Assert.Equal("design", e.ParamName);
    }

    [Theory]
    [InlineData(BlackBoxLstmDesign.Original, 5, 5)]
    [InlineData(BlackBoxLstmDesign.RelativeInputs, 8, 5)]
    [InlineData(BlackBoxLstmDesign.ShrinkingScale, 5, 6)]
    [InlineData(BlackBoxLstmDesign.RelativeInputsAndShrinkingScale, 8, 6)]
    public void Create_EachDesign_ReadsItsFeaturesAndHoldsItsWeights(BlackBoxLstmDesign design, int features, int tensors)
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 4, seed: 1, ScalarType.Float64, design);
        Assert.Equal(features, network.InputFeatureCount);
        Assert.Equal(tensors, network.Weights.Count);
        Assert.Equal([16L, features + 4L], network.Weights[0].shape);
        if (tensors == 6)
        {
            // Initially γ = softplus(g) = ln 10: the step scale shrinks tenfold over the horizon.
            Assert.Equal(Math.Log(10), Math.Log(1 + Math.Exp(network.Weights.ToArrays()[5][0])), 12);
        }

        // The original design's first five tensors are the same weights for a seed whatever the design adds after them.
        using BlackBoxLstm original = BlackBoxLstm.Create(hiddenSize: 4, seed: 1, ScalarType.Float64);
        if (features == 5)
        {
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(original.Weights.ToArrays()[i], network.Weights.ToArrays()[i]);
            }
        }
    }

    [Fact]
    public void Propose_ShrinkingScale_StepIsSoftplusOfTheRawScaleTimesExpOfMinusGammaTau()
    {
        // Hand-computed: hidden state h, read-out a = w_a·h + b_a, c = w_c·h + b_c, scale softplus(c)·exp(−softplus(g)·τ).
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 2, seed: 3, ScalarType.Float64, BlackBoxLstmDesign.ShrinkingScale);
        using (torch.no_grad())
        {
            network.Weights[3].copy_(torch.tensor(new double[] { 0.1, -0.2, 0.3, 0.4 }, [2, 2], ScalarType.Float64));
            network.Weights[4].copy_(torch.tensor(new double[] { 0.05, -1.0 }, [2], ScalarType.Float64));
            network.Weights[5].copy_(torch.tensor(new double[] { 0.5 }, [1], ScalarType.Float64));
        }

        double[] h = [0.6, -0.3];
        const double best = 0.4, noise = 1.3, tau = 0.6;
        double a = (0.1 * 0.6) + (-0.2 * -0.3) + 0.05;
        double c = (0.3 * 0.6) + (0.4 * -0.3) - 1.0;
        double gamma = Math.Log(1 + Math.Exp(0.5));
        double expected = best + a + (Math.Log(1 + Math.Exp(c)) * Math.Exp(-gamma * tau) * noise);
        Tensor proposal = BlackBoxLstm.Propose(network.Weights, torch.tensor(h, [1, 1, 2], ScalarType.Float64), torch.tensor(new[] { best }, [1, 1], ScalarType.Float64), torch.tensor(new[] { noise }, [1, 1], ScalarType.Float64), tau);
        Assert.Equal(expected, proposal.item<double>(), 12);
        Assert.Equal(expected, network.ToInference().Propose(h, best, noise, tau), 12);

        // τ = 0 is the plain read-out; a larger τ a smaller step.
        double early = BlackBoxLstm.Propose(network.Weights, torch.tensor(h, [1, 1, 2], ScalarType.Float64), torch.tensor(new[] { best }, [1, 1], ScalarType.Float64), torch.tensor(new[] { noise }, [1, 1], ScalarType.Float64), 0).item<double>();
        Assert.Equal(best + a + (Math.Log(1 + Math.Exp(c)) * noise), early, 12);
        Assert.True(Math.Abs(expected - best - a) < Math.Abs(early - best - a));
    }

    [Fact]
    public void LoadShipped_TheEmbeddedNetwork_Has32UnitsAndProposesInsideTheCube()
    {
        using BlackBoxLstm shipped = BlackBoxLstm.LoadShipped();
        Assert.Equal(32, shipped.HiddenSize);
        Assert.Equal((4 * 32 * (5 + 32)) + (4 * 32 * 32) + (4 * 32) + (2 * 32) + 2 + 1, shipped.ParameterCount);
        var search = new BlackBoxSearch(shipped.ToInference(), 4);
        search.Observe([0.1, 0.2, 0.3, 0.4], 2);
        Assert.All(search.Propose([3, -3, 0, 1]), v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void Softplus_LibtorchKernelWithHeldScalars_ValuesAndGradientMatchFloat64References()
    {
        // The kernel is TorchSharp's private softplus1(Scalar, Scalar): a TorchSharp upgrade that drops it fails here.
        Assert.NotNull(HeldScalars.SoftplusKernel);
        using var scope = torch.NewDisposeScope();
        double[] values = [-30, -3, -0.5, 0, 0.7, 4, 19.5, 20.5, 35];
        Tensor x = torch.tensor(values, ScalarType.Float64).requires_grad_(true);
        Tensor y = BlackBoxLstm.Softplus(x);
        double[] got = y.detach().data<double>().ToArray();
        Tensor[] gradient = MLNet.HyperGrad.Torch.TorchAutograd.Grad([y.sum()], [x]);
        double[] slope = gradient[0].data<double>().ToArray();
        static double Reference(double v) => v > 20 ? v : Math.Log(1 + Math.Exp(v));
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(Reference(values[i]), got[i], 12);
            const double h = 1e-6;
            double finiteDifference = (Reference(values[i] + h) - Reference(values[i] - h)) / (2 * h);
            Assert.Equal(finiteDifference, slope[i], 6);
        }
    }

    [Theory]
    [InlineData(BlackBoxLstmDesign.Original)]
    [InlineData(BlackBoxLstmDesign.RelativeInputs)]
    [InlineData(BlackBoxLstmDesign.ShrinkingScale)]
    [InlineData(BlackBoxLstmDesign.RelativeInputsAndShrinkingScale)]
    public void Inference_SameWeightsAndInputs_MatchesTheTensorStepAndProposal(BlackBoxLstmDesign design)
    {
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 6, seed: 9, ScalarType.Float64, design);
        using var generator = new torch.Generator(2);
        const double fraction = 0.46;
        Tensor features = torch.rand([1, 3, network.InputFeatureCount], ScalarType.Float64, generator: generator);
        Tensor hidden = torch.randn([1, 3, 6], ScalarType.Float64, generator: generator) * 0.5;
        Tensor cell = torch.randn([1, 3, 6], ScalarType.Float64, generator: generator) * 0.5;
        Tensor best = torch.rand([1, 3], ScalarType.Float64, generator: generator);
        Tensor noise = torch.randn([1, 3], ScalarType.Float64, generator: generator);
        (Tensor h, Tensor c) = BlackBoxLstm.Step(network.Weights, features, hidden, cell);
        double[] proposal = BlackBoxLstm.Propose(network.Weights, h, best, noise, fraction).data<double>().ToArray();

        BlackBoxLstmInference inference = network.ToInference();
        double[][] Rows(Tensor t) => [.. Enumerable.Range(0, 3).Select(i => t[0, i].data<double>().ToArray())];
        (double[][] h2, double[][] c2) = inference.Step(Rows(features), Rows(hidden), Rows(cell));
        double[][] expectedH = Rows(h), expectedC = Rows(c);
        double[] b = best.data<double>().ToArray(), e = noise.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k < 6; k++)
            {
                Assert.Equal(expectedH[i][k], h2[i][k], 12);
                Assert.Equal(expectedC[i][k], c2[i][k], 12);
            }

            Assert.Equal(proposal[i], inference.Propose(h2[i], b[i], e[i], fraction), 12);
        }
    }
}
