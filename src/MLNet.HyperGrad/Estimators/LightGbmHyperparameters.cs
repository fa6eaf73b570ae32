using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The hyperparameters of ML.NET's LightGBM trainers, with ML.NET AutoML's default ranges and starting point.</summary>
/// <remarks>
/// <para>Ranges and defaults are AutoML's (<c>src/Microsoft.ML.AutoML/CodeGen/lgbm_search_space.json</c> in dotnet/machinelearning): the start is deliberately cheap (4 trees of 4 leaves at learning rate 1), as AutoML's cost-frugal search begins. The ranges are wide (up to 32,768 trees): give a tuner a time budget, or narrow an option with the search space's indexer. One deliberate difference: the numbers of trees and leaves are on a log scale here (AutoML's LightGBM file has them linear, its FastTree and FastForest files have the same ranges on a log scale, and FLAML, where AutoML's cost-frugal search comes from, samples both on a log scale). On a linear scale from 4 to 32,768 half of every space-filling start (a Sobol or random point) asks for more than 16,000 trees, which on the CLI's parallel-trials benchmark held worker slots for whole budgets (bench/RESULTS.md, issue 13). Subsampling applies only where LightGBM's subsample frequency is set; as in AutoML it is left at LightGBM's default.</para>
/// <para><c>new SearchSpace&lt;LightGbmHyperparameters&gt;()</c> builds the space; a trial's parameter converts back with
/// <c>parameter.AsType&lt;LightGbmHyperparameters&gt;()</c>. Keys are the <see cref="JsonPropertyNameAttribute"/> names.
/// <see cref="TunableTrainers"/> builds the trainer from it.</para>
/// </remarks>
public sealed record LightGbmHyperparameters
{
    /// <summary>Gets or sets the largest number of leaves per tree.</summary>
    [JsonPropertyName("number_of_leaves")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfLeaves { get; set; } = 4;

    /// <summary>Gets or sets the fewest training rows a leaf may hold.</summary>
    [JsonPropertyName("minimum_example_count_per_leaf")]
    [Range(20, 1024, init: 20, logBase: true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 20;

    /// <summary>Gets or sets the shrinkage rate of each tree.</summary>
    [JsonPropertyName("learning_rate")]
    [Range(2e-10, 1.0, init: 1.0, logBase: true)]
    public double LearningRate { get; set; } = 1;

    /// <summary>Gets or sets the number of boosting iterations (trees; per class for multiclass).</summary>
    [JsonPropertyName("number_of_trees")]
    [Range(4, 32768, init: 4, logBase: true)]
    public int NumberOfTrees { get; set; } = 4;

    /// <summary>Gets or sets the fraction of rows each iteration samples (the booster's <c>SubsampleFraction</c>).</summary>
    [JsonPropertyName("subsample_fraction")]
    [Range(2e-10, 1.0, init: 1.0, logBase: true)]
    public double SubsampleFraction { get; set; } = 1;

    /// <summary>Gets or sets the largest number of bins a feature's values are bucketed into.</summary>
    [JsonPropertyName("maximum_bin_count_per_feature")]
    [Range(8, 1024, init: 256, logBase: true)]
    public int MaximumBinCountPerFeature { get; set; } = 256;

    /// <summary>Gets or sets the fraction of features each tree samples (the booster's <c>FeatureFraction</c>).</summary>
    [JsonPropertyName("feature_fraction")]
    [Range(2e-10, 1.0, init: 1.0, logBase: false)]
    public double FeatureFraction { get; set; } = 1;

    /// <summary>Gets or sets the L1 regularization of the leaf values.</summary>
    [JsonPropertyName("l1_regularization")]
    [Range(2e-10, 1.0, init: 2e-10, logBase: true)]
    public double L1Regularization { get; set; } = 2e-10;

    /// <summary>Gets or sets the L2 regularization of the leaf values.</summary>
    [JsonPropertyName("l2_regularization")]
    [Range(2e-10, 1.0, init: 1.0, logBase: true)]
    public double L2Regularization { get; set; } = 1;
}
