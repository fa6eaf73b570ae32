using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;

namespace MLNet.HyperGrad.Estimators;

/// <summary>The hyperparameters of ML.NET's SDCA trainers (logistic regression, maximum entropy, regression), with ML.NET AutoML's default ranges and starting point.</summary>
/// <remarks>
/// <para>Ranges and defaults are AutoML's (<c>src/Microsoft.ML.AutoML/CodeGen/sdca_search_space.json</c> in dotnet/machinelearning).</para>
/// <para><c>new SearchSpace&lt;SdcaHyperparameters&gt;()</c> builds the space; a trial's parameter converts back with
/// <c>parameter.AsType&lt;SdcaHyperparameters&gt;()</c>. Keys are the <see cref="JsonPropertyNameAttribute"/> names.
/// <see cref="TunableTrainers"/> builds the trainer from it.</para>
/// </remarks>
public sealed record SdcaHyperparameters
{
    /// <summary>Gets or sets the L1 regularization.</summary>
    [JsonPropertyName("l1_regularization")]
    [Range(0.03125f, 32768f, init: 1f, logBase: true)]
    public float L1Regularization { get; set; } = 1;

    /// <summary>Gets or sets the L2 regularization.</summary>
    [JsonPropertyName("l2_regularization")]
    [Range(0.03125f, 32768f, init: 0.1f, logBase: true)]
    public float L2Regularization { get; set; } = 0.1f;
}
