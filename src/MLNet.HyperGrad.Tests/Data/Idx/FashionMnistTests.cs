using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Tests.Data.Idx;

/// <summary>
/// Reads the real files of Debian's dataset-fashion-mnist package (installed by scripts/setup.sh);
/// without them these tests fail with the loader's message saying how to install them.
/// </summary>
public sealed class FashionMnistTests : IClassFixture<FashionMnistFixture>
{
    private readonly FashionMnistData data;

    public FashionMnistTests(FashionMnistFixture fixture)
    {
        data = fixture.Data;
    }

    [Fact]
    public void Load_DefaultDirectory_Has60000TrainAnd10000TestRowsOf784Features()
    {
        Assert.Equal(60000, data.Train.Rows);
        Assert.Equal(10000, data.Test.Rows);
        Assert.Equal(784, data.Train.FeatureCount);
        Assert.Equal(784, data.Test.FeatureCount);
        Assert.Equal(60000 * 784, data.Train.Features.Length);
        Assert.Equal(10000 * 784, data.Test.Features.Length);
        Assert.Equal(TaskKind.Classification, data.Train.Task);
        Assert.Equal("pixel0", data.Train.FeatureNames[0]);
        Assert.Equal("pixel783", data.Train.FeatureNames[783]);
    }

    [Fact]
    public void Load_DefaultDirectory_EveryClassHas6000TrainAnd1000TestImages()
    {
        Assert.All(CountClasses(data.Train.Labels), n => Assert.Equal(6000, n));
        Assert.All(CountClasses(data.Test.Labels), n => Assert.Equal(1000, n));
    }

    [Fact]
    public void Load_DefaultDirectory_PixelsScaledToUnitIntervalWithBothEnds()
    {
        foreach (TabularDataset part in new[] { data.Train, data.Test })
        {
            float min = float.MaxValue;
            float max = float.MinValue;
            foreach (float v in part.Features)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            Assert.Equal(0f, min);
            Assert.Equal(1f, max);
        }
    }

    [Fact]
    public void Load_DefaultDirectory_FirstRowsMatchTheRawFiles()
    {
        // Values read independently with Python's gzip module: first labels and the first image's pixel sum.
        Assert.Equal(new long[] { 9, 0, 0, 3, 0 }, data.Train.Labels[..5].ToArray());
        Assert.Equal(new long[] { 9, 2, 1, 1, 6 }, data.Test.Labels[..5].ToArray());
        double sum = 0;
        foreach (float v in data.Train.Row(0))
        {
            sum += v;
        }

        Assert.Equal(76247 / 255.0, sum, 3);
    }

    [Fact]
    public void Load_DefaultDirectory_HasTheTenClassNamesInOrder()
    {
        string[] expected = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        Assert.Equal(expected, data.ClassNames);
        Assert.Equal(expected, data.Test.ClassNames);
        Assert.Equal(expected, FashionMnist.ClassNames);
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DefaultDirectory);
    }

    [Fact]
    public void SplitTrain_TenThousandEach_FirstRowsTrainNextRowsValidate()
    {
        (TabularDataset train, TabularDataset validation) = data.SplitTrain(10_000, 10_000);

        Assert.Equal(10_000, train.Rows);
        Assert.Equal(10_000, validation.Rows);
        Assert.Equal(data.Train.Labels[..10_000].ToArray(), train.Labels.ToArray());
        Assert.Equal(data.Train.Labels[10_000..20_000].ToArray(), validation.Labels.ToArray());
        Assert.Equal(data.Train.Row(10_000).ToArray(), validation.Row(0).ToArray());
    }

    [Fact]
    public void SplitTrain_MoreRowsThanImages_ThrowsNamingTheCounts()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.SplitTrain(50_000, 10_001));

        Assert.Equal("validationRows", error.ParamName);
        Assert.Contains("at most the 60000 training images; got 50000 + 10001", error.Message, StringComparison.Ordinal);
    }

    private static int[] CountClasses(ReadOnlySpan<long> labels)
    {
        int[] counts = new int[10];
        foreach (long label in labels)
        {
            Assert.InRange(label, 0, 9);
            counts[label]++;
        }

        return counts;
    }
}
