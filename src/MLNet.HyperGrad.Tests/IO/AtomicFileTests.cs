using MLNet.HyperGrad.IO;
using MLNet.HyperGrad.Tests.Data;

namespace MLNet.HyperGrad.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Write_FailsMidWrite_PreviousFileIntactAndNoTemporaryLeft()
    {
        string path = directory.Write("trials.csv", "previous content\n");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new con"u8);
            stream.Flush();
            throw new IOException("disk full");
        }));

        Assert.Equal("previous content\n", File.ReadAllText(path));
        Assert.Equal(["trials.csv"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllText_ReplacesTheFileWhole()
    {
        string path = directory.Write("report.html", "old");

        AtomicFile.WriteAllText(path, "new é");

        Assert.Equal("new é"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void WriteText_NewFile_IsCreated()
    {
        string path = directory.File("new.txt");

        AtomicFile.WriteText(path, writer => writer.Write("line"));

        Assert.Equal("line", File.ReadAllText(path));
    }

    [Fact]
    public void ReplaceDirectory_FailsMidWrite_PreviousFolderIntactAndNoTemporaryLeft()
    {
        string model = Path.Combine(directory.Path, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "model.json"), "previous");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.ReplaceDirectory(model, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "model.json"), "new");
            throw new InvalidOperationException("killed while writing weights.bin");
        }));

        Assert.Equal("previous", File.ReadAllText(Path.Combine(model, "model.json")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ReplaceDirectory_Existing_ReplacedAsAUnitAndOldFilesGone()
    {
        string model = Path.Combine(directory.Path, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "stale.bin"), "from an older model");

        AtomicFile.ReplaceDirectory(model, temp => File.WriteAllText(Path.Combine(temp, "model.json"), "new"));

        Assert.Equal(["model.json"], Directory.GetFileSystemEntries(model).Select(Path.GetFileName));
        Assert.Equal("new", File.ReadAllText(Path.Combine(model, "model.json")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ReplaceDirectory_Missing_IsCreated()
    {
        string model = Path.Combine(directory.Path, "model");

        AtomicFile.ReplaceDirectory(model, temp => File.WriteAllText(Path.Combine(temp, "a"), "x"));

        Assert.Equal("x", File.ReadAllText(Path.Combine(model, "a")));
    }
}
