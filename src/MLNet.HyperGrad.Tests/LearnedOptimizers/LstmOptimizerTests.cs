using MLNet.HyperGrad.LearnedOptimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers;

/// <summary><see cref="LstmOptimizer"/>: preprocessing, architecture, save and load, and use as an in-place optimizer.</summary>
public sealed class LstmOptimizerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-lstm-").FullName;

    [Fact]
    public void Preprocess_LargeSmallZeroAndNegativeGradients_MatchThePapersFormula()
    {
        double[] g = [1.0, -0.5, 2e-4, 1e-5, 0, -1e-6, -3.0];
        const double k = 10;
        using Tensor input = torch.tensor(g, ScalarType.Float64);
        using Tensor x = LstmOptimizer.Preprocess(input, k);

        Assert.Equal([g.Length, 2L], x.shape);
        double[] actual = x.data<double>().ToArray();
        for (int i = 0; i < g.Length; i++)
        {
            bool large = Math.Abs(g[i]) >= Math.Exp(-k);
            double first = large ? Math.Log(Math.Abs(g[i])) / k : -1;
            double second = large ? Math.Sign(g[i]) : Math.Exp(k) * g[i];
            Assert.Equal(first, actual[2 * i], 12);
            Assert.Equal(second, actual[(2 * i) + 1], 12);
        }
    }

    [Fact]
    public void Preprocess_OtherK_ScalesTheLogAndMovesTheThreshold()
    {
        using Tensor input = torch.tensor(new[] { 0.01, 0.001 }, ScalarType.Float64);
        using Tensor x = LstmOptimizer.Preprocess(input, 5);
        double[] actual = x.data<double>().ToArray();

        // e^-5 ≈ 0.0067: 0.01 is above it, 0.001 below.
        Assert.Equal(Math.Log(0.01) / 5, actual[0], 12);
        Assert.Equal(1.0, actual[1]);
        Assert.Equal(-1.0, actual[2]);
        Assert.Equal(Math.Exp(5) * 0.001, actual[3], 12);
    }

    [Fact]
    public void Preprocess_BadArguments_ThrowNamingThem()
    {
        using Tensor matrix = torch.zeros(2, 2);
        using Tensor vector = torch.zeros(2);
        ArgumentException shape = Assert.Throws<ArgumentException>(() => LstmOptimizer.Preprocess(matrix, 10));
        Assert.Equal("gradient", shape.ParamName);
        Assert.Contains("[2, 2]", shape.Message, StringComparison.Ordinal);
        ArgumentException k = Assert.Throws<ArgumentException>(() => LstmOptimizer.Preprocess(vector, 0));
        Assert.Equal("k", k.ParamName);
    }

    [Fact]
    public void Create_DefaultOptions_ThePapersArchitecture()
    {
        using LstmOptimizer optimizer = LstmOptimizer.Create(seed: 3);

        Assert.Equal(20, optimizer.Options.HiddenSize);
        Assert.Equal(2, optimizer.Options.Layers);
        Assert.Equal(10, optimizer.Options.PreprocessingK);
        Assert.Equal(0.1, optimizer.Options.OutputScale);

        // Layer 0: 80×2 + 80×20 + 80; layer 1: 80×20 + 80×20 + 80; read-out 20 + 1.
        Assert.Equal(1840 + 3280 + 21, optimizer.ParameterCount);
        Assert.All(optimizer.Weights, w => Assert.True(w.requires_grad));
    }

    [Fact]
    public void Create_InvalidOptions_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 0, Layers = 0, PreprocessingK = -1, OutputScale = double.NaN }));
        Assert.Contains("HiddenSize must be at least 1, got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Layers must be at least 1, got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PreprocessingK must be a positive number, got -1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OutputScale must be a positive number, got NaN", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void SaveLoad_RoundTrip_SameWeightsAndBitIdenticalUpdates(ScalarType dtype)
    {
        var options = new LstmOptimizerOptions { HiddenSize = 7, Layers = 2, PreprocessingK = 8, OutputScale = 0.05 };
        using LstmOptimizer original = LstmOptimizer.Create(options, seed: 11, dtype);
        string path = Path.Combine(directory, "optimizer.hgo");
        original.Save(path);
        using LstmOptimizer loaded = LstmOptimizer.Load(path);

        Assert.Equal(7, loaded.Options.HiddenSize);
        Assert.Equal(8, loaded.Options.PreprocessingK);
        Assert.Equal(0.05, loaded.Options.OutputScale);
        Assert.Equal(original.Weights.Names, loaded.Weights.Names);
        Assert.Equal(dtype, loaded.Weights[0].dtype);
        for (int i = 0; i < original.Weights.Count; i++)
        {
            Assert.Equal(original.Weights.ToArrays()[i], loaded.Weights.ToArrays()[i]);
        }

        Assert.Equal(Steps(original, dtype), Steps(loaded, dtype));
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        string path = Path.Combine(directory, "absent.hgo");
        var ex = Assert.Throws<LearnedOptimizerFormatException>(() => LstmOptimizer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(path + ": the file does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlippedByte_ChecksumMismatchNamesThePath()
    {
        string path = Saved();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[200] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<LearnedOptimizerFormatException>(() => LstmOptimizer.Load(path));
        Assert.StartsWith(path + ": checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_Rejected()
    {
        string path = Saved();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<LearnedOptimizerFormatException>(() => LstmOptimizer.Load(path));
        Assert.StartsWith(path + ": checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextFile_WrongMagicNamesThePath()
    {
        string path = Path.Combine(directory, "notes.txt");
        File.WriteAllText(path, "learning rate 0.1\n");

        var ex = Assert.Throws<LearnedOptimizerFormatException>(() => LstmOptimizer.Load(path));
        Assert.StartsWith(path + ": wrong magic bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateState_MismatchedWeights_ThrowsNamingTheArgument()
    {
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 3 });
        using Tensor a = torch.zeros(3);
        using Tensor b = torch.zeros(3, dtype: ScalarType.Float64);
        var mixed = Assert.Throws<ArgumentException>(() => optimizer.CreateState([a, b]));
        Assert.Equal("parameters", mixed.ParamName);
        Assert.Contains("Float64", mixed.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => optimizer.CreateState([]));
        Assert.Throws<ArgumentException>(() => optimizer.CreateState([a], weightDecay: -1));

        using LstmOptimizerState state = optimizer.CreateState([a]);
        using Tensor wrong = torch.zeros(4);
        var shape = Assert.Throws<ArgumentException>(() => state.Step([wrong], [wrong]));
        Assert.Contains("[3]", shape.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Three in-place steps on fixed weights and gradients; the weights after each step, flattened.</summary>
    private static List<double[]> Steps(LstmOptimizer optimizer, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(4);
        Tensor w = torch.randn([5, 3], dtype, generator: generator);
        Tensor b = torch.randn([5], dtype, generator: generator);
        using LstmOptimizerState state = optimizer.CreateState([w, b], weightDecay: 0.01);
        var result = new List<double[]>();
        for (int s = 0; s < 3; s++)
        {
            Tensor gw = torch.randn([5, 3], dtype, generator: generator) * Math.Pow(10, -2 * s);
            Tensor gb = torch.randn([5], dtype, generator: generator) * Math.Pow(10, -3 * s);
            state.Step([w, b], [gw, gb]);
            result.Add([.. w.to(ScalarType.Float64).data<double>().ToArray(), .. b.to(ScalarType.Float64).data<double>().ToArray()]);
        }

        return result;
    }

    private string Saved()
    {
        string path = Path.Combine(directory, "saved.hgo");
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 5 });
        optimizer.Save(path);
        return path;
    }
}
