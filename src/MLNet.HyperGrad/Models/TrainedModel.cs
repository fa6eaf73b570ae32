using System.Collections.ObjectModel;
using System.Globalization;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Torch;

using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Models;

/// <summary>
/// An immutable description of a trained <see cref="Mlp"/>: the architecture, the weights as float32
/// arrays, how raw input becomes features (an optional CSV <see cref="TabularSchema"/> and
/// <see cref="Data.Standardizer"/>), the names of features and classes, and free metadata.
/// </summary>
/// <remarks>
/// <para>
/// Everything needed to predict is here, so a model saved with <see cref="Save"/> and read with
/// <see cref="Load"/> predicts bit for bit like the in-memory one (see
/// <c>MLNet.HyperGrad.Prediction.MlpPredictor</c>). Input goes through three steps: a CSV row is
/// encoded with <see cref="Schema"/> (when it is null the features are given directly, for example
/// Fashion-MNIST pixels divided by 255 so in [0, 1]); then <see cref="Standardizer"/> is applied when
/// it is not null; then the network runs.
/// </para>
/// <para>
/// <see cref="Weights"/> follow the <see cref="ParameterSet"/> order of <see cref="Mlp.CreateParameters"/>:
/// <c>w0</c>, <c>b0</c>, <c>w1</c>, <c>b1</c>, …, where layer i's weight has shape [out, in] and its
/// bias shape [out], as in PyTorch's Linear. The object holds no native memory and is safe to share
/// between threads.
/// </para>
/// </remarks>
public sealed partial class TrainedModel
{
    private readonly ReadOnlyCollection<int> layerSizes;
    private readonly float[][] weights;
    private readonly ReadOnlyCollection<ReadOnlyMemory<float>> weightViews;
    private readonly ReadOnlyCollection<string> parameterNames;
    private readonly ReadOnlyCollection<string> featureNames;
    private readonly ReadOnlyCollection<string> classNames;

    /// <summary>Creates a model description, copying the arrays.</summary>
    /// <param name="task">Classification (outputs are logits, one per class) or regression (one output).</param>
    /// <param name="layerSizes">Input size, hidden sizes, output size: at least two entries, all positive.</param>
    /// <param name="activation">The hidden nonlinearity.</param>
    /// <param name="weights">
    /// One array per tensor in the order <c>w0</c>, <c>b0</c>, <c>w1</c>, <c>b1</c>, …: layer i's weight
    /// holds out × in values (row-major [out, in]), its bias out values; every value finite.
    /// </param>
    /// <param name="featureNames">The name of every input feature, distinct; as many as the input size.</param>
    /// <param name="classNames">For classification the class names, distinct, indexed by class index, as many as the output size and at least two; null or empty for regression.</param>
    /// <param name="schema">The CSV encoding the features come from, or null when features are given directly; its task, features and classes must match.</param>
    /// <param name="standardizer">The standardization applied to the features before the network, or null; fitted on as many features as the input size.</param>
    /// <param name="metadata">When and how the model was made.</param>
    /// <exception cref="ArgumentException">The parts are inconsistent; the message says which and how.</exception>
    public TrainedModel(
        TaskKind task,
        IReadOnlyList<int> layerSizes,
        Activation activation,
        IReadOnlyList<float[]> weights,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<string>? classNames,
        TabularSchema? schema,
        Standardizer? standardizer,
        TrainedModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!Enum.IsDefined(task))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Task {(int)task} is not a TaskKind."), nameof(task));
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Activation {(int)activation} is not an Activation."), nameof(activation));
        }

        // The Mlp constructor checks the sizes (at least two, all positive).
        var mlp = new Mlp(layerSizes, activation);
        int[] sizes = [.. mlp.LayerSizes];
        int inputs = sizes[0];
        int outputs = sizes[^1];
        this.layerSizes = Array.AsReadOnly(sizes);
        this.weights = CopyWeights(sizes, weights);
        weightViews = Array.AsReadOnly(this.weights.Select(w => (ReadOnlyMemory<float>)w).ToArray());
        parameterNames = Array.AsReadOnly(
            Enumerable.Range(0, sizes.Length - 1).SelectMany(i => new[] { Mlp.WeightName(i), Mlp.BiasName(i) }).ToArray());

        string[] features = CheckNames(featureNames, nameof(featureNames), "feature");
        if (features.Length != inputs)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The input size is {inputs} but {features.Length} feature names were given."), nameof(featureNames));
        }

        string[] classes = classNames is null || classNames.Count == 0 ? [] : CheckNames(classNames, nameof(classNames), "class");
        if (task == TaskKind.Classification && (classes.Length < 2 || classes.Length != outputs))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A classifier needs one class name per output, at least two; the output size is {outputs} and {classes.Length} class names were given."),
                nameof(classNames));
        }

        if (task == TaskKind.Regression && (classes.Length != 0 || outputs != 1))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A regression model has one output and no class names; found {outputs} outputs and {classes.Length} class names."),
                classes.Length != 0 ? nameof(classNames) : nameof(layerSizes));
        }

        if (schema is not null)
        {
            if (schema.Task != task)
            {
                throw new ArgumentException($"The schema is for {schema.Task} but the model does {task}.", nameof(schema));
            }

            if (!schema.FeatureNames.SequenceEqual(features, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The feature names must be the schema's; first difference: {FirstDifference(schema.FeatureNames, features)}.", nameof(featureNames));
            }

            if (!schema.ClassNames.SequenceEqual(classes, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The class names must be the schema's; first difference: {FirstDifference(schema.ClassNames, classes)}.", nameof(classNames));
            }
        }

        if (standardizer is not null && standardizer.FeatureCount != inputs)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The standardizer was fitted on {standardizer.FeatureCount} features but the input size is {inputs}."), nameof(standardizer));
        }

        Task = task;
        Activation = activation;
        this.featureNames = Array.AsReadOnly(features);
        this.classNames = Array.AsReadOnly(classes);
        Schema = schema;
        Standardizer = standardizer;
        Metadata = metadata;
    }

    /// <summary>Gets what the outputs mean: class logits or one real value.</summary>
    public TaskKind Task { get; }

    /// <summary>Gets the input, hidden and output sizes.</summary>
    public IReadOnlyList<int> LayerSizes => layerSizes;

    /// <summary>Gets the hidden nonlinearity.</summary>
    public Activation Activation { get; }

    /// <summary>Gets the number of input features.</summary>
    public int InputSize => layerSizes[0];

    /// <summary>Gets the number of outputs: the class count for classification, 1 for regression.</summary>
    public int OutputSize => layerSizes[^1];

    /// <summary>Gets the weights, one read-only array per tensor, in <see cref="ParameterNames"/> order.</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> Weights => weightViews;

    /// <summary>Gets the tensor names <c>w0</c>, <c>b0</c>, <c>w1</c>, <c>b1</c>, …, in <see cref="Weights"/> order.</summary>
    public IReadOnlyList<string> ParameterNames => parameterNames;

    /// <summary>Gets the name of every input feature, in order.</summary>
    public IReadOnlyList<string> FeatureNames => featureNames;

    /// <summary>Gets the class names, indexed by class index; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>Gets the CSV encoding of the input, or null when features are given directly (Fashion-MNIST pixels in [0, 1], say).</summary>
    public TabularSchema? Schema { get; }

    /// <summary>Gets the standardization applied to the features before the network, or null.</summary>
    public Standardizer? Standardizer { get; }

    /// <summary>Gets when and how the model was made.</summary>
    public TrainedModelMetadata Metadata { get; }

    /// <summary>Describes a trained MLP, copying its weights to managed float32 arrays.</summary>
    /// <param name="mlp">The architecture.</param>
    /// <param name="weights">
    /// The weights, with tensors named <c>w0</c>, <c>b0</c>, … as made by <see cref="Mlp.CreateParameters"/>;
    /// any device, float32 or float64 (float64 is rounded to the nearest float32).
    /// </param>
    /// <param name="task">What the outputs mean.</param>
    /// <param name="featureNames">The name of every input feature (a dataset's <see cref="TabularDataset.FeatureNames"/>).</param>
    /// <param name="classNames">The class names for classification (a dataset's <see cref="TabularDataset.ClassNames"/>); null or empty for regression.</param>
    /// <param name="metadata">When and how the model was made.</param>
    /// <param name="schema">The CSV encoding of the input, or null when features are given directly.</param>
    /// <param name="standardizer">The standardization the model was trained behind, or null.</param>
    /// <returns>The description; it holds no native memory.</returns>
    /// <exception cref="ArgumentException">A tensor is missing, has the wrong shape or a non-finite value, or the parts are inconsistent.</exception>
    public static TrainedModel FromParameters(
        Mlp mlp,
        ParameterSet weights,
        TaskKind task,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<string>? classNames,
        TrainedModelMetadata metadata,
        TabularSchema? schema = null,
        Standardizer? standardizer = null)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        ArgumentNullException.ThrowIfNull(weights);
        var arrays = new float[2 * mlp.LayerCount][];
        using (torch.NewDisposeScope())
        {
            for (int i = 0; i < mlp.LayerCount; i++)
            {
                arrays[2 * i] = ToFloatArray(weights, Mlp.WeightName(i));
                arrays[(2 * i) + 1] = ToFloatArray(weights, Mlp.BiasName(i));
            }
        }

        if (weights.Count != arrays.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The MLP has {mlp.LayerCount} layers and needs {arrays.Length} tensors; the set holds {weights.Count}: {string.Join(", ", weights.Names)}."),
                nameof(weights));
        }

        return new TrainedModel(task, mlp.LayerSizes, mlp.Activation, arrays, featureNames, classNames, schema, standardizer, metadata);
    }

    /// <summary>The shape of one weight tensor.</summary>
    /// <param name="index">The position in <see cref="Weights"/>.</param>
    /// <returns>[out, in] for a weight, [out] for a bias.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, Weights.Count).</exception>
    public int[] GetParameterShape(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, weights.Length);
        return ShapeOf(layerSizes, index);
    }

    /// <summary>Creates the architecture.</summary>
    /// <returns>An <see cref="Mlp"/> with <see cref="LayerSizes"/> and <see cref="Activation"/>.</returns>
    public Mlp CreateMlp() => new(layerSizes, Activation);

    /// <summary>Copies the weights into new float32 tensors (to predict, or to fine-tune).</summary>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>A set named <c>w0</c>, <c>b0</c>, … that the caller owns and must dispose; requires-grad is off.</returns>
    public ParameterSet CreateParameters(torch.Device? device = null)
    {
        torch.Device target = TorchDevices.Prepare(device);
        var set = new ParameterSet();
        try
        {
            for (int i = 0; i < weights.Length; i++)
            {
                long[] shape = [.. ShapeOf(layerSizes, i).Select(s => (long)s)];
                set.Add(parameterNames[i], TensorData.FromSpan<float>(weights[i], shape, target));
            }
        }
        catch
        {
            set.Dispose();
            throw;
        }

        return set;
    }

    /// <summary>The shape of tensor <paramref name="index"/> (w0, b0, w1, …) for some layer sizes.</summary>
    internal static int[] ShapeOf(IReadOnlyList<int> sizes, int index)
    {
        int layer = index / 2;
        return index % 2 == 0 ? [sizes[layer + 1], sizes[layer]] : [sizes[layer + 1]];
    }

    private static float[][] CopyWeights(int[] sizes, IReadOnlyList<float[]> weights)
    {
        int expected = 2 * (sizes.Length - 1);
        if (weights.Count != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Layer sizes [{string.Join(", ", sizes)}] need {expected} weight arrays (w0, b0, w1, b1, …); {weights.Count} were given."),
                nameof(weights));
        }

        var copies = new float[expected][];
        for (int i = 0; i < expected; i++)
        {
            int[] shape = ShapeOf(sizes, i);
            long count = shape.Aggregate(1L, (a, b) => a * b);
            float[] w = weights[i] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Weight array {i} is null."), nameof(weights));
            if (w.LongLength != count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Weight array {i} ({Name(i)}) must hold {count} values for shape [{string.Join(", ", shape)}]; it holds {w.Length}."),
                    nameof(weights));
            }

            int bad = Array.FindIndex(w, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Weight array {i} ({Name(i)}) holds {w[bad]} at element {bad}; weights must be finite."), nameof(weights));
            }

            copies[i] = (float[])w.Clone();
        }

        return copies;
    }

    private static string Name(int index) => index % 2 == 0 ? Mlp.WeightName(index / 2) : Mlp.BiasName(index / 2);

    private static float[] ToFloatArray(ParameterSet weights, string name)
    {
        if (!weights.Names.Contains(name))
        {
            throw new ArgumentException($"The weights have no tensor named \"{name}\"; the set holds {string.Join(", ", weights.Names)}.", nameof(weights));
        }

        Tensor source = weights[name];
        if (source.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Tensor \"{name}\" holds {source.dtype} values; weights must be float32 or float64.", nameof(weights));
        }

        // Inside the caller's dispose scope: every temporary here is freed when it ends.
        return TensorData.ToArray<float>(source.detach().to(ScalarType.Float32, torch.CPU));
    }

    private static string[] CheckNames(IReadOnlyList<string> names, string parameter, string role)
    {
        string[] copy = [.. names];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in copy)
        {
            if (name is null)
            {
                throw new ArgumentException($"A {role} name is null.", parameter);
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"{char.ToUpperInvariant(role[0])}{role[1..]} names must be distinct; \"{name}\" appears twice.", parameter);
            }
        }

        return copy;
    }

    private static string FirstDifference(IReadOnlyList<string> expected, string[] actual)
    {
        int n = Math.Min(expected.Count, actual.Length);
        for (int i = 0; i < n; i++)
        {
            if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                return string.Create(CultureInfo.InvariantCulture, $"position {i} is \"{expected[i]}\" in the schema and \"{actual[i]}\" here");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"the schema has {expected.Count} and here there are {actual.Length}");
    }
}
