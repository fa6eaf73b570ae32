using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Data.Idx;

/// <summary>Fashion-MNIST loader failures, on small fake files in a temp directory.</summary>
public sealed class FashionMnistErrorTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Load_MissingDirectory_TellsToRunSetupScript()
    {
        string missing = temp.File("nowhere");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load(missing));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("bash scripts/setup.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesFileAndTellsToRunSetupScript()
    {
        WriteSet("train", images: 2, rows: 28, cols: 28, labels: [0, 1]);

        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("t10k-images-idx3-ubyte.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bash scripts/setup.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SmallValidFiles_ScalesPixelsAndKeepsLabels()
    {
        WriteSet("train", images: 3, rows: 28, cols: 28, labels: [9, 0, 4]);
        WriteSet("t10k", images: 1, rows: 28, cols: 28, labels: [7]);

        FashionMnistData data = FashionMnist.Load(temp.Path);

        Assert.Equal(3, data.Train.Rows);
        Assert.Equal(new long[] { 9, 0, 4 }, data.Train.Labels.ToArray());
        Assert.Equal(7, data.Test.Labels[0]);
        Assert.Equal(1 / 255f, data.Train.Features[1]);
        Assert.Equal(250 / 255f, data.Train.Features[250]);
    }

    [Fact]
    public void Load_ImagesNot28By28_ReportsExpectedAndFoundShape()
    {
        WriteSet("train", images: 2, rows: 27, cols: 28, labels: [0, 1]);
        WriteSet("t10k", images: 1, rows: 28, cols: 28, labels: [0]);

        var ex = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("train-images-idx3-ubyte.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[n, 28, 28]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 27, 28]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelCountDiffersFromImageCount_ReportsBothCounts()
    {
        WriteSet("train", images: 3, rows: 28, cols: 28, labels: [0, 1]);
        WriteSet("t10k", images: 1, rows: 28, cols: 28, labels: [0]);

        var ex = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("train-labels-idx1-ubyte.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelOutsideZeroToNine_ReportsLabelAndValue()
    {
        WriteSet("train", images: 2, rows: 28, cols: 28, labels: [0, 10]);
        WriteSet("t10k", images: 1, rows: 28, cols: 28, labels: [0]);

        var ex = Assert.Throws<DatasetFormatException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("train-labels-idx1-ubyte.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("label 1, found 10", ex.Message, StringComparison.Ordinal);
        Assert.Equal("10", ex.Value);
    }

    private void WriteSet(string prefix, int images, int rows, int cols, byte[] labels)
    {
        temp.Write(prefix + "-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Ubyte([images, rows, cols], IdxFiles.Sequence(images * rows * cols))));
        temp.Write(prefix + "-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Ubyte([labels.Length], labels)));
    }
}
