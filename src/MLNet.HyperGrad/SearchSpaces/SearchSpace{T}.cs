namespace MLNet.HyperGrad.SearchSpaces;

/// <summary>A search space built by reflection from the option attributes on <typeparamref name="T"/>'s public properties and fields.</summary>
/// <typeparam name="T">A class whose members carry ML.NET's search-space attributes (namespace <c>Microsoft.ML.SearchSpace</c>, in Microsoft.ML.Core.dll): <see cref="Microsoft.ML.SearchSpace.RangeAttribute"/>, <see cref="Microsoft.ML.SearchSpace.ChoiceAttribute"/>, <see cref="Microsoft.ML.SearchSpace.BooleanChoiceAttribute"/> or <see cref="Microsoft.ML.SearchSpace.NestOptionAttribute"/>.</typeparam>
/// <remarks>
/// Each attributed member becomes a key named after it, or after its
/// <see cref="System.Text.Json.Serialization.JsonPropertyNameAttribute"/> when it has one (so a
/// property <c>LearningRate</c> can be the key <c>learning_rate</c>); members without one of these attributes are
/// ignored. <see cref="SearchSpace.SampleFromFeatureSpace"/> returns a parameter whose
/// <c>AsType&lt;T&gt;()</c> is the decoded object.
/// <code>
/// public sealed class MlpOptions
/// {
///     [Range(1e-5, 1.0, init: 1e-3, logBase: true)] public double LearningRate { get; set; }
///     [Range(1, 8)] public int Layers { get; set; }
///     [Choice("relu", "tanh")] public string Activation { get; set; } = "relu";
///     [NestOption] public OptimizerOptions Optimizer { get; set; } = new();
/// }
///
/// var space = new SearchSpace&lt;MlpOptions&gt;();
/// MlpOptions options = space.SampleFromFeatureSpace(u).AsType&lt;MlpOptions&gt;();
/// </code>
/// </remarks>
public sealed class SearchSpace<T> : SearchSpace
    where T : class, new()
{
    /// <summary>Builds the search space from <typeparamref name="T"/>'s attributes.</summary>
    /// <exception cref="ArgumentException">A member has more than one option attribute, is not writable, or its attribute is invalid or does not match its type; the message names the member.</exception>
    public SearchSpace()
        : base(typeof(T), null)
    {
    }

    /// <summary>Builds the search space from <typeparamref name="T"/>'s attributes, with defaults taken from an instance.</summary>
    /// <param name="defaultValue">
    /// The defaults: its values of attributed members become the options' defaults (see
    /// <see cref="SearchSpace.Default"/>), and its other settable members are copied into every sampled
    /// parameter, so that <c>AsType&lt;T&gt;()</c> keeps them.
    /// </param>
    /// <exception cref="ArgumentException">As for the parameterless constructor, or a default value lies outside its option; the message names the member.</exception>
    public SearchSpace(T defaultValue)
        : base(typeof(T), ToParameter(defaultValue))
    {
    }

    /// <summary>Encodes an instance of <typeparamref name="T"/>.</summary>
    /// <param name="value">The instance; its attributed members must lie within their options.</param>
    /// <returns>The point of the unit cube, length <see cref="SearchSpace.FeatureSpaceDim"/>.</returns>
    /// <exception cref="ArgumentException">A member's value does not fit its option; the message names the member.</exception>
    public double[] MappingToFeatureSpace(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return MappingToFeatureSpace(Parameter.FromObject(value));
    }

    private static Parameter ToParameter(T defaultValue)
    {
        ArgumentNullException.ThrowIfNull(defaultValue);
        return Parameter.FromObject(defaultValue);
    }
}
