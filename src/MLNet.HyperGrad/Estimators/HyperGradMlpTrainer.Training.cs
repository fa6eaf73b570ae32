using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators.Mapping;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The training run of <see cref="HyperGradMlpTrainer"/>.</summary>
public sealed partial class HyperGradMlpTrainer
{
    private HyperGradMlpTransformer Train(IDataView input, ColumnCheck check)
    {
        MlpHyperparameters h = Hyperparameters;
        (float[] x, long[] classes, float[] targets, int rows) = ReadRows(input, check);
        int d = check.FeatureCount;
        (double[] means, double[] scales) = Standardize(x, rows, d);
        double targetMean = 0, targetScale = 1;
        if (Task == PredictionTask.Regression)
        {
            targetMean = targets.Take(rows).Average(t => (double)t);
            double variance = targets.Take(rows).Average(t => (t - targetMean) * (t - targetMean));
            targetScale = variance > 0 ? Math.Sqrt(variance) : 1;
            ScaleTargets(targets, targetMean, targetScale);
        }

        (float[] X, long[] Classes, float[] Targets, int Rows)? validation = null;
        if (options.ValidationData is { } validationData)
        {
            ColumnCheck validationCheck = CheckSchema(validationData.Schema, nameof(HyperGradMlpOptions.ValidationData));
            if (validationCheck.FeatureCount != d || validationCheck.ClassNames.Length != check.ClassNames.Length)
            {
                throw new ArgumentException(
                    $"HyperGradMlp's validation data must have the training data's {d} features and {check.ClassNames.Length} classes; it has {validationCheck.FeatureCount} and {validationCheck.ClassNames.Length}.");
            }

            var v = ReadRows(validationData, validationCheck);
            Apply(v.X, v.Rows, means, scales);
            ScaleTargets(v.Targets, targetMean, targetScale);
            validation = v;
        }

        int outputs = Task switch
        {
            PredictionTask.MulticlassClassification => check.ClassNames.Length,
            PredictionTask.BinaryClassification => 2,
            _ => 1,
        };
        int[] sizes = [d, .. Enumerable.Repeat(h.HiddenWidth, h.Depth), outputs];
        var trainingOptions = new TrainingOptions
        {
            Epochs = h.Epochs,
            BatchSize = Math.Min(h.BatchSize, rows),
            LearningRate = h.LearningRate,
            Momentum = h.Momentum,
            WeightDecay = h.L2,
            Loss = Task == PredictionTask.Regression ? LossKind.MeanSquaredError : LossKind.CrossEntropy,
            Seed = unchecked((ulong)options.Seed),
            LearnedOptimizer = options.Optimizer,
        };
        IReadOnlyList<EpochReport> curve;
        IReadOnlyList<double[]> trained;
        TorchRuntime.EnsureLoaded();
        using (torch.NewDisposeScope())
        {
            var mlp = new Mlp(sizes);
            Tensor features = torch.tensor(x, [rows, d]);
            Tensor labels = Task == PredictionTask.Regression ? torch.tensor(targets, [rows]) : torch.tensor(classes, [rows]);
            using var generator = new torch.Generator(unchecked((ulong)options.Seed));
            using ParameterSet weights = mlp.CreateParameters(generator);
            Action<EpochReport>? onEpoch = options.EpochCompleted;
            var progress = onEpoch is null ? null : new EpochProgress(onEpoch);
            (Tensor, Tensor)? validationTensors = validation is { } vt
                ? (torch.tensor(vt.X, [vt.Rows, d]), Task == PredictionTask.Regression ? torch.tensor(vt.Targets, [vt.Rows]) : torch.tensor(vt.Classes, [vt.Rows]))
                : null;
            if (GradientTuning is { } request)
            {
                (sizes, trained) = TuneByGradient(request, h, x, classes, rows, d, outputs);
                curve = [];
            }
            else
            {
                curve = new Trainer(mlp, trainingOptions).Fit(weights, features, labels, validationTensors, progress, options.CancellationToken);
                trained = weights.ToArrays();
                ThrowIfDiverged(curve, trained, h);
            }
        }

        MlpNetwork network = Fold(sizes, trained, means, scales, targetMean, targetScale, check.ClassNames);
        ITransformer inner = BuildChain(network, input, check.ClassNames);
        return new HyperGradMlpTransformer(network, inner, curve, rows);
    }

    /// <summary>Refuses a model whose training diverged, rather than returning one whose every prediction is NaN.</summary>
    /// <exception cref="AutoML.TrialDivergedException">A training loss or a trained weight is not finite; the message names the first such epoch and the settings.</exception>
    private static void ThrowIfDiverged(IReadOnlyList<EpochReport> curve, IReadOnlyList<double[]> trained, MlpHyperparameters h)
    {
        EpochReport? first = curve.FirstOrDefault(r => !double.IsFinite(r.TrainLoss));
        bool weightsFinite = trained.All(w => w.All(double.IsFinite));
        if (first is null && weightsFinite)
        {
            return;
        }

        string where = first is null
            ? "after training: the trained weights are not finite"
            : string.Create(CultureInfo.InvariantCulture, $"at epoch {first.Epoch} of {curve.Count} (training loss {first.TrainLoss})");
        throw new AutoML.TrialDivergedException(string.Create(
            CultureInfo.InvariantCulture,
            $"HyperGradMlp training diverged {where} (learning rate {h.LearningRate:G4}, momentum {h.Momentum:G4}, L2 {h.L2:G4}, batch size {h.BatchSize}); lower the learning rate or the momentum."));
    }

    /// <summary>Reads the usable rows: label present, every feature finite.</summary>
    private (float[] X, long[] Classes, float[] Targets, int Rows) ReadRows(IDataView input, ColumnCheck check)
    {
        int d = check.FeatureCount;
        var x = new List<float>();
        var classes = new List<long>();
        var targets = new List<float>();
        using DataViewRowCursor cursor = input.GetRowCursor([check.Features, check.Label]);
        ValueGetter<VBuffer<float>> getFeatures = cursor.GetGetter<VBuffer<float>>(check.Features);
        ValueGetter<uint>? getKey = Task == PredictionTask.MulticlassClassification ? cursor.GetGetter<uint>(check.Label) : null;
        ValueGetter<bool>? getBool = Task == PredictionTask.BinaryClassification ? cursor.GetGetter<bool>(check.Label) : null;
        ValueGetter<float>? getFloat = Task == PredictionTask.Regression ? cursor.GetGetter<float>(check.Label) : null;
        VBuffer<float> row = default;
        float[] dense = new float[d];
        int rows = 0;
        while (cursor.MoveNext())
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            long cls = 0;
            float target = 0;
            if (getKey is not null)
            {
                uint key = 0;
                getKey(ref key);
                if (key == 0)
                {
                    continue;
                }

                cls = key - 1;
            }
            else if (getBool is not null)
            {
                bool value = false;
                getBool(ref value);
                cls = value ? 1 : 0;
            }
            else
            {
                getFloat!(ref target);
                if (!float.IsFinite(target))
                {
                    continue;
                }
            }

            getFeatures(ref row);
            row.CopyTo(dense);
            if (!dense.All(float.IsFinite))
            {
                continue;
            }

            x.AddRange(dense);
            classes.Add(cls);
            targets.Add(target);
            rows++;
        }

        if (rows == 0)
        {
            throw new InvalidOperationException($"HyperGradMlp found no training row with a {TaskText} label in \"{LabelColumnName}\" and finite features in \"{FeatureColumnName}\".");
        }

        return ([.. x], [.. classes], [.. targets], rows);
    }

    private static void ScaleTargets(float[] targets, double mean, double scale)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = (float)((targets[i] - mean) / scale);
        }
    }

    /// <summary>Standardizes rows in place with given statistics.</summary>
    private static void Apply(float[] x, int rows, double[] means, double[] scales)
    {
        int d = means.Length;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)((x[(i * d) + j] - means[j]) / scales[j]);
            }
        }
    }

    /// <summary>Standardizes the features in place (population deviation; a constant feature is only centred).</summary>
    private static (double[] Means, double[] Scales) Standardize(float[] x, int rows, int d)
    {
        var means = new double[d];
        var scales = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += x[(i * d) + j];
            }

            double mean = sum / rows;
            double squares = 0;
            for (int i = 0; i < rows; i++)
            {
                double delta = x[(i * d) + j] - mean;
                squares += delta * delta;
            }

            double sd = Math.Sqrt(squares / rows);
            means[j] = mean;
            scales[j] = sd > 0 ? sd : 1;
            for (int i = 0; i < rows; i++)
            {
                x[(i * d) + j] = (float)((x[(i * d) + j] - mean) / scales[j]);
            }
        }

        return (means, scales);
    }

    /// <summary>
    /// Folds the standardizations into the network: first layer w ← w / s, b ← b − Σ w m / s; last layer (regression)
    /// w ← σ w, b ← σ b + μ. The network then takes raw features and predicts raw targets.
    /// </summary>
    private MlpNetwork Fold(int[] sizes, IReadOnlyList<double[]> trained, double[] means, double[] scales, double targetMean, double targetScale, string[] classNames)
    {
        int layers = sizes.Length - 1;
        var w = new double[layers][];
        var b = new double[layers][];
        for (int i = 0; i < layers; i++)
        {
            w[i] = (double[])trained[2 * i].Clone();
            b[i] = (double[])trained[(2 * i) + 1].Clone();
        }

        int inputs = sizes[0];
        for (int o = 0; o < sizes[1]; o++)
        {
            double shift = 0;
            for (int j = 0; j < inputs; j++)
            {
                double scaled = w[0][(o * inputs) + j] / scales[j];
                shift += scaled * means[j];
                w[0][(o * inputs) + j] = scaled;
            }

            b[0][o] -= shift;
        }

        if (Task == PredictionTask.Regression)
        {
            for (int k = 0; k < w[^1].Length; k++)
            {
                w[^1][k] *= targetScale;
            }

            for (int k = 0; k < b[^1].Length; k++)
            {
                b[^1][k] = (b[^1][k] * targetScale) + targetMean;
            }
        }

        return new MlpNetwork(
            Task,
            sizes,
            [.. w.Select(a => a.Select(v => (float)v).ToArray())],
            [.. b.Select(a => a.Select(v => (float)v).ToArray())],
            classNames);
    }

    /// <summary>
    /// The ML.NET chain that runs the network: copy the features, map, (multiclass) keep the score's first K slots
    /// and key the predicted class text, then drop the helper columns. Each step is fitted alone (the slot selection
    /// on one marker row whose first K slots are 1), so no training row is read again.
    /// </summary>
    private TransformerChain<ITransformer> BuildChain(MlpNetwork network, IDataView input, string[] classNames)
    {
        var ml = new MLContext(options.Seed);
        var steps = new List<ITransformer>();
        IDataView view = input;
        void Add(ITransformer step)
        {
            steps.Add(step);
            view = step.Transform(view);
        }

        Add(ml.Transforms.CopyColumns(MlpColumns.Features, FeatureColumnName).Fit(view));
        switch (Task)
        {
            case PredictionTask.Regression:
                Add(ml.Transforms.CustomMapping<MlpMappingInput, RegressionMlpOutput>(network.MapRegression, MlpColumns.RegressionContract).Fit(view));
                break;
            case PredictionTask.BinaryClassification:
                Add(ml.Transforms.CustomMapping<MlpMappingInput, BinaryMlpOutput>(network.MapBinary, MlpColumns.BinaryContract).Fit(view));
                break;
            default:
                Add(ml.Transforms.CustomMapping<MlpMappingInput, MulticlassMlpOutput>(network.MapMulticlass, MlpColumns.MulticlassContract).Fit(view));
                var marker = new MulticlassMlpOutput();
                Array.Fill(marker.Score, 1f, 0, classNames.Length);
                IDataView markerRow = ml.Data.LoadFromEnumerable([marker]);
                Add(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("Score", MlpColumns.PaddedScore, 1).Fit(markerRow));
                Add(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", MlpColumns.PredictedClass, keyData: ClassTexts(ml, classNames)).Fit(view));
                break;
        }

        Add(ml.Transforms.DropColumns(HelperColumns).Fit(view));
        return new TransformerChain<ITransformer>([.. steps]);
    }

    private string[] HelperColumns => Task == PredictionTask.MulticlassClassification
        ? [MlpColumns.Features, MlpColumns.PaddedScore, MlpColumns.PredictedClass]
        : [MlpColumns.Features];

    /// <summary>A one-column view of class texts in key order: MapValueToKey's key data.</summary>
    private static IDataView ClassTexts(MLContext ml, IEnumerable<string> classNames) => ml.Data.LoadFromEnumerable(classNames.Select(n => new ClassText { Value = n }));

    /// <summary>One class text, the single column of MapValueToKey's key data.</summary>
    private sealed class ClassText
    {
        public string Value { get; set; } = string.Empty;
    }

    /// <summary>Passes each completed epoch to the options' callback.</summary>
    private sealed class EpochProgress(Action<EpochReport> onEpoch) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.CompletedEpoch is { } epoch)
            {
                onEpoch(epoch);
            }
        }
    }
}
