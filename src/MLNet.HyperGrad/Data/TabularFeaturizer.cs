using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.HyperGrad.Data.Csv;

namespace MLNet.HyperGrad.Data;

/// <summary>
/// The ML.NET featurization of a CSV's raw columns (<see cref="CsvDataViewReader"/>): missing numbers
/// replaced by the training mean, categoricals one-hot encoded, everything concatenated into
/// <see cref="FeaturesColumn"/> and normalized to zero mean and unit variance, and the label made what
/// ML.NET's trainers expect in <see cref="LabelColumn"/>.
/// </summary>
/// <remarks>
/// Fit it on the training rows only; the fitted transformer is the front of the saved model, so a consumer
/// feeds raw rows. A categorical cell that is missing or was not seen in training encodes as all zeros
/// (ML.NET's one-hot encoding), where <see cref="CsvReader"/>'s own encoding imputes the most frequent category.
/// </remarks>
public static class TabularFeaturizer
{
    /// <summary>The feature vector's column: <c>Features</c>.</summary>
    public const string FeaturesColumn = "Features";

    /// <summary>The label's column for the trainer: <c>Label</c>.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Creates the featurization estimator for a schema.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="schema">The schema of the raw columns.</param>
    /// <param name="binaryLabel">
    /// For a two-class classification schema, whether the label becomes a <c>Boolean</c> (true for the second class,
    /// <c>schema.ClassNames[1]</c>) for ML.NET's binary trainers; otherwise a classification label becomes a key whose
    /// values are <see cref="TabularSchema.ClassNames"/> in order (multiclass trainers). A regression label is copied to
    /// <see cref="LabelColumn"/> as it is.
    /// </param>
    /// <returns>An estimator chain: ReplaceMissingValues (mean), OneHotEncoding, Concatenate, NormalizeMeanVariance, then the label's conversion.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="binaryLabel"/> is true and the schema is not a two-class classification.</exception>
    public static IEstimator<ITransformer> Create(MLContext mlContext, TabularSchema schema, bool binaryLabel = false)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(schema);
        if (binaryLabel && (schema.Task != TaskKind.Classification || schema.ClassNames.Count != 2))
        {
            throw new ArgumentException($"A Boolean label needs a two-class classification; the schema is {schema.Task.ToString().ToLowerInvariant()} with {schema.ClassNames.Count} classes.", nameof(binaryLabel));
        }

        InputOutputColumnPair[] numeric = [.. schema.Columns.Where(c => c.Kind == ColumnKind.Numeric).Select(c => new InputOutputColumnPair(c.Name))];
        InputOutputColumnPair[] categorical = [.. schema.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => new InputOutputColumnPair(c.Name))];
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (numeric.Length > 0)
        {
            chain = chain.Append(mlContext.Transforms.ReplaceMissingValues(numeric, MissingValueReplacingEstimator.ReplacementMode.Mean));
        }

        if (categorical.Length > 0)
        {
            chain = chain.Append(mlContext.Transforms.Categorical.OneHotEncoding(categorical, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue));
        }

        chain = chain
            .Append(mlContext.Transforms.Concatenate(FeaturesColumn, [.. schema.Columns.Select(c => c.Name)]))
            .Append(mlContext.Transforms.NormalizeMeanVariance(FeaturesColumn));
        if (schema.Task == TaskKind.Regression)
        {
            return chain.Append(mlContext.Transforms.CopyColumns(LabelColumn, schema.LabelColumn));
        }

        if (binaryLabel)
        {
            var positive = new Dictionary<string, bool> { [schema.ClassNames[0]] = false, [schema.ClassNames[1]] = true };
            return chain.Append(mlContext.Transforms.Conversion.MapValue(LabelColumn, positive, schema.LabelColumn));
        }

        // The key's values are the schema's classes in order (numeric order for numeric labels), not the order rows happen to come in.
        IDataView classes = ColumnarDataView.OfText(schema.LabelColumn, schema.ClassNames);
        return chain.Append(mlContext.Transforms.Conversion.MapValueToKey(LabelColumn, schema.LabelColumn, keyData: classes));
    }
}
