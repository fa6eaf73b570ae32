using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Training;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>
/// Real scikit-learn data sets exported to CSV through /usr/bin/python3 (python3-sklearn), and small
/// MLPs trained on them once per test class: a wine classifier and a diabetes regressor.
/// </summary>
public sealed class SklearnModelsFixture : IDisposable
{
    // wine.csv puts the label first, so that a header-less file without it shifts every feature.
    private const string Exporter = """
        import csv, sys
        from sklearn.datasets import load_wine, load_diabetes
        out = sys.argv[1]
        w = load_wine()
        names = list(w.feature_names)
        rows = [[repr(float(v)) for v in row] for row in w.data]
        labels = [str(w.target_names[t]) for t in w.target]
        with open(out + "/wine.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["cultivar"] + names)
            for label, row in zip(labels, rows):
                writer.writerow([label] + row)
        with open(out + "/wine_features.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(names[::-1])
            for row in rows:
                writer.writerow(row[::-1])
        with open(out + "/wine_features_noheader.csv", "w", newline="") as f:
            writer = csv.writer(f)
            for row in rows:
                writer.writerow(row)
        d = load_diabetes()
        with open(out + "/diabetes.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(d.feature_names) + ["progression"])
            for row, t in zip(d.data, d.target):
                writer.writerow([repr(float(v)) for v in row] + [repr(float(t))])
        """;

    private readonly TempDirectory temp = new();

    public SklearnModelsFixture()
    {
        SklearnCsv.RunPython(Exporter, temp.Path);

        Wine = Fit(
            CsvReader.Read(File("wine.csv"), new CsvReadOptions { LabelColumn = "cultivar" }),
            hidden: 16,
            new TrainingOptions { Epochs = 30, BatchSize = 16, LearningRate = 0.05, Seed = 3 });
        Diabetes = Fit(
            CsvReader.Read(File("diabetes.csv"), new CsvReadOptions { LabelColumn = "progression", Task = TaskKind.Regression }),
            hidden: 32,
            new TrainingOptions { Epochs = 150, BatchSize = 32, Optimizer = OptimizerKind.Adam, LearningRate = 0.05, Loss = LossKind.MeanSquaredError, Seed = 3 });
    }

    /// <summary>Gets the wine classifier: 13 features, 3 cultivars.</summary>
    public TrainedMlp Wine { get; }

    /// <summary>Gets the diabetes regressor: 10 features, disease progression after one year.</summary>
    public TrainedMlp Diabetes { get; }

    public string File(string name) => temp.File(name);

    public void Dispose()
    {
        Wine.Dispose();
        Diabetes.Dispose();
        temp.Dispose();
    }

    private static TrainedMlp Fit(CsvDataset csv, int hidden, TrainingOptions options)
    {
        TrainValidationSplit split = DatasetSplit.TrainValidation(csv.Dataset, 0.25, seed: 7);
        Standardizer standardizer = Standardizer.Fit(split.Train);
        TabularDataset train = standardizer.Transform(split.Train);
        var mlp = new Mlp([train.FeatureCount, hidden, Math.Max(train.ClassCount, 1)]);
        using var generator = new torch.Generator(11);
        ParameterSet weights = mlp.CreateParameters(generator);
        using (TensorDataset tensors = train.ToTensors())
        {
            new Trainer(mlp, options).Fit(weights, tensors.Features, tensors.Labels);
        }

        TrainedModel model = TrainedModel.FromParameters(
            mlp, weights, csv.Dataset.Task, csv.Dataset.FeatureNames, csv.Dataset.ClassNames, TestModels.Metadata, csv.Schema, standardizer);
        return new TrainedMlp(mlp, weights, model, split, standardizer);
    }
}
