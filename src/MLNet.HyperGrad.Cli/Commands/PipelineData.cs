using Microsoft.ML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>The data of a multi-trainer run: raw typed columns (<see cref="CsvDataViewReader"/>) for ML.NET's featurization, split as <see cref="TuneData"/> splits.</summary>
/// <remarks>Cross-validated (<see cref="Folds"/> ≥ 2), <see cref="Train"/> holds every row and <see cref="Validation"/> is null: <see cref="FoldViews"/> fold the rows, and each fold fits the featurization on its own training rows.</remarks>
internal sealed record PipelineData(IDataView Train, IDataView? Validation, IDataView? Test, TabularSchema Schema, string Description, int TrainRows, int ValidationRows)
{
    /// <summary>Gets the number of cross-validation folds, or 0 for a holdout split.</summary>
    public int Folds { get; init; }

    /// <summary>Gets the cross-validation folds (seeded; stratified by class for classification), or null for a holdout split.</summary>
    public IReadOnlyList<(IDataView Train, IDataView Validation)>? FoldViews { get; init; }

    /// <summary>Gets what the user should know about the data before tuning starts (too few validation rows), as <see cref="TuneData.Warnings"/> says it.</summary>
    public IReadOnlyList<string> Warnings => Folds < 2 && ValidationRows < TuneData.FewValidationRows
        ? [$"only {ValidationRows} validation row(s): each one moves the validation score by {100.0 / ValidationRows:0.#} %, so trials will tie or rank by chance; give more data or a --validation-dataset with at least {TuneData.FewValidationRows} rows"]
        : [];

    /// <summary>Gets how trials are scored, in words.</summary>
    public string Scheme { get; init; } = string.Empty;

    /// <summary>Reads the CSV (and the validation and test files), refusing fewer than <see cref="TuneData.MinimumRows"/> rows.</summary>
    public static PipelineData Load(TuneSettings settings)
    {
        var options = new CsvReadOptions
        {
            HasHeader = settings.HasHeader,
            LabelColumn = settings.LabelColumn,
            IgnoreColumns = settings.IgnoreColumns,
            Task = settings.Task,
            MissingValuePolicy = settings.MissingValues,
        };
        CsvDataViewSplit data;
        IDataView? validation;
        int validationRows;
        int validationDropped = 0;
        if (settings.ValidationDataset is { } validationPath)
        {
            data = CsvDataViewReader.Read(settings.Dataset, options);
            CsvDataViewRows read = CsvDataViewReader.ReadRows(validationPath, options, data.Schema);
            (validation, validationRows, validationDropped) = (read.View, read.RowCount, read.DroppedRows);
        }
        else
        {
            data = CsvDataViewReader.ReadSplit(settings.Dataset, options, TuneData.ValidationFraction, settings.Seed, stratify: settings.Task == TaskKind.Classification);
            (validation, validationRows) = (data.Validation, data.ValidationRows);
        }

        int rows = data.TrainRows + (settings.ValidationDataset is null ? validationRows : 0);
        if (rows < TuneData.MinimumRows)
        {
            throw new ArgumentException($"--dataset {Path.GetFileName(settings.Dataset)} has {rows} data row(s); tuning needs at least {TuneData.MinimumRows}.");
        }

        int folds = 0;
        if (settings.ValidationDataset is null)
        {
            folds = settings.CvFolds > rows
                ? throw new ArgumentException($"--cv-folds {settings.CvFolds}: the data has {rows} rows, and each fold needs at least one; give at most {rows} folds, or 0 for a holdout split.")
                : CrossValidation.FoldsFor(rows, settings.CvFolds);
        }

        CsvDataViewRows? testRead = settings.TestDataset is { } testPath ? CsvDataViewReader.ReadRows(testPath, options, data.Schema) : null;
        IDataView? test = testRead?.View;
        // Rows without a label (or, under --missing DropRow, with any missing value) are left out: say how many, in each file, so a
        // table that shrank, or a test metric over fewer rows than the file holds, is no surprise.
        string missing = settings.MissingValues == MissingValuePolicy.DropRow ? "value" : "label";
        string dropped = data.DroppedRows > 0 ? $", {data.DroppedRows} row(s) dropped for a missing {missing}" : string.Empty;
        string description = $"{Path.GetFileName(settings.Dataset)} ({rows} rows, {data.Schema.Columns.Count} columns, label \"{data.Schema.LabelColumn}\"{dropped})";
        if (validationDropped > 0)
        {
            description += $"; --validation-dataset {Path.GetFileName(settings.ValidationDataset)}: {validationRows} rows, {validationDropped} row(s) dropped for a missing {missing}";
        }

        if (testRead is { DroppedRows: > 0 })
        {
            description += $"; --test-dataset {Path.GetFileName(settings.TestDataset)}: {testRead.RowCount} rows, {testRead.DroppedRows} row(s) dropped for a missing {missing}";
        }
        if (folds >= 2)
        {
            CsvDataViewSplit all = CsvDataViewReader.Read(settings.Dataset, options);
            string why = settings.CvFolds is null ? $" (fewer than {CrossValidation.SmallDataRows} rows; --cv-folds 0 for a holdout split)" : string.Empty;
            return new PipelineData(all.Train, null, test, all.Schema, description, all.TrainRows, 0)
            {
                Folds = folds,
                FoldViews = CsvDataViewFolds.Split(all, folds, settings.Seed, stratify: settings.Task == TaskKind.Classification),
                Scheme = $"{folds}-fold cross-validation (seeded{(settings.Task == TaskKind.Classification ? ", stratified" : string.Empty)}) on {all.TrainRows:N0} rows{why}",
            };
        }

        return new PipelineData(data.Train, validation, test, data.Schema, description, data.TrainRows, validationRows)
        {
            Scheme = $"holdout: {data.TrainRows:N0} training and {validationRows:N0} validation rows",
        };
    }
}
