using Microsoft.ML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>
/// One of ML.NET's trainers made tunable: an <see cref="ITunableEstimator"/> that builds the trainer of a
/// <see cref="TunableTrainer"/> from its current <see cref="Parameter"/> at each <see cref="Fit"/>. Created by
/// <c>mlContext.MulticlassClassification.Trainers.Tunable(TunableTrainers.LightGbm)</c> and its binary and
/// regression siblings, it ends a pipeline that <c>.WithHyperGrad()</c> tunes.
/// </summary>
/// <remarks>
/// <para>Without tuning it trains at <see cref="Parameter"/>, which starts at the search space's default
/// (AutoML's starting point) and can be set to any point of <see cref="SearchSpace"/>.</para>
/// <para>ML.NET keeps a catalog's <see cref="MLContext"/> internal, so the trainer is created in a context of
/// its own, seeded with <see cref="Seed"/>; while <c>.WithHyperGrad()</c> tunes, each trial's trainer is created
/// in the trial's seeded context instead, through which the trial is cancelled.</para>
/// <para>Not thread-safe: one <see cref="Fit"/> at a time (the tuning loop runs one trial at a time).</para>
/// </remarks>
public sealed class TunableTrainerEstimator : ITunableEstimator
{
    private Parameter parameter;

    /// <summary>Wraps a trainer family for a task.</summary>
    /// <param name="trainer">The trainer family, such as <see cref="TunableTrainers.LightGbm"/>.</param>
    /// <param name="task">The task; the trainer must support it.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="seed">Seeds the context the trainer is created in outside tuning.</param>
    /// <exception cref="ArgumentException">The trainer does not support the task, or a column name is blank.</exception>
    public TunableTrainerEstimator(TunableTrainer trainer, PredictionTask task, string labelColumnName = "Label", string featureColumnName = "Features", int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        if (!trainer.Supports(task))
        {
            throw new ArgumentException($"The trainer \"{trainer.Name}\" does not train {task}; it trains {string.Join(", ", trainer.Tasks)}.", nameof(task));
        }

        Trainer = trainer;
        Task = task;
        LabelColumnName = labelColumnName;
        FeatureColumnName = featureColumnName;
        Seed = seed;
        SearchSpace = trainer.CreateSearchSpace();
        parameter = SearchSpace.SampleFromFeatureSpace(SearchSpace.Default);
    }

    /// <summary>Gets the trainer family.</summary>
    public TunableTrainer Trainer { get; }

    /// <summary>Gets the task.</summary>
    public PredictionTask Task { get; }

    /// <summary>Gets the label column.</summary>
    public string LabelColumnName { get; }

    /// <summary>Gets the feature column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the seed of the context the trainer is created in outside tuning.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public SearchSpace SearchSpace { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The value is not a point of <see cref="SearchSpace"/> (a key missing, a value out of its range); the message names the key.</exception>
    public Parameter Parameter
    {
        get => parameter;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _ = SearchSpace.MappingToFeatureSpace(value);
            parameter = value;
        }
    }

    /// <summary>Gets or sets the context of the trial being tuned, or null outside tuning (then a context seeded with <see cref="Seed"/> is used).</summary>
    internal MLContext? TrialContext { get; set; }

    /// <summary>Builds the trainer at the current <see cref="Parameter"/> and fits it.</summary>
    /// <param name="input">Rows with the label and feature columns.</param>
    /// <returns>ML.NET's prediction transformer of the trainer.</returns>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CreateEstimator().Fit(input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => CreateEstimator().GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public override string ToString() => $"{Trainer.Name} ({Task}) at {Parameter}";

    private IEstimator<ITransformer> CreateEstimator() =>
        Trainer.CreateEstimator(TrialContext ?? new MLContext(Seed), Task, Parameter, LabelColumnName, FeatureColumnName);
}
