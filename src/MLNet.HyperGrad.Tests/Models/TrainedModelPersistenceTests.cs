using System.Security.Cryptography;
using System.Text.Json;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>Save and Load: the round trip, the file format, and atomic replacement.</summary>
public sealed class TrainedModelPersistenceTests(SklearnModelsFixture sklearn) : IClassFixture<SklearnModelsFixture>, IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void SaveLoad_TrainedWine_RestoresEverything()
    {
        TrainedModel model = sklearn.Wine.Model;
        string dir = temp.File("wine");

        model.Save(dir);
        TrainedModel back = TrainedModel.Load(dir);

        AssertSameModel(model, back);
        Assert.Equal(model.Schema!.ToJson(), back.Schema!.ToJson());
        Assert.Equal(model.Standardizer!.Means, back.Standardizer!.Means);
        Assert.Equal(model.Standardizer.StandardDeviations, back.Standardizer.StandardDeviations);
        Assert.Equal(TestModels.CreatedAt, back.Metadata.CreatedAtUtc);
        Assert.Equal("1.2.3-test", back.Metadata.LibraryVersion);
        Assert.Equal("{\"LearningRate\":0.05,\"Hidden\":[16]}", back.Metadata.HyperparametersJson);
        Assert.Equal("accuracy", back.Metadata.ValidationMetricName);
        Assert.Equal(0.9375, back.Metadata.ValidationMetric);
    }

    [Fact]
    public void SaveLoad_DiabetesRegression_RestoresEverything()
    {
        TrainedModel model = sklearn.Diabetes.Model;
        string dir = temp.File("diabetes");

        model.Save(dir);
        TrainedModel back = TrainedModel.Load(dir);

        AssertSameModel(model, back);
        Assert.Equal(TaskKind.Regression, back.Task);
        Assert.Empty(back.ClassNames);
        Assert.Equal(model.Schema!.ToJson(), back.Schema!.ToJson());
    }

    [Fact]
    public void SaveLoad_NoSchemaNoStandardizerNoOptionalMetadata_RoundTrips()
    {
        TrainedModel plain = TestModels.Random(5, withStandardizer: false);
        var model = new TrainedModel(
            plain.Task, plain.LayerSizes, plain.Activation, [.. plain.Weights.Select(w => w.ToArray())], plain.FeatureNames, plain.ClassNames, null, null,
            new TrainedModelMetadata(TestModels.CreatedAt));
        string dir = temp.File("plain");

        model.Save(dir);
        TrainedModel back = TrainedModel.Load(dir);

        AssertSameModel(model, back);
        Assert.Null(back.Schema);
        Assert.Null(back.Standardizer);
        Assert.Null(back.Metadata.HyperparametersJson);
        Assert.Null(back.Metadata.ValidationMetricName);
        Assert.Equal(TrainedModelMetadata.CurrentLibraryVersion, back.Metadata.LibraryVersion);
        Assert.Equal(Activation.Tanh, back.Activation);
    }

    [Fact]
    public void Save_ModelJson_DeclaresFormatVersionAndWeightsDigest()
    {
        string dir = temp.File("m");
        TestModels.Random(1).Save(dir);
        byte[] weights = File.ReadAllBytes(Path.Combine(dir, "weights.bin"));

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
        JsonElement root = json.RootElement;

        Assert.Equal(TrainedModel.FormatName, root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal("Classification", root.GetProperty("task").GetString());
        Assert.Equal([4, 5, 3], root.GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("Tanh", root.GetProperty("activation").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("schema").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("standardizer").ValueKind);
        JsonElement w = root.GetProperty("weights");
        Assert.Equal("weights.bin", w.GetProperty("file").GetString());
        Assert.Equal(weights.Length, w.GetProperty("byteLength").GetInt64());
        string digest = Convert.ToHexStringLower(SHA256.HashData(weights.AsSpan(0, weights.Length - 32)));
        Assert.Equal(digest, w.GetProperty("sha256").GetString());
        Assert.Equal(digest, Convert.ToHexStringLower(weights.AsSpan(weights.Length - 32)));
        Assert.Equal(0.05, root.GetProperty("metadata").GetProperty("hyperparameters").GetProperty("LearningRate").GetDouble());
    }

    [Fact]
    public void Save_WeightsBin_HasMagicVersionCountShapesAndLittleEndianFloats()
    {
        TrainedModel model = TestModels.Random(2);
        string dir = temp.File("m");
        model.Save(dir);

        byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "weights.bin"));

        Assert.Equal(new byte[] { 0x89, (byte)'H', (byte)'G', (byte)'W', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(4u, BitConverter.ToUInt32(bytes, 12));
        Assert.Equal(2u, BitConverter.ToUInt32(bytes, 16));
        Assert.Equal(5L, BitConverter.ToInt64(bytes, 20));
        Assert.Equal(4L, BitConverter.ToInt64(bytes, 28));
        Assert.Equal(model.Weights[0].Span[0], BitConverter.ToSingle(bytes, 36));
        Assert.Equal(model.Weights[0].Span[19], BitConverter.ToSingle(bytes, 36 + (19 * 4)));
        int expectedLength = 16 + (4 + 16 + 80) + (4 + 8 + 20) + (4 + 16 + 60) + (4 + 8 + 12) + 32;
        Assert.Equal(expectedLength, bytes.Length);
    }

    [Fact]
    public void Save_OverExistingModel_ReplacesItAndLeavesOtherFiles()
    {
        string dir = temp.File("m");
        TestModels.Random(1).Save(dir);
        File.WriteAllText(Path.Combine(dir, "report.txt"), "kept");
        TrainedModel second = TestModels.Random(2);

        second.Save(dir);

        AssertSameModel(second, TrainedModel.Load(dir));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(dir, "report.txt")));
        Assert.Equal(["model.json", "report.txt", "weights.bin"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("weights.bin", 0)]
    [InlineData("weights.bin", 100)]
    [InlineData("model.json", 0)]
    [InlineData("model.json", 200)]
    public void Save_WriteFails_PreviousModelIntactAndNoTemporaryFiles(string failingFile, long failAfterBytes)
    {
        string dir = temp.File("m");
        TrainedModel previous = TestModels.Random(1);
        previous.Save(dir);
        byte[] modelBefore = File.ReadAllBytes(Path.Combine(dir, "model.json"));
        byte[] weightsBefore = File.ReadAllBytes(Path.Combine(dir, "weights.bin"));
        TrainedModel next = TestModels.Random(2);

        var e = Assert.Throws<IOException>(
            () => next.SaveCore(dir, (name, stream) => name == failingFile ? new FailingStream(stream, failAfterBytes) : stream));

        Assert.Contains("simulated", e.Message);
        Assert.Equal(modelBefore, File.ReadAllBytes(Path.Combine(dir, "model.json")));
        Assert.Equal(weightsBefore, File.ReadAllBytes(Path.Combine(dir, "weights.bin")));
        Assert.Equal(["model.json", "weights.bin"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        AssertSameModel(previous, TrainedModel.Load(dir));
    }

    [Fact]
    public void Save_WriteFailsWithNoPreviousModel_LeavesNoModelFiles()
    {
        string dir = temp.File("fresh");

        Assert.Throws<IOException>(() => TestModels.Random(1).SaveCore(dir, (name, stream) => new FailingStream(stream, 10)));

        Assert.Empty(Directory.GetFiles(dir));
        Assert.Throws<ModelFormatException>(() => TrainedModel.Load(dir));
    }

    [Fact]
    public void Save_NestedDirectoryThatDoesNotExist_CreatesIt()
    {
        string dir = Path.Combine(temp.Path, "a", "b", "c");

        TestModels.Random(1).Save(dir);

        Assert.True(File.Exists(Path.Combine(dir, "model.json")));
        Assert.True(File.Exists(Path.Combine(dir, "weights.bin")));
    }

    internal static void AssertSameModel(TrainedModel expected, TrainedModel actual)
    {
        Assert.Equal(expected.Task, actual.Task);
        Assert.Equal(expected.LayerSizes, actual.LayerSizes);
        Assert.Equal(expected.Activation, actual.Activation);
        Assert.Equal(expected.FeatureNames, actual.FeatureNames);
        Assert.Equal(expected.ClassNames, actual.ClassNames);
        Assert.Equal(expected.Weights.Count, actual.Weights.Count);
        for (int i = 0; i < expected.Weights.Count; i++)
        {
            // Bit patterns, not float equality: -0 and +0 must not pass for one another.
            Assert.Equal(
                expected.Weights[i].ToArray().Select(BitConverter.SingleToInt32Bits),
                actual.Weights[i].ToArray().Select(BitConverter.SingleToInt32Bits));
        }

        Assert.Equal(expected.Metadata.CreatedAtUtc, actual.Metadata.CreatedAtUtc);
        Assert.Equal(expected.Metadata.HyperparametersJson, actual.Metadata.HyperparametersJson);
        Assert.Equal(expected.Standardizer?.ToJson(), actual.Standardizer?.ToJson());
    }
}
