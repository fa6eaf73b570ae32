using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The hyperparameters of ML.NET's FastTree (boosted trees) trainers, with ML.NET AutoML's default ranges and starting point.</summary>
/// <remarks>
/// <para>Ranges and defaults are AutoML's (<c>src/Microsoft.ML.AutoML/CodeGen/fast_tree_search_space.json</c> in dotnet/machinelearning); the start is cheap (4 trees of 4 leaves).</para>
/// <para><c>new SearchSpace&lt;FastTreeHyperparameters&gt;()</c> builds the space; a trial's parameter converts back with
/// <c>parameter.AsType&lt;FastTreeHyperparameters&gt;()</c>. Keys are the <see cref="JsonPropertyNameAttribute"/> names.
/// <see cref="TunableTrainers"/> builds the trainer from it.</para>
/// </remarks>
public sealed record FastTreeHyperparameters
{
    /// <summary>Gets or sets the largest number of leaves per tree.</summary>
    [JsonPropertyName("number_of_leaves")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfLeaves { get; set; } = 4;

    /// <summary>Gets or sets the fewest training rows a leaf may hold.</summary>
    [JsonPropertyName("minimum_example_count_per_leaf")]
    [Range(2, 128, init: 20, logBase: true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 20;

    /// <summary>Gets or sets the number of trees.</summary>
    [JsonPropertyName("number_of_trees")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfTrees { get; set; } = 4;

    /// <summary>Gets or sets the largest number of bins a feature's values are bucketed into.</summary>
    [JsonPropertyName("maximum_bin_count_per_feature")]
    [Range(8, 1024, init: 256, logBase: true)]
    public int MaximumBinCountPerFeature { get; set; } = 256;

    /// <summary>Gets or sets the fraction of features each tree samples.</summary>
    [JsonPropertyName("feature_fraction")]
    [Range(2e-10, 1.0, init: 1.0, logBase: false)]
    public double FeatureFraction { get; set; } = 1;

    /// <summary>Gets or sets the shrinkage rate of each tree.</summary>
    [JsonPropertyName("learning_rate")]
    [Range(2e-10, 1.0, init: 0.1, logBase: true)]
    public double LearningRate { get; set; } = 0.1;
}
