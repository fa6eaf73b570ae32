using Microsoft.ML.SearchSpace;
using System.Text.Json.Serialization;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class SearchSpaceJsonNameTests
{
    [Fact]
    public void Constructor_JsonPropertyName_IsTheKey()
    {
        var space = new SearchSpace<SnakeCase>();

        Assert.Equal(new[] { "depth", "learning_rate" }, space.Keys);
        Assert.Equal(new[] { "depth", "learning_rate" }, space.FeatureDimensions.Select(d => d.KeyPath));
        Assert.True(space.FeatureDimensions.Single(d => d.KeyPath == "learning_rate").IsLogScale);
    }

    [Fact]
    public void AsType_JsonPropertyName_SetsTheMemberFromItsKey()
    {
        var space = new SearchSpace<SnakeCase>();
        Parameter sampled = space.SampleFromFeatureSpace([1.0, 1.0]);

        SnakeCase options = sampled.AsType<SnakeCase>();

        Assert.Equal(3, options.Depth);
        Assert.Equal(1.0, options.LearningRate);
        Assert.Equal(sampled, Parameter.FromObject(options));
    }

    [Fact]
    public void FromObject_JsonPropertyName_WritesTheKey()
    {
        Parameter p = Parameter.FromObject(new SnakeCase { LearningRate = 0.5, Depth = 2 });

        Assert.Equal(new[] { "depth", "learning_rate" }, p.Keys);
        Assert.Equal(0.5, p["learning_rate"].AsType<double>());
    }

    [Fact]
    public void Constructor_TwoMembersWithOneKey_ThrowsNamingTheKey()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new SearchSpace<SameKey>());
        Assert.Contains("Two members of SameKey have the key 'rate'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class SnakeCase
    {
        [JsonPropertyName("learning_rate")]
        [Range(1e-4, 1.0, logBase: true)]
        public double LearningRate { get; set; }

        [JsonPropertyName("depth")]
        [Range(1, 3)]
        public int Depth { get; set; }
    }

    private sealed class SameKey
    {
        [JsonPropertyName("rate")]
        [Range(0.0, 1.0)]
        public double First { get; set; }

        [JsonPropertyName("rate")]
        [Range(0.0, 1.0)]
        public double Second { get; set; }
    }
}
