using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The data of a tuning run: train, validation, optional test, and how CSV rows were encoded.</summary>
internal sealed record TuneData(TabularDataset Train, TabularDataset Validation, TabularDataset? Test, TabularSchema? Schema, string Description)
{
    /// <summary>Rows held out for validation when no validation file is given.</summary>
    public const double ValidationFraction = 0.2;

    public static TuneData Load(TuneSettings settings)
    {
        if (settings.IsFashionMnist)
        {
            if (settings.Task != TaskKind.Classification)
            {
                throw new ArgumentException("fashion-mnist is a classification data set: use `hypergrad classification`.");
            }

            FashionMnistData data = FashionMnist.Load();
            TrainValidationSplit split = DatasetSplit.TrainValidation(data.Train, 1.0 / 6, settings.Seed);
            return new TuneData(split.Train, split.Validation, data.Test, null, "Fashion-MNIST (10 classes, 28x28 images)");
        }

        if (!File.Exists(settings.Dataset))
        {
            throw new FileNotFoundException($"--dataset: no file \"{settings.Dataset}\" (give a CSV path, or fashion-mnist).");
        }

        if (string.IsNullOrWhiteSpace(settings.LabelColumn))
        {
            throw new ArgumentException("--label-col is required for a CSV data set: give the label column's name or 0-based index.");
        }

        var options = new CsvReadOptions
        {
            HasHeader = settings.HasHeader,
            LabelColumn = settings.LabelColumn,
            IgnoreColumns = settings.IgnoreColumns,
            Task = settings.Task,
            MissingValuePolicy = settings.MissingValues,
        };
        TabularDataset trainData;
        TabularDataset validation;
        TabularSchema schema;
        if (settings.ValidationDataset is { } validationPath)
        {
            CsvDataset train = CsvReader.Read(settings.Dataset, options);
            (trainData, schema) = (train.Dataset, train.Schema);
            validation = CsvReader.Read(validationPath, options, schema).Dataset;
        }
        else
        {
            // Split before fitting: imputation values and categories come from the training rows only.
            CsvSplitDataset split = CsvReader.ReadSplit(settings.Dataset, options, ValidationFraction, settings.Seed, stratify: settings.Task == TaskKind.Classification);
            (trainData, validation, schema) = (split.Split.Train, split.Split.Validation, split.Schema);
        }

        TabularDataset? test = settings.TestDataset is { } testPath ? CsvReader.Read(testPath, options, schema).Dataset : null;
        int rows = trainData.Rows + (settings.ValidationDataset is null ? validation.Rows : 0);
        string description = $"{Path.GetFileName(settings.Dataset)} ({rows} rows, {trainData.FeatureCount} features, label \"{schema.LabelColumn}\")";
        return new TuneData(trainData, validation, test, schema, description);
    }
}
