using System.Collections.ObjectModel;
using System.Globalization;
using MLNet.HyperGrad.Torch;

using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// An immutable in-memory table of float32 features with one label per row: a class index for
/// classification or a real target for regression.
/// </summary>
/// <remarks>
/// Features are stored row-major with shape [<see cref="Rows"/>, <see cref="FeatureCount"/>]. The
/// factories copy their inputs, and every accessor is read-only, so a dataset never changes after
/// it is made; transformations (<see cref="Subset"/>, <see cref="Standardizer.Transform"/>) return
/// new datasets.
/// </remarks>
public sealed class TabularDataset
{
    private readonly float[] features;
    private readonly long[]? labels;
    private readonly float[]? targets;
    private readonly ReadOnlyCollection<string> featureNames;
    private readonly ReadOnlyCollection<string> classNames;

    private TabularDataset(float[] features, long[]? labels, float[]? targets, string[] featureNames, string[] classNames)
    {
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.featureNames = Array.AsReadOnly(featureNames);
        this.classNames = Array.AsReadOnly(classNames);
    }

    /// <summary>Gets what the labels mean.</summary>
    public TaskKind Task => labels is null ? TaskKind.Regression : TaskKind.Classification;

    /// <summary>Gets the number of rows (examples).</summary>
    public int Rows => labels?.Length ?? targets!.Length;

    /// <summary>Gets the number of features per row.</summary>
    public int FeatureCount => featureNames.Count;

    /// <summary>Gets the features, row-major, shape [<see cref="Rows"/>, <see cref="FeatureCount"/>].</summary>
    public ReadOnlySpan<float> Features => features.AsSpan(0, Rows * FeatureCount);

    /// <summary>Gets the class index of every row, each in [0, <see cref="ClassCount"/>), shape [<see cref="Rows"/>].</summary>
    /// <exception cref="InvalidOperationException">The dataset is a regression dataset; use <see cref="Targets"/>.</exception>
    public ReadOnlySpan<long> Labels => labels ?? throw new InvalidOperationException("A regression dataset has real-valued Targets, not class Labels.");

    /// <summary>Gets the real-valued target of every row, shape [<see cref="Rows"/>].</summary>
    /// <exception cref="InvalidOperationException">The dataset is a classification dataset; use <see cref="Labels"/>.</exception>
    public ReadOnlySpan<float> Targets => targets ?? throw new InvalidOperationException("A classification dataset has class Labels, not real-valued Targets.");

    /// <summary>Gets the name of every feature column, in order; <see cref="FeatureCount"/> entries.</summary>
    public IReadOnlyList<string> FeatureNames => featureNames;

    /// <summary>Gets the name of every class, indexed by class index; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>Gets the number of classes; 0 for regression.</summary>
    public int ClassCount => classNames.Count;

    /// <summary>Creates a classification dataset, copying the inputs.</summary>
    /// <param name="features">Features, row-major, shape [rows, featureNames.Count]; every value finite.</param>
    /// <param name="labels">Class indices, shape [rows], each in [0, classNames.Count).</param>
    /// <param name="featureNames">The name of every feature; at least one.</param>
    /// <param name="classNames">The name of every class, distinct; at least one.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">Lengths disagree, a value is not finite, or a label is out of range.</exception>
    public static TabularDataset ForClassification(
        ReadOnlySpan<float> features, ReadOnlySpan<long> labels, IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames)
    {
        string[] names = CheckNames(featureNames, nameof(featureNames));
        string[] classes = CheckNames(classNames, nameof(classNames));
        CheckFeatures(features, labels.Length, names.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes.Length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Label {labels[i]} at row {i} is outside [0, {classes.Length}), the range of class indices."),
                    nameof(labels));
            }
        }

        return new TabularDataset(features.ToArray(), labels.ToArray(), null, names, classes);
    }

    /// <summary>Creates a regression dataset, copying the inputs.</summary>
    /// <param name="features">Features, row-major, shape [rows, featureNames.Count]; every value finite.</param>
    /// <param name="targets">Targets, shape [rows]; every value finite.</param>
    /// <param name="featureNames">The name of every feature; at least one.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">Lengths disagree or a value is not finite.</exception>
    public static TabularDataset ForRegression(ReadOnlySpan<float> features, ReadOnlySpan<float> targets, IReadOnlyList<string> featureNames)
    {
        string[] names = CheckNames(featureNames, nameof(featureNames));
        CheckFeatures(features, targets.Length, names.Length);
        for (int i = 0; i < targets.Length; i++)
        {
            if (!float.IsFinite(targets[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Target at row {i} is {targets[i]}; targets must be finite."), nameof(targets));
            }
        }

        return new TabularDataset(features.ToArray(), null, targets.ToArray(), names, []);
    }

    /// <summary>Gets the features of one row.</summary>
    /// <param name="row">The 0-based row.</param>
    /// <returns>The row's <see cref="FeatureCount"/> features.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is not in [0, <see cref="Rows"/>).</exception>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return features.AsSpan(row * FeatureCount, FeatureCount);
    }

    /// <summary>Selects rows, in the given order; a row may appear more than once.</summary>
    /// <param name="rows">0-based row indices, each in [0, <see cref="Rows"/>).</param>
    /// <returns>A new dataset with rows.Length rows and the same columns and classes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public TabularDataset Subset(ReadOnlySpan<int> rows)
    {
        int d = FeatureCount;
        float[] x = new float[(long)rows.Length * d];
        long[]? y = labels is null ? null : new long[rows.Length];
        float[]? t = targets is null ? null : new float[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(rows), r, string.Create(CultureInfo.InvariantCulture, $"Row index at position {i} is {r}, outside [0, {Rows})."));
            }

            Array.Copy(features, (long)r * d, x, (long)i * d, d);
            if (y is not null)
            {
                y[i] = labels![r];
            }
            else
            {
                t![i] = targets![r];
            }
        }

        return new TabularDataset(x, y, t, [.. featureNames], [.. classNames]);
    }

    /// <summary>Copies the dataset into tensors on a device.</summary>
    /// <param name="device">The device; the CPU by default.</param>
    /// <returns>
    /// Features, float32 [Rows, FeatureCount], and labels: int64 [Rows] for classification, float32
    /// [Rows] for regression. The result owns both tensors (no dispose scope frees them): dispose it.
    /// </returns>
    public TensorDataset ToTensors(torch.Device? device = null)
    {
        torch.Device target = TorchDevices.Prepare(device);
        Tensor x = TensorData.FromSpan<float>(Features, [Rows, FeatureCount], target);
        try
        {
            Tensor y = labels is not null
                ? TensorData.FromSpan<long>(labels, [Rows], target)
                : TensorData.FromSpan<float>(targets!, [Rows], target);
            return new TensorDataset(x, y, Task);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a classification dataset that takes ownership of already-checked arrays; the features
    /// are the first labels.Length × featureNames.Length elements of <paramref name="features"/>
    /// (a reader's buffer may be longer), and the rest is never read.
    /// </summary>
    internal static TabularDataset OwnClassification(float[] features, long[] labels, string[] featureNames, string[] classNames) =>
        new(features, labels, null, featureNames, classNames);

    /// <summary>Creates a regression dataset that takes ownership of already-checked arrays; the features may be longer, as for classification.</summary>
    internal static TabularDataset OwnRegression(float[] features, float[] targets, string[] featureNames) =>
        new(features, null, targets, featureNames, []);

    /// <summary>The same labels and names with new features (same shape), taking ownership of them.</summary>
    internal TabularDataset WithFeatures(float[] newFeatures) =>
        new(newFeatures, labels, targets, [.. featureNames], [.. classNames]);

    private static string[] CheckNames(IReadOnlyList<string> names, string parameter)
    {
        ArgumentNullException.ThrowIfNull(names, parameter);
        if (names.Count == 0)
        {
            throw new ArgumentException("At least one name is needed.", parameter);
        }

        string[] copy = [.. names];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in copy)
        {
            if (name is null)
            {
                throw new ArgumentException("Names must not be null.", parameter);
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Names must be distinct; \"{name}\" appears twice.", parameter);
            }
        }

        return copy;
    }

    private static void CheckFeatures(ReadOnlySpan<float> features, int rows, int featureCount)
    {
        if (features.Length != (long)rows * featureCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Features hold {features.Length} values; {rows} rows of {featureCount} features need {(long)rows * featureCount}."),
                nameof(features));
        }

        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Feature {i % featureCount} of row {i / featureCount} is {features[i]}; features must be finite."),
                    nameof(features));
            }
        }
    }
}
