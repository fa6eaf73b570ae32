using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The hyperparameters of ML.NET's FastForest (random forest) trainers, with ML.NET AutoML's default ranges and starting point.</summary>
/// <remarks>
/// <para>Ranges and defaults are AutoML's (<c>src/Microsoft.ML.AutoML/CodeGen/fast_forest_search_space.json</c> in dotnet/machinelearning; AutoML declares the feature fraction a Single, ML.NET's option is a Double); the start is cheap (4 trees of 4 leaves).</para>
/// <para><c>new SearchSpace&lt;FastForestHyperparameters&gt;()</c> builds the space; a trial's parameter converts back with
/// <c>parameter.AsType&lt;FastForestHyperparameters&gt;()</c>. Keys are the <see cref="JsonPropertyNameAttribute"/> names.
/// <see cref="TunableTrainers"/> builds the trainer from it.</para>
/// </remarks>
public sealed record FastForestHyperparameters
{
    /// <summary>Gets or sets the number of trees.</summary>
    [JsonPropertyName("number_of_trees")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfTrees { get; set; } = 4;

    /// <summary>Gets or sets the largest number of leaves per tree.</summary>
    [JsonPropertyName("number_of_leaves")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfLeaves { get; set; } = 4;

    /// <summary>Gets or sets the fraction of features each tree samples.</summary>
    [JsonPropertyName("feature_fraction")]
    [Range(2e-10, 1.0, init: 1.0, logBase: false)]
    public double FeatureFraction { get; set; } = 1;
}
