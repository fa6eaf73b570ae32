using MLNet.HyperGrad.Data;

namespace MLNet.HyperGrad.Tests.Data;

public sealed class DataFingerprintTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("hg-fingerprint-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void OfFile_KnownContent_NameSizeAndTheStandardSha256()
    {
        string path = Path.Combine(directory, "abc.csv");
        File.WriteAllText(path, "abc");

        IReadOnlyDictionary<string, string> fingerprint = DataFingerprint.OfFile(path);

        Assert.Equal("abc.csv", fingerprint["data file"]);
        Assert.Equal("3 bytes", fingerprint["data size"]);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", fingerprint["data SHA-256"]);
    }

    [Fact]
    public void OfFile_OneByteChangedSameSize_HashDiffers()
    {
        string path = Path.Combine(directory, "d.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        string before = DataFingerprint.OfFile(path, "validation data")["validation data SHA-256"];
        File.WriteAllText(path, "a,b\n1,3\n");

        Assert.NotEqual(before, DataFingerprint.OfFile(path, "validation data")["validation data SHA-256"]);
    }
}
