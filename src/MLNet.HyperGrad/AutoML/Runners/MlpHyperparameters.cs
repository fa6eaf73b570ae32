using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.AutoML.Runners;

/// <summary>The hyperparameters <see cref="MlpTrialRunner"/> tunes, each described once by its search-space attribute.</summary>
/// <remarks>
/// <para>This class is the MLP's search space, as ML.NET's option classes are: <c>new SearchSpace&lt;MlpHyperparameters&gt;()</c>
/// builds it from the attributes, a trial's parameter converts back with
/// <c>parameter.AsType&lt;MlpHyperparameters&gt;()</c>, and the study's description of the space, the report's
/// axes (log or linear) and the command line's formatting all derive from the attributes. Adding a
/// hyperparameter is one attributed property here (and its use in the runner).</para>
/// <para>Keys are the <see cref="JsonPropertyNameAttribute"/> names (<c>learning_rate</c>), which studies
/// store. <see cref="MlpTrialRunner.CreateSearchSpace"/> narrows epochs and hidden width to a caller's limits.</para>
/// </remarks>
public sealed record MlpHyperparameters
{
    private static readonly SearchSpace<MlpHyperparameters> Space = new();

    /// <summary>Gets or sets SGD's learning rate.</summary>
    [JsonPropertyName("learning_rate")]
    [Range(1e-4, 0.5, init: 0.05, logBase: true)]
    public double LearningRate { get; set; }

    /// <summary>Gets or sets SGD's momentum.</summary>
    [JsonPropertyName("momentum")]
    [Range(0.0, 0.99, init: 0.9)]
    public double Momentum { get; set; }

    /// <summary>Gets or sets the L2 coefficient (weight decay).</summary>
    [JsonPropertyName("l2")]
    [Range(1e-7, 1e-2, init: 1e-5, logBase: true)]
    public double L2 { get; set; }

    /// <summary>Gets or sets the units per hidden layer.</summary>
    [JsonPropertyName("hidden_width")]
    [Range(16, 512, init: 128, logBase: true)]
    public int HiddenWidth { get; set; }

    /// <summary>Gets or sets the number of hidden layers.</summary>
    [JsonPropertyName("depth")]
    [Range(1, 3, init: 2)]
    public int Depth { get; set; }

    /// <summary>Gets or sets the minibatch size.</summary>
    [JsonPropertyName("batch_size")]
    [Choice([32, 64, 128, 256], 256)]
    public int BatchSize { get; set; }

    /// <summary>Gets or sets the passes over the training data.</summary>
    [JsonPropertyName("epochs")]
    [Range(1, 20, init: 1)]
    public int Epochs { get; set; }

    /// <summary>Gets the defaults the attributes declare: the study's cheap starting point, which a new study runs as its first trial.</summary>
    /// <value>A new instance on every call: learning rate 0.05, momentum 0.9, L2 1e-5, 2 hidden layers of 128, batch 256, 1 epoch.</value>
    public static MlpHyperparameters Default => Space.SampleFromFeatureSpace(Space.Default).AsType<MlpHyperparameters>();

    /// <summary>Reads the hyperparameters from the object a search space from <see cref="MlpTrialRunner.CreateSearchSpace"/> samples.</summary>
    /// <param name="parameter">An object with every key of <c>SearchSpace&lt;MlpHyperparameters&gt;</c> (learning_rate, momentum, l2, hidden_width, depth, batch_size, epochs).</param>
    /// <returns>The hyperparameters.</returns>
    /// <exception cref="ArgumentException">A key is missing or unknown, a value has the wrong kind, or a value is out of the range the runner can train with.</exception>
    public static MlpHyperparameters From(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException($"The MLP trial's parameter must be an object with keys {string.Join(", ", Space.Keys)}; got {parameter}.", nameof(parameter));
        }

        if (Space.Keys.FirstOrDefault(key => !parameter.ContainsKey(key)) is { } missing)
        {
            throw new ArgumentException($"The MLP trial's parameter has no \"{missing}\"; it has {string.Join(", ", parameter.Keys)}.", nameof(parameter));
        }

        MlpHyperparameters h;
        try
        {
            h = parameter.AsType<MlpHyperparameters>();
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"The MLP trial's parameter does not fit its hyperparameters: {ex.Message}", nameof(parameter), ex);
        }

        if (!(h.LearningRate > 0) || !(h.Momentum >= 0 && h.Momentum < 1) || !(h.L2 >= 0) || h.HiddenWidth < 1 || h.Depth < 0 || h.BatchSize < 1 || h.Epochs < 1)
        {
            throw new ArgumentException($"MLP hyperparameters out of range: {h}.", nameof(parameter));
        }

        return h;
    }
}
