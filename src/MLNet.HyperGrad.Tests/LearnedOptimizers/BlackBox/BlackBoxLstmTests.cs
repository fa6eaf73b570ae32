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
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void SaveLoad_RoundTrip_SameWeightsDtypeAndProposals(ScalarType dtype)
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 5, seed: 4, dtype);
        string path = Path.Combine(directory, "net.hgb");
        network.Save(path);
        using BlackBoxLstm loaded = BlackBoxLstm.Load(path);
        Assert.Equal(5, loaded.HiddenSize);
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
    public void LoadShipped_TheEmbeddedNetwork_Has32UnitsAndProposesInsideTheCube()
    {
        using BlackBoxLstm shipped = BlackBoxLstm.LoadShipped();
        Assert.Equal(32, shipped.HiddenSize);
        Assert.Equal((4 * 32 * (5 + 32)) + (4 * 32 * 32) + (4 * 32) + (2 * 32) + 2, shipped.ParameterCount);
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

    [Fact]
    public void Inference_SameWeightsAndInputs_MatchesTheTensorStepAndProposal()
    {
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 6, seed: 9, ScalarType.Float64);
        using var generator = new torch.Generator(2);
        Tensor features = torch.rand([1, 3, BlackBoxLstm.FeatureCount], ScalarType.Float64, generator: generator);
        Tensor hidden = torch.randn([1, 3, 6], ScalarType.Float64, generator: generator) * 0.5;
        Tensor cell = torch.randn([1, 3, 6], ScalarType.Float64, generator: generator) * 0.5;
        Tensor best = torch.rand([1, 3], ScalarType.Float64, generator: generator);
        Tensor noise = torch.randn([1, 3], ScalarType.Float64, generator: generator);
        (Tensor h, Tensor c) = BlackBoxLstm.Step(network.Weights, features, hidden, cell);
        double[] proposal = BlackBoxLstm.Propose(network.Weights, h, best, noise).data<double>().ToArray();

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

            Assert.Equal(proposal[i], inference.Propose(h2[i], b[i], e[i]), 12);
        }
    }
}
