using Microsoft.ML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Estimators.Mapping;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The HyperGradMlp trainer: an ML.NET estimator that trains a multilayer perceptron with TorchSharp and returns a <see cref="HyperGradMlpTransformer"/>.</summary>
/// <remarks>
/// <para>Created by <c>mlContext.MulticlassClassification.Trainers.HyperGradMlp(...)</c>, and likewise on
/// <c>BinaryClassification</c> and <c>Regression</c>. It appends to any pipeline: it reads the features column
/// (a known-size vector of Single) and the label (a key for multiclass, Boolean for binary, Single for regression),
/// skipping rows whose label is missing or whose features are not all finite, and adds ML.NET's output columns.</para>
/// <para>Training: features standardized with the training rows' mean and population deviation; ReLU hidden layers
/// initialized as PyTorch's Linear from <see cref="HyperGradMlpOptions.Seed"/>; minibatch SGD with momentum and L2
/// (<see cref="Training.Trainer"/>); cross-entropy for classification (two logits for binary), mean squared error on
/// standardized targets for regression. On the CPU the same seed, data and thread count give the same model.</para>
/// <para>As an <see cref="ITunableEstimator"/> its <see cref="SearchSpace"/> is <see cref="MlpHyperparameters"/>'s, widened
/// where needed to contain the options' values, which are its defaults.</para>
/// </remarks>
public sealed partial class HyperGradMlpTrainer : ITunableEstimator
{
    private readonly HyperGradMlpOptions options;
    private Parameter parameter;

    internal HyperGradMlpTrainer(PredictionTask task, HyperGradMlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Task = task;
        this.options = options.Clone();
        SearchSpace = CreateSearchSpace(this.options);
        parameter = SearchSpace.SampleFromFeatureSpace(SearchSpace.Default);
    }

    /// <summary>Gets the task.</summary>
    public PredictionTask Task { get; }

    /// <summary>Gets the label column's name.</summary>
    public string LabelColumnName => options.LabelColumnName;

    /// <summary>Gets the features column's name.</summary>
    public string FeatureColumnName => options.FeatureColumnName;

    /// <inheritdoc />
    public SearchSpace SearchSpace { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The value lacks a key of <see cref="SearchSpace"/> or lies outside it.</exception>
    public Parameter Parameter
    {
        get => parameter;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            MlpHyperparameters.From(value);
            SearchSpace.MappingToFeatureSpace(value);
            parameter = value;
        }
    }

    /// <summary>Gets the hyperparameters the next <see cref="Fit"/> uses (from <see cref="Parameter"/>).</summary>
    public MlpHyperparameters Hyperparameters => MlpHyperparameters.From(parameter);

    /// <summary>Trains the network on every usable row of <paramref name="input"/>.</summary>
    /// <param name="input">The training data, with the features and label columns.</param>
    /// <returns>The trained transformer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it, its type and the fix.</exception>
    /// <exception cref="InvalidOperationException">No row has a label and finite features.</exception>
    /// <exception cref="OperationCanceledException"><see cref="HyperGradMlpOptions.CancellationToken"/> was cancelled.</exception>
    public HyperGradMlpTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnCheck check = CheckSchema(input.Schema, nameof(input));
        return Train(input, check);
    }

    /// <inheritdoc />
    ITransformer IEstimator<ITransformer>.Fit(IDataView input) => Fit(input);

    /// <summary>Gets the schema the trained transformer produces: the input's columns plus <c>Score</c>, <c>PredictedLabel</c> and (binary) <c>Probability</c>.</summary>
    /// <param name="inputSchema">The input's shape.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckShape(inputSchema);
        var ml = new MLContext(options.Seed);
        SchemaShape shape = ml.Transforms.CopyColumns(MlpColumns.Features, FeatureColumnName).GetOutputSchema(inputSchema);
        switch (Task)
        {
            case PredictionTask.Regression:
                shape = ml.Transforms.CustomMapping<MlpMappingInput, RegressionMlpOutput>(static (_, _) => { }, MlpColumns.RegressionContract).GetOutputSchema(shape);
                break;
            case PredictionTask.BinaryClassification:
                shape = ml.Transforms.CustomMapping<MlpMappingInput, BinaryMlpOutput>(static (_, _) => { }, MlpColumns.BinaryContract).GetOutputSchema(shape);
                break;
            default:
                shape = ml.Transforms.CustomMapping<MlpMappingInput, MulticlassMlpOutput>(static (_, _) => { }, MlpColumns.MulticlassContract).GetOutputSchema(shape);
                shape = ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("Score", MlpColumns.PaddedScore, 1).GetOutputSchema(shape);
                shape = ml.Transforms.Conversion.MapValueToKey("PredictedLabel", MlpColumns.PredictedClass, keyData: ClassTexts(ml, ["0", "1"])).GetOutputSchema(shape);
                break;
        }

        return ml.Transforms.DropColumns(HelperColumns).GetOutputSchema(shape);
    }

    private static SearchSpace CreateSearchSpace(HyperGradMlpOptions o)
    {
        SearchSpace space = MlpTrialRunner.CreateSearchSpace(Math.Max(20, o.Epochs), Math.Max(512, o.HiddenWidth));
        Widen(space, "learning_rate", o.LearningRate);
        Widen(space, "momentum", o.Momentum);
        Widen(space, "l2", o.L2);
        Widen(space, "hidden_width", o.HiddenWidth);
        Widen(space, "depth", o.Depth);
        Widen(space, "epochs", o.Epochs);
        var batch = (ChoiceOption)space["batch_size"];
        object[] choices = [.. batch.Choices.Select(c => Convert.ToInt32(c, System.Globalization.CultureInfo.InvariantCulture)).Append(o.BatchSize).Distinct().Order().Cast<object>()];
        space["batch_size"] = new ChoiceOption(choices, o.BatchSize);
        return space;
    }

    /// <summary>Replaces a numeric option by one of the same scale whose range contains <paramref name="value"/> and whose default is it.</summary>
    private static void Widen(SearchSpace space, string key, double value)
    {
        switch (space[key])
        {
            case UniformDoubleOption d:
                double min = Math.Min(d.Min, value);
                space[key] = new UniformDoubleOption(d.LogBase && min <= 0 ? value : min, Math.Max(d.Max, value), d.LogBase && min > 0, value);
                break;
            case UniformIntOption i:
                space[key] = new UniformIntOption((int)Math.Min(i.Min, value), (int)Math.Max(i.Max, value), i.LogBase && Math.Min(i.Min, value) > 0, (int)value);
                break;
            case ChoiceOption c:
                space[key] = new ChoiceOption([.. c.Choices.Append((int)value).Distinct()], (int)value);
                break;
            default:
                throw new InvalidOperationException($"The MLP search space's option \"{key}\" is a {space[key].GetType().Name}; expected a numeric range.");
        }
    }
}
