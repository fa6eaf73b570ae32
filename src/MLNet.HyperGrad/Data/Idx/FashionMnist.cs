using System.Globalization;

namespace MLNet.HyperGrad.Data.Idx;

/// <summary>
/// Loads Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28x28 grey-scale images of clothing in
/// ten classes, 60,000 for training and 10,000 for testing.
/// </summary>
/// <remarks>
/// The files come from Debian's <c>dataset-fashion-mnist</c> package, which
/// <c>bash scripts/setup.sh</c> installs into <see cref="DefaultDirectory"/>. Each image becomes one
/// row of 784 float32 features, the pixels in row-major order divided by 255 (so in [0, 1]), named
/// <c>pixel0</c> … <c>pixel783</c>.
/// </remarks>
public static class FashionMnist
{
    /// <summary>The side of an image, in pixels.</summary>
    public const int ImageSide = 28;

    private const string SetupHint = "install it with `bash scripts/setup.sh` (Debian package dataset-fashion-mnist), or pass the directory that holds the four files";

    private static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly string[] PixelNames =
        [.. Enumerable.Range(0, ImageSide * ImageSide).Select(i => "pixel" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Gets the directory Debian's <c>dataset-fashion-mnist</c> package installs into: <c>/usr/share/datasets/fashion-mnist</c>.</summary>
    public static string DefaultDirectory { get; } = "/usr/share/datasets/fashion-mnist";

    /// <summary>Gets the ten class names, indexed by class index.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(Names);

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="directory">
    /// The directory holding <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>,
    /// <c>t10k-images-idx3-ubyte.gz</c> and <c>t10k-labels-idx1-ubyte.gz</c>; null means
    /// <see cref="DefaultDirectory"/>.
    /// </param>
    /// <returns>The two sets; features float32 in [0, 1], 784 per row; labels class indices 0 … 9.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist (the message says how to install it).</exception>
    /// <exception cref="FileNotFoundException">A file is missing (the message says how to install it).</exception>
    /// <exception cref="DatasetFormatException">
    /// A file is not valid IDX, images are not 28x28, image and label counts differ, or a label is outside 0 … 9.
    /// </exception>
    public static FashionMnistData Load(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST directory \"{dir}\" does not exist; {SetupHint}.");
        }

        TabularDataset train = LoadPart(dir, "train");
        TabularDataset test = LoadPart(dir, "t10k");
        return new FashionMnistData(train, test);
    }

    private static TabularDataset LoadPart(string dir, string prefix)
    {
        string imagesPath = RequireFile(dir, prefix + "-images-idx3-ubyte.gz");
        string labelsPath = RequireFile(dir, prefix + "-labels-idx1-ubyte.gz");
        IdxArray images = IdxReader.Read(imagesPath);
        IdxArray labels = IdxReader.Read(labelsPath);
        long[] imageShape = images.Shape;
        long[] labelShape = labels.Shape;
        if (imageShape.Length != 3 || imageShape[1] != ImageSide || imageShape[2] != ImageSide)
        {
            throw new DatasetFormatException(
                $"expected images of shape [n, {ImageSide}, {ImageSide}], found [{string.Join(", ", imageShape)}]", imagesPath, null, null, null);
        }

        if (labelShape.Length != 1 || labelShape[0] != imageShape[0])
        {
            throw new DatasetFormatException(
                $"expected one label per image, shape [{imageShape[0]}], found [{string.Join(", ", labelShape)}]", labelsPath, null, null, null);
        }

        ReadOnlySpan<byte> labelBytes = labels.Data;
        long[] classes = new long[labelBytes.Length];
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= Names.Length)
            {
                throw new DatasetFormatException(
                    $"expected a class index in 0 … {Names.Length - 1} for label {i}, found {labelBytes[i]}", labelsPath, null, null, labelBytes[i].ToString(CultureInfo.InvariantCulture));
            }

            classes[i] = labelBytes[i];
        }

        ReadOnlySpan<byte> pixels = images.Data;
        float[] features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            features[i] = pixels[i] / 255f;
        }

        return TabularDataset.OwnClassification(features, classes, [.. PixelNames], [.. Names]);
    }

    private static string RequireFile(string dir, string name)
    {
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Fashion-MNIST file \"{path}\" does not exist; {SetupHint}.", path);
        }

        return path;
    }
}
