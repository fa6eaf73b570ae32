using Microsoft.ML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Estimators;

/// <summary>
/// One trainer family a tuner can tune: its name, the tasks it suits, its search space, and how to build its
/// ML.NET trainer for a task from a point of that space (as AutoML's sweepable estimators do).
/// </summary>
/// <remarks>
/// The ready ones are in <see cref="TunableTrainers"/>. A trainer is immutable and thread-safe:
/// <see cref="CreateSearchSpace"/> returns a new space on each call, which the caller may narrow.
/// </remarks>
public sealed class TunableTrainer
{
    private readonly Func<SearchSpace> createSearchSpace;
    private readonly Func<MLContext, PredictionTask, Parameter, string, string, IEstimator<ITransformer>> createEstimator;

    /// <summary>Describes a trainer family.</summary>
    /// <param name="name">Its short lowercase name, such as "lightgbm".</param>
    /// <param name="tasks">The tasks it can train; at least one.</param>
    /// <param name="createSearchSpace">Returns a new search space of its hyperparameters on each call.</param>
    /// <param name="createEstimator">Builds the trainer: context, task (one of <paramref name="tasks"/>), a point of the space, label column, feature column.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or <paramref name="tasks"/> is empty.</exception>
    public TunableTrainer(
        string name,
        IEnumerable<PredictionTask> tasks,
        Func<SearchSpace> createSearchSpace,
        Func<MLContext, PredictionTask, Parameter, string, string, IEstimator<ITransformer>> createEstimator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(createSearchSpace);
        ArgumentNullException.ThrowIfNull(createEstimator);
        Name = name;
        Tasks = Array.AsReadOnly([.. tasks.Distinct()]);
        if (Tasks.Count == 0)
        {
            throw new ArgumentException($"The trainer \"{name}\" must suit at least one task.", nameof(tasks));
        }

        this.createSearchSpace = createSearchSpace;
        this.createEstimator = createEstimator;
    }

    /// <summary>Gets the trainer's short lowercase name ("lightgbm", "fasttree", "fastforest", "sdca", "lbfgs", "mlp").</summary>
    public string Name { get; }

    /// <summary>Gets the tasks the trainer can train.</summary>
    public IReadOnlyList<PredictionTask> Tasks { get; }

    /// <summary>Gets whether the trainer can train a task.</summary>
    /// <param name="task">The task.</param>
    /// <returns>True when <see cref="Tasks"/> holds it.</returns>
    public bool Supports(PredictionTask task) => Tasks.Contains(task);

    /// <summary>Creates the search space of the trainer's hyperparameters; a new instance on each call.</summary>
    /// <returns>The space; its <see cref="SearchSpace.Default"/> is AutoML's starting point.</returns>
    public SearchSpace CreateSearchSpace() => createSearchSpace();

    /// <summary>Builds the ML.NET trainer for a task with the given hyperparameters.</summary>
    /// <param name="mlContext">The context the trainer is created in (and cancelled through).</param>
    /// <param name="task">The task; one of <see cref="Tasks"/>.</param>
    /// <param name="parameter">A point of <see cref="CreateSearchSpace"/>: an object with its keys.</param>
    /// <param name="labelColumnName">The label column: Boolean for binary, a key for multiclass, Single for regression.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <returns>The trainer, ready to append to a pipeline.</returns>
    /// <exception cref="ArgumentException">The trainer does not suit <paramref name="task"/>, or <paramref name="parameter"/> is not a point of its space.</exception>
    public IEstimator<ITransformer> CreateEstimator(MLContext mlContext, PredictionTask task, Parameter parameter, string labelColumnName = "Label", string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        if (!Supports(task))
        {
            throw new ArgumentException($"The trainer \"{Name}\" does not train {task}; it trains {string.Join(", ", Tasks)}.", nameof(task));
        }

        SearchSpace space = CreateSearchSpace();
        if (parameter.ParameterType != ParameterType.Object || space.Keys.FirstOrDefault(k => !parameter.ContainsKey(k)) is { } missing)
        {
            throw new ArgumentException($"The hyperparameters of \"{Name}\" must be an object with the keys {string.Join(", ", space.Keys)}; got {parameter}.", nameof(parameter));
        }

        try
        {
            return createEstimator(mlContext, task, parameter, labelColumnName, featureColumnName);
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"The hyperparameters of \"{Name}\" do not fit its space: {ex.Message}", nameof(parameter), ex);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
