using System.Buffers.Binary;
using System.Text.Json.Nodes;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>Every way a saved model can be broken gives a <see cref="ModelFormatException"/> naming the file and the problem.</summary>
public sealed class TrainedModelCorruptionTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string dir;
    private readonly string modelPath;
    private readonly string weightsPath;

    public TrainedModelCorruptionTests()
    {
        dir = temp.File("model");
        modelPath = Path.Combine(dir, "model.json");
        weightsPath = Path.Combine(dir, "weights.bin");
        TestModels.Random(1).Save(dir);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_Intact_Succeeds()
    {
        TrainedModel model = TrainedModel.Load(dir);

        Assert.Equal([4, 5, 3], model.LayerSizes);
    }

    [Fact]
    public void Load_DirectoryMissing_ThrowsNamingModelJson()
    {
        string missing = temp.File("nowhere");

        ModelFormatException e = LoadFails(Path.Combine(missing, "model.json"), missing);

        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Load_ModelJsonMissing_Throws()
    {
        File.Delete(modelPath);

        Assert.Contains("the file does not exist", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_WeightsMissing_Throws()
    {
        File.Delete(weightsPath);

        Assert.Contains("the file does not exist", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_ModelJsonNotJson_Throws()
    {
        File.WriteAllText(modelPath, "{\"format\": ");

        Assert.Contains("not valid JSON", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_OtherFormatName_Throws()
    {
        EditModel(m => m["format"] = "SomethingElse");

        Assert.Contains("expected format \"MLNet.HyperGrad.Mlp\", found \"SomethingElse\"", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_UnsupportedModelVersion_Throws()
    {
        EditModel(m => m["formatVersion"] = 2);

        Assert.Contains("format version 2 is not supported: this library reads version 1", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_RequiredPropertyMissing_Throws()
    {
        EditModel(m => m.Remove("activation"));

        Assert.Contains("the required property \"activation\" is missing", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_PropertyOfWrongType_Throws()
    {
        EditModel(m => m["layerSizes"] = "4,5,3");

        Assert.Contains("expected \"layerSizes\" to be a JSON array, found string", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_UnknownActivation_Throws()
    {
        EditModel(m => m["activation"] = "Gelu");

        Assert.Contains("expected \"activation\" to be one of \"Relu\", \"Tanh\", \"Softplus\", \"Sigmoid\", found \"Gelu\"", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_FeatureNamesDisagreeWithLayerSizes_ThrowsInconsistent()
    {
        EditModel(m => m["featureNames"] = new JsonArray("a", "b", "c"));

        Assert.Contains("the model is inconsistent: The input size is 4 but 3 feature names", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_InvalidEmbeddedStandardizer_Throws()
    {
        EditModel(m => m["standardizer"]!["StandardDeviations"]![0] = -1);

        Assert.Contains("invalid \"standardizer\"", LoadFails(modelPath).Message);
    }

    [Fact]
    public void Load_WrongMagic_Throws()
    {
        PatchWeights(bytes => bytes[1] = (byte)'X');

        Assert.Contains("wrong magic bytes", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_NotAWeightsFileAtAll_ThrowsWrongMagic()
    {
        File.WriteAllText(weightsPath, "this is a text file that someone saved as weights.bin by mistake");

        Assert.Contains("wrong magic bytes", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_UnsupportedWeightsVersion_Throws()
    {
        PatchWeights(bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 9));

        Assert.Contains("weights format version 9 is not supported: this library reads version 1", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_TruncatedWeights_Throws()
    {
        ReplaceWeights(bytes => bytes[..^50]);

        Assert.Contains("the file is truncated", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_WeightsCutInsideHeader_Throws()
    {
        ReplaceWeights(bytes => bytes[..12]);

        Assert.Contains("the file is truncated: it has 12 bytes", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_TruncatedWeightsWithMatchingRecordedLength_ThrowsTruncated()
    {
        // Both files cut consistently (as by a copy that stopped early and a hand-edited model.json).
        long cut = new FileInfo(weightsPath).Length - 100;
        ReplaceWeights(bytes => bytes[..(int)cut]);
        EditModel(m => m["weights"]!["byteLength"] = cut);

        Assert.Contains("the file is truncated", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_ExtraBytesAfterWeights_Throws()
    {
        ReplaceWeights(bytes => [.. bytes, 0, 0, 0]);

        Assert.Contains("has extra bytes or belongs to another model", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_FlippedBitInAWeight_ThrowsChecksumMismatch()
    {
        PatchWeights(bytes => bytes[40] ^= 0x01);

        ModelFormatException e = LoadFails(weightsPath);

        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("the file is corrupt", e.Message);
    }

    [Fact]
    public void Load_FlippedBitInTrailer_ThrowsChecksumMismatch()
    {
        PatchWeights(bytes => bytes[^1] ^= 0x80);

        Assert.Contains("checksum mismatch", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_WeightsFromAnotherSave_ThrowsChecksumMismatchAgainstModelJson()
    {
        string other = temp.File("other");
        TestModels.Random(99).Save(other);
        File.Copy(Path.Combine(other, "weights.bin"), weightsPath, overwrite: true);

        Assert.Contains("come from different saves", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_ShapesDoNotMatchLayerSizes_Throws()
    {
        EditModel(m => m["layerSizes"] = new JsonArray(4, 6, 3));

        Assert.Contains("tensor 0 (w0) has shape [5, 4]; the layer sizes [4, 6, 3] in model.json need [6, 4]", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_TensorCountDoesNotMatchLayerSizes_Throws()
    {
        EditModel(m => m["layerSizes"] = new JsonArray(4, 5, 5, 3));

        Assert.Contains("the file holds 4 tensors; the layer sizes [4, 5, 5, 3] in model.json need 6", LoadFails(weightsPath).Message);
    }

    [Fact]
    public void Load_NonFiniteWeightWithValidChecksum_Throws()
    {
        // Re-save through the public constructor is impossible (it rejects NaN), so forge a file
        // whose checksums are right: patch a value, then rewrite the trailer and model.json digest.
        PatchWeights(bytes =>
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(36), float.NaN);
            byte[] digest = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32));
            digest.CopyTo(bytes, bytes.Length - 32);
        });
        string sha = Convert.ToHexStringLower(File.ReadAllBytes(weightsPath).AsSpan()[^32..]);
        EditModel(m => m["weights"]!["sha256"] = sha);

        Assert.Contains("holds NaN at element 0; weights must be finite", LoadFails(weightsPath).Message);
    }

    private ModelFormatException LoadFails(string expectedFile, string? directory = null)
    {
        var e = Assert.Throws<ModelFormatException>(() => TrainedModel.Load(directory ?? dir));
        Assert.Equal(expectedFile, e.FilePath);
        Assert.StartsWith(expectedFile + ": ", e.Message, StringComparison.Ordinal);
        return e;
    }

    private void EditModel(Action<JsonObject> edit)
    {
        JsonObject model = JsonNode.Parse(File.ReadAllText(modelPath))!.AsObject();
        edit(model);
        File.WriteAllText(modelPath, model.ToJsonString());
    }

    private void PatchWeights(Action<byte[]> patch)
    {
        byte[] bytes = File.ReadAllBytes(weightsPath);
        patch(bytes);
        File.WriteAllBytes(weightsPath, bytes);
    }

    private void ReplaceWeights(Func<byte[], byte[]> change) => File.WriteAllBytes(weightsPath, change(File.ReadAllBytes(weightsPath)));
}
