using System.Globalization;
using System.Text;
using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.Estimators.Mapping;

/// <summary>
/// A trained HyperGradMlp network as the ML.NET mapping runs it: plain float arrays and a managed forward pass
/// (ReLU hidden layers), so that predicting holds no native tensor and may run on many cursors at once.
/// </summary>
/// <remarks>
/// Feature standardization and (regression) target standardization are folded into the first and last
/// layers. Layer i's weight is row-major [out, in], as <see cref="Mlp"/>'s. Immutable and thread-safe.
/// The binary form (<see cref="Write"/>/<see cref="Read"/>) is what <see cref="HyperGradModel"/> stores in model.zip.
/// </remarks>
internal sealed class MlpNetwork
{
    private const string Magic = "HyperGradMlp";
    private const int FormatVersion = 1;

    private readonly float[][] weights;
    private readonly float[][] biases;

    /// <summary>Creates a network.</summary>
    /// <param name="task">The task (decides how outputs become columns).</param>
    /// <param name="layerSizes">Input, hidden and output sizes.</param>
    /// <param name="weights">Per layer, [out * in] row-major.</param>
    /// <param name="biases">Per layer, [out].</param>
    /// <param name="classNames">Multiclass: the text of every class in key order; otherwise empty.</param>
    public MlpNetwork(PredictionTask task, IReadOnlyList<int> layerSizes, float[][] weights, float[][] biases, IReadOnlyList<string> classNames)
    {
        if (layerSizes.Count < 2 || weights.Length != layerSizes.Count - 1 || biases.Length != weights.Length)
        {
            throw new ArgumentException($"A network of {layerSizes.Count} sizes needs {layerSizes.Count - 1} weights and biases; got {weights.Length} and {biases.Length}.", nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i].Length != layerSizes[i] * layerSizes[i + 1] || biases[i].Length != layerSizes[i + 1])
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Layer {i} ({layerSizes[i]} -> {layerSizes[i + 1]}) has {weights[i].Length} weights and {biases[i].Length} biases."), nameof(weights));
            }
        }

        int outputs = layerSizes[^1];
        int expectedOutputs = task switch
        {
            PredictionTask.Regression => 1,
            PredictionTask.BinaryClassification => 2,
            _ => classNames.Count,
        };
        if (outputs != expectedOutputs || (task == PredictionTask.MulticlassClassification && (outputs < 2 || outputs > MulticlassMlpOutput.MaxClasses)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A {task} network must have {expectedOutputs} outputs (multiclass: 2 to {MulticlassMlpOutput.MaxClasses}); it has {outputs}."), nameof(layerSizes));
        }

        Task = task;
        LayerSizes = [.. layerSizes];
        this.weights = weights;
        this.biases = biases;
        ClassNames = [.. classNames];
    }

    /// <summary>Gets the task.</summary>
    public PredictionTask Task { get; }

    /// <summary>Gets the input, hidden and output sizes.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Gets the class texts in key order (multiclass), or an empty list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Gets the number of input features.</summary>
    public int InputSize => LayerSizes[0];

    /// <summary>Reads a network written by <see cref="Write"/>.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="source">Where the stream comes from, for messages.</param>
    /// <returns>The network.</returns>
    /// <exception cref="ModelFormatException">The stream is not a network of this format.</exception>
    public static MlpNetwork Read(Stream stream, string source)
    {
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            string magic = reader.ReadString();
            int version = reader.ReadInt32();
            if (magic != Magic || version != FormatVersion)
            {
                throw new ModelFormatException(source, $"expected a {Magic} network of format {FormatVersion}, found \"{magic}\" format {version}.");
            }

            var task = (PredictionTask)reader.ReadInt32();
            int sizeCount = reader.ReadInt32();
            var sizes = new int[sizeCount];
            for (int i = 0; i < sizeCount; i++)
            {
                sizes[i] = reader.ReadInt32();
            }

            var w = new float[Math.Max(sizeCount - 1, 0)][];
            var b = new float[w.Length][];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = ReadFloats(reader);
                b[i] = ReadFloats(reader);
            }

            int classCount = reader.ReadInt32();
            var names = new string[classCount];
            for (int i = 0; i < classCount; i++)
            {
                names[i] = reader.ReadString();
            }

            return new MlpNetwork(task, sizes, w, b, names);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or IOException or OverflowException)
        {
            throw new ModelFormatException(source, "it is not a complete HyperGradMlp network: " + ex.Message, ex);
        }
    }

    /// <summary>Writes the network (format 1: magic, version, task, sizes, weights and biases per layer, class names).</summary>
    /// <param name="stream">The stream.</param>
    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((int)Task);
        writer.Write(LayerSizes.Count);
        foreach (int size in LayerSizes)
        {
            writer.Write(size);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            WriteFloats(writer, weights[i]);
            WriteFloats(writer, biases[i]);
        }

        writer.Write(ClassNames.Count);
        foreach (string name in ClassNames)
        {
            writer.Write(name);
        }
    }

    /// <summary>Computes the raw outputs (logits, or the prediction for regression) of one row.</summary>
    /// <param name="features">The row's features, <see cref="InputSize"/> of them.</param>
    /// <returns>The outputs, <c>LayerSizes[^1]</c> of them.</returns>
    /// <exception cref="ArgumentException">The row has another number of features.</exception>
    public double[] Forward(ReadOnlySpan<float> features)
    {
        if (features.Length != InputSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The HyperGradMlp model takes {InputSize} features per row; the features column has {features.Length}."), nameof(features));
        }

        double[] current = new double[InputSize];
        for (int j = 0; j < InputSize; j++)
        {
            current[j] = features[j];
        }

        for (int layer = 0; layer < weights.Length; layer++)
        {
            int inputs = LayerSizes[layer];
            int outputs = LayerSizes[layer + 1];
            float[] w = weights[layer];
            double[] next = new double[outputs];
            bool hidden = layer < weights.Length - 1;
            for (int o = 0; o < outputs; o++)
            {
                double sum = biases[layer][o];
                int row = o * inputs;
                for (int j = 0; j < inputs; j++)
                {
                    sum += w[row + j] * current[j];
                }

                next[o] = hidden && sum < 0 ? 0 : sum;
            }

            current = next;
        }

        return current;
    }

    /// <summary>The regression mapping: <c>Score</c> is the prediction.</summary>
    /// <param name="input">The row.</param>
    /// <param name="output">The outputs.</param>
    public void MapRegression(MlpMappingInput input, RegressionMlpOutput output) => output.Score = (float)Forward(input.Features)[0];

    /// <summary>The binary mapping: <c>Score</c> is the log-odds of true, <c>Probability</c> its logistic, <c>PredictedLabel</c> whether it is positive.</summary>
    /// <param name="input">The row.</param>
    /// <param name="output">The outputs.</param>
    public void MapBinary(MlpMappingInput input, BinaryMlpOutput output)
    {
        double[] logits = Forward(input.Features);
        double score = logits[1] - logits[0];
        output.Score = (float)score;
        output.Probability = (float)(1 / (1 + Math.Exp(-score)));
        output.PredictedLabel = score > 0;
    }

    /// <summary>The multiclass mapping: class probabilities (softmax; slots past the class count are 0) and the text of the most probable class.</summary>
    /// <param name="input">The row.</param>
    /// <param name="output">The outputs.</param>
    public void MapMulticlass(MlpMappingInput input, MulticlassMlpOutput output)
    {
        double[] logits = Forward(input.Features);
        float[] score = output.Score.Length == MulticlassMlpOutput.MaxClasses ? output.Score : new float[MulticlassMlpOutput.MaxClasses];
        Array.Clear(score);
        int best = 0;
        double max = logits[0];
        for (int k = 1; k < logits.Length; k++)
        {
            if (logits[k] > max)
            {
                max = logits[k];
                best = k;
            }
        }

        double total = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            total += Math.Exp(logits[k] - max);
        }

        for (int k = 0; k < logits.Length; k++)
        {
            score[k] = (float)(Math.Exp(logits[k] - max) / total);
        }

        output.Score = score;
        output.PredictedClass = double.IsNaN(max) ? string.Empty : ClassNames[best];
    }

    private static float[] ReadFloats(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0)
        {
            throw new IOException($"negative array length {count}");
        }

        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (float v in values)
        {
            writer.Write(v);
        }
    }
}
