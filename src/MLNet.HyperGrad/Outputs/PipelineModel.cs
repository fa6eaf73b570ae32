using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Csv;
using MLNet.HyperGrad.Estimators;

namespace MLNet.HyperGrad.Outputs;

/// <summary>
/// The model a CSV run saves: its pipeline (featurization and trainer) fitted on the training rows, followed by the
/// mapping of <c>PredictedLabel</c> back to the data's class names, so that a consumer feeds raw rows and reads
/// class names.
/// </summary>
public static class PipelineModel
{
    /// <summary>The model file's name in the output folder: <c>model.zip</c>.</summary>
    public const string FileName = "model.zip";

    /// <summary>The column of the predicted class (classification): a key or a Boolean from the trainer, the class name in the saved model.</summary>
    public const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>Fits a pipeline and, for classification, appends the mapping of its predictions to class names.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="pipeline">The pipeline: featurization (<see cref="TabularFeaturizer"/>) and a trainer.</param>
    /// <param name="train">The rows to fit on, raw columns (<see cref="CsvDataViewReader"/>).</param>
    /// <param name="schema">The data's schema; its class names name a Boolean prediction (false: the first class, true: the second).</param>
    /// <returns>The fitted model. For classification its <see cref="PredictedLabelColumn"/> is text: the class name.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">A classification pipeline's output has no <see cref="PredictedLabelColumn"/>.</exception>
    public static ITransformer Fit(MLContext mlContext, IEstimator<ITransformer> pipeline, IDataView train, TabularSchema schema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(schema);
        return WithClassNames(mlContext, pipeline.Fit(train), train, schema);
    }

    /// <summary>Appends to a fitted classification pipeline the mapping of its predictions to class names; a regression model is returned as it is.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="fitted">The fitted pipeline, whose <see cref="PredictedLabelColumn"/> is a key (multiclass) or a Boolean (binary).</param>
    /// <param name="train">Rows the pipeline transforms (the mapping is fitted on their output schema).</param>
    /// <param name="schema">The data's schema.</param>
    /// <returns>The model whose <see cref="PredictedLabelColumn"/> is the class name.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">A classification pipeline's output has no <see cref="PredictedLabelColumn"/>.</exception>
    public static ITransformer WithClassNames(MLContext mlContext, ITransformer fitted, IDataView train, TabularSchema schema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.Task == TaskKind.Regression)
        {
            return fitted;
        }

        IDataView scored = fitted.Transform(train);
        DataViewSchema.Column predicted = scored.Schema.GetColumnOrNull(PredictedLabelColumn)
            ?? throw new InvalidOperationException($"The pipeline's output has no {PredictedLabelColumn} column; its columns are {string.Join(", ", scored.Schema.Select(c => c.Name))}.");
        IEstimator<ITransformer> toNames = predicted.Type is BooleanDataViewType
            ? mlContext.Transforms.Conversion.MapValue(PredictedLabelColumn, new Dictionary<bool, string> { [false] = schema.ClassNames[0], [true] = schema.ClassNames[1] }, PredictedLabelColumn)
            : mlContext.Transforms.Conversion.MapKeyToValue(PredictedLabelColumn);
        return new TransformerChain<ITransformer>(fitted, toNames.Fit(scored));
    }

    /// <summary>Scores a fitted pipeline (before <see cref="WithClassNames"/>) on rows with ML.NET's evaluator for the task.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="fitted">The fitted pipeline: featurization (which makes <see cref="TabularFeaturizer.LabelColumn"/>) and trainer.</param>
    /// <param name="data">Raw rows with their labels, such as a test file (<see cref="CsvDataViewReader.Read(string, CsvReadOptions, TabularSchema)"/>).</param>
    /// <param name="task">The task, which picks the evaluator.</param>
    /// <param name="metric">The metric to return.</param>
    /// <returns>The metric's value on the rows.</returns>
    /// <exception cref="InvalidOperationException">The evaluator does not compute the metric for this pipeline (binary log-loss without a <c>Probability</c> column).</exception>
    public static double Score(MLContext mlContext, ITransformer fitted, IDataView data, PredictionTask task, EvaluationMetric metric)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(fitted);
        ArgumentNullException.ThrowIfNull(data);
        return MetricEvaluator.Pick(MetricEvaluator.Evaluate(mlContext, fitted.Transform(data), task, TabularFeaturizer.LabelColumn), metric, task);
    }

    /// <summary>Saves a model to a file with <see cref="HyperGradModel.Save"/> (the pipeline and any HyperGradMlp network's weights), replacing the file whole: a failure leaves the previous file.</summary>
    /// <remarks>Load it with <see cref="HyperGradModel.Load"/>.</remarks>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="model">The model (<see cref="Fit"/>).</param>
    /// <param name="inputSchema">The raw columns' schema.</param>
    /// <param name="path">The file, usually <c>&lt;output&gt;/model.zip</c>.</param>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Save(MLContext mlContext, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = full + ".saving";
        try
        {
            HyperGradModel.Save(mlContext, model, inputSchema, temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
