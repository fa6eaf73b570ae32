using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Data.Idx;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The data of a tensor-path run (Fashion-MNIST): train, validation, optional test; and the checks and constants a CSV run (<see cref="PipelineData"/>) shares.</summary>
/// <remarks>
/// Cross-validated (<see cref="Folds"/> ≥ 2), <see cref="Train"/> holds every row (the runner folds it) and
/// <see cref="Validation"/> none.
/// </remarks>
internal sealed record TuneData(TabularDataset Train, TabularDataset Validation, TabularDataset? Test, TabularSchema? Schema, string Description)
{
    /// <summary>Gets the number of cross-validation folds, or 0 for a holdout split.</summary>
    public int Folds { get; init; }

    /// <summary>Gets how trials are scored, in words, with why when it was chosen by the data's size.</summary>
    public string Scheme { get; init; } = string.Empty;

    /// <summary>Rows held out for validation when no validation file is given.</summary>
    public const double ValidationFraction = 0.2;

    /// <summary>The fewest data rows a CSV must have to be tuned on: fewer is refused with an error.</summary>
    public const int MinimumRows = 10;

    /// <summary>Below this many validation rows a warning says that scores are coarse (one row moves accuracy by more than 3 %).</summary>
    public const int FewValidationRows = 30;

    /// <summary>Gets what the user should know about the data before tuning starts (too few validation rows).</summary>
    public IReadOnlyList<string> Warnings => Folds < 2 && Validation.Rows < FewValidationRows
        ? [$"only {Validation.Rows} validation row(s): each one moves the validation score by {100.0 / Validation.Rows:0.#} %, so trials will tie or rank by chance; give more data or a --validation-dataset with at least {FewValidationRows} rows"]
        : [];

    /// <summary>Checks what can be checked before reading the data: the file exists and a label is named.</summary>
    public static void CheckArguments(TuneSettings settings)
    {
        if (settings.IsFashionMnist)
        {
            if (settings.Task != TaskKind.Classification)
            {
                throw new ArgumentException("fashion-mnist is a classification data set: use `hypergrad classification`.");
            }

            return;
        }

        if (!File.Exists(settings.Dataset))
        {
            throw new FileNotFoundException($"--dataset: no file \"{settings.Dataset}\" (give a CSV path, or fashion-mnist).");
        }

        if (string.IsNullOrWhiteSpace(settings.LabelColumn))
        {
            throw new ArgumentException("--label-col is required for a CSV data set: give the label column's name or 0-based index.");
        }
    }

    /// <summary>Reads Fashion-MNIST and splits off validation rows (or folds it); a CSV takes <see cref="PipelineData"/> instead.</summary>
    public static TuneData Load(TuneSettings settings)
    {
        CheckArguments(settings);
        if (settings.IsFashionMnist)
        {
            FashionMnistData data = FashionMnist.Load();
            const string Mnist = "Fashion-MNIST (10 classes, 28x28 images)";
            int mnistFolds = FoldsFor(settings, data.Train.Rows);
            if (mnistFolds >= 2)
            {
                return CrossValidated(settings, data.Train, data.Test, null, Mnist, mnistFolds);
            }

            TrainValidationSplit split = DatasetSplit.TrainValidation(data.Train, 1.0 / 6, settings.Seed);
            return Holdout(split.Train, split.Validation, data.Test, null, Mnist);
        }

        // A CSV takes PipelineTuneCommand: raw typed columns and ML.NET's featurization, not our tensor encoding.
        throw new InvalidOperationException($"The tensor path tunes only fashion-mnist; a CSV run ({settings.Dataset}) takes the ML.NET pipeline path.");
    }

    /// <summary>The folds for the data's rows (<see cref="CrossValidation.FoldsFor"/>), with the flag's name in the error.</summary>
    private static int FoldsFor(TuneSettings settings, int rows) => settings.CvFolds > rows
        ? throw new ArgumentException($"--cv-folds {settings.CvFolds}: the data has {rows} rows, and each fold needs at least one; give at most {rows} folds, or 0 for a holdout split.")
        : CrossValidation.FoldsFor(rows, settings.CvFolds);

    private static TuneData Holdout(TabularDataset train, TabularDataset validation, TabularDataset? test, TabularSchema? schema, string description) =>
        new(train, validation, test, schema, description) { Scheme = $"holdout: {train.Rows:N0} training and {validation.Rows:N0} validation rows" };

    private static TuneData CrossValidated(TuneSettings settings, TabularDataset all, TabularDataset? test, TabularSchema? schema, string description, int folds)
    {
        string why = settings.CvFolds is null ? $" (fewer than {CrossValidation.SmallDataRows} rows; --cv-folds 0 for a holdout split)" : string.Empty;
        string stratified = all.Task == TaskKind.Classification ? "stratified, " : string.Empty;
        return new TuneData(all, all.Subset([]), test, schema, description)
        {
            Folds = folds,
            Scheme = $"{folds}-fold cross-validation ({stratified}seeded) on {all.Rows:N0} rows{why}",
        };
    }
}
