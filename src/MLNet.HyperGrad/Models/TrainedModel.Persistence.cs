using System.Globalization;

namespace MLNet.HyperGrad.Models;

public sealed partial class TrainedModel
{
    /// <summary>The <c>format</c> that <c>model.json</c> declares.</summary>
    public const string FormatName = "MLNet.HyperGrad.Mlp";

    /// <summary>The format version <see cref="Save"/> writes and <see cref="Load"/> reads (of <c>model.json</c> and of <c>weights.bin</c>).</summary>
    public const int FormatVersion = 1;

    /// <summary>The name of the file that describes the model: everything but the weights.</summary>
    public const string ModelFileName = "model.json";

    /// <summary>The name of the file that holds the weights.</summary>
    public const string WeightsFileName = "weights.bin";

    /// <summary>Saves the model to a directory as <c>model.json</c> and <c>weights.bin</c>, replacing a model saved there before.</summary>
    /// <param name="directory">The directory; created if it does not exist. Other files in it are left alone.</param>
    /// <remarks>
    /// <para>
    /// <c>model.json</c> holds the format name and version, the task, layer sizes, activation, feature
    /// and class names, the embedded <see cref="Schema"/> and <see cref="Standardizer"/> JSON, the
    /// metadata, and the byte length and SHA-256 of <c>weights.bin</c>. <c>weights.bin</c> is
    /// binary, little-endian: 8 magic bytes <c>89 48 47 57 0D 0A 1A 0A</c>, a uint32 version, a uint32
    /// tensor count, then per tensor a uint32 rank, int64 sizes and float32 values (row-major), and
    /// last the 32-byte SHA-256 of every byte before it.
    /// </para>
    /// <para>
    /// Each file is written to a temporary file in the same directory, flushed to disk and only then
    /// renamed over the old one, so a failure while writing (a full disk, a crash) leaves the previous
    /// model as it was. Both temporary files are complete before the first rename; <c>weights.bin</c>
    /// is renamed first, and since <c>model.json</c> records its SHA-256, a crash between the two renames
    /// leaves a pair that <see cref="Load"/> rejects with a checksum error, never a mixed model.
    /// </para>
    /// </remarks>
    /// <exception cref="IOException">A file could not be written or renamed; the previous model is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory may not be written.</exception>
    /// <exception cref="NotSupportedException">The weights exceed the largest array (about 2 GB).</exception>
    public void Save(string directory) => SaveCore(directory, null);

    /// <summary>Reads a model saved by <see cref="Save"/>, checking everything.</summary>
    /// <param name="directory">The directory that holds <c>model.json</c> and <c>weights.bin</c>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelFormatException">
    /// Naming the file: a file is missing; <c>model.json</c> is not JSON, declares another format or an
    /// unsupported version, lacks a property or has one of the wrong type, or describes an
    /// inconsistent model; <c>weights.bin</c> has wrong magic bytes, an unsupported version, is
    /// truncated or longer than recorded, fails its SHA-256 check (its own trailer or the digest in
    /// <c>model.json</c>), holds a non-finite weight, or has a tensor count or shape that does not
    /// match the layer sizes.
    /// </exception>
    public static TrainedModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string modelPath = Path.Combine(directory, ModelFileName);
        string weightsPath = Path.Combine(directory, WeightsFileName);
        ModelManifest.Contents manifest = ModelManifest.Read(modelPath);
        if (manifest.LayerSizes.Length < 2 || manifest.LayerSizes.Any(s => s < 1))
        {
            throw new ModelFormatException(
                modelPath,
                string.Create(CultureInfo.InvariantCulture, $"expected \"layerSizes\" to hold at least two positive sizes, found [{string.Join(", ", manifest.LayerSizes)}]"));
        }

        float[][] weights = WeightsFile.Read(weightsPath, manifest.LayerSizes, manifest.WeightsLength, manifest.WeightsSha256);
        try
        {
            return new TrainedModel(
                manifest.Task,
                manifest.LayerSizes,
                manifest.Activation,
                weights,
                manifest.FeatureNames,
                manifest.ClassNames,
                manifest.Schema,
                manifest.Standardizer,
                manifest.Metadata);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(modelPath, $"the model is inconsistent: {e.Message}", e);
        }
    }

    /// <summary>Saves, letting a test wrap the stream each file is written through (to inject a failure).</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="intercept">Given the final file name and the temporary file's stream, returns the stream to write to; null writes directly.</param>
    internal void SaveCore(string directory, Func<string, Stream, Stream>? intercept)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        byte[] weightBytes = WeightsFile.Serialize(layerSizes, weightViews, out string sha256);
        byte[] modelBytes = ModelManifest.Serialize(this, weightBytes.LongLength, sha256);
        string? weightsTemp = null;
        string? modelTemp = null;
        try
        {
            weightsTemp = WriteTemporary(directory, WeightsFileName, weightBytes, intercept);
            modelTemp = WriteTemporary(directory, ModelFileName, modelBytes, intercept);
            File.Move(weightsTemp, Path.Combine(directory, WeightsFileName), overwrite: true);
            weightsTemp = null;
            File.Move(modelTemp, Path.Combine(directory, ModelFileName), overwrite: true);
            modelTemp = null;
        }
        finally
        {
            DeleteQuietly(weightsTemp);
            DeleteQuietly(modelTemp);
        }
    }

    private static string WriteTemporary(string directory, string fileName, byte[] content, Func<string, Stream, Stream>? intercept)
    {
        string temp = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            Stream target = intercept?.Invoke(fileName, file) ?? file;
            target.Write(content);
            target.Flush();
            file.Flush(flushToDisk: true);
            return temp;
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a stray temporary file never affects Load, which reads only the final names.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
