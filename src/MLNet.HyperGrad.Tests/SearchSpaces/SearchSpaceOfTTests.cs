using Microsoft.ML.SearchSpace;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class SearchSpaceOfTTests
{
    [Fact]
    public void Constructor_AttributedMembers_BecomeKeysAndUnattributedAreIgnored()
    {
        var space = new SearchSpace<TrainerOptions>();

        Assert.Equal(new[] { "Activation", "Batch", "Day", "Epochs", "LearningRate", "Optimizer", "Scale", "Shuffle" }, space.Keys);
        Assert.Equal(
            new[] { "Activation", "Batch", "Day", "Epochs", "LearningRate", "Optimizer.Momentum", "Optimizer.Nesterov", "Scale", "Shuffle" },
            space.FeatureDimensions.Select(d => d.KeyPath));
        Assert.IsType<UniformDoubleOption>(space["LearningRate"]);
        Assert.IsType<UniformIntOption>(space["Epochs"]);
        Assert.IsType<UniformSingleOption>(space["Scale"]);
        Assert.IsType<UniformLongOption>(space["Batch"]);
        Assert.IsType<ChoiceOption>(space["Activation"]);
        Assert.IsType<SearchSpace>(space["Optimizer"]);
        Assert.False(space.ContainsKey(nameof(TrainerOptions.Comment)));
    }

    [Fact]
    public void SampleFromFeatureSpace_AsType_BuildsTheObjectIncludingNestedClass()
    {
        var space = new SearchSpace<TrainerOptions>();
        double[] u = new double[space.FeatureSpaceDim];
        Array.Fill(u, 1.0);

        TrainerOptions options = space.SampleFromFeatureSpace(u).AsType<TrainerOptions>();

        Assert.Equal("gelu", options.Activation);
        Assert.Equal(4096L, options.Batch);
        Assert.Equal(DayOfWeek.Sunday, options.Day);
        Assert.Equal(50, options.Epochs);
        Assert.Equal(1.0, options.LearningRate);
        Assert.Equal(0.99, options.Optimizer.Momentum);
        Assert.False(options.Optimizer.Nesterov);
        Assert.Equal(2f, options.Scale);
        Assert.False(options.Shuffle);
        Assert.Equal("untouched", options.Comment);
    }

    [Fact]
    public void Default_AttributeInitValues_DecodeToThoseValues()
    {
        var space = new SearchSpace<TrainerOptions>();

        TrainerOptions defaults = space.SampleFromFeatureSpace(space.Default).AsType<TrainerOptions>();

        Assert.Equal(1e-3, defaults.LearningRate, 1e-15);
        Assert.Equal(10, defaults.Epochs);
        Assert.Equal(1f, defaults.Scale, 1e-6f);
        Assert.Equal("tanh", defaults.Activation);
        Assert.True(defaults.Shuffle);
        Assert.True(defaults.Optimizer.Nesterov);
        Assert.Equal(DayOfWeek.Sunday, defaults.Day);
    }

    [Fact]
    public void MappingToFeatureSpace_TypedValue_RoundTripsThroughSample()
    {
        var space = new SearchSpace<TrainerOptions>();
        var random = new Random(9);
        for (int trial = 0; trial < 50; trial++)
        {
            double[] u = [.. Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble())];
            Parameter first = space.SampleFromFeatureSpace(u);
            TrainerOptions typed = first.AsType<TrainerOptions>();

            Parameter second = space.SampleFromFeatureSpace(space.MappingToFeatureSpace(typed));

            TrainerOptions again = second.AsType<TrainerOptions>();
            Assert.Equal(typed.Activation, again.Activation);
            Assert.Equal(typed.Batch, again.Batch);
            Assert.Equal(typed.Day, again.Day);
            Assert.Equal(typed.Epochs, again.Epochs);
            Assert.Equal(typed.LearningRate, again.LearningRate, typed.LearningRate * 1e-12);
            Assert.Equal(typed.Optimizer.Momentum, again.Optimizer.Momentum, 1e-12);
            Assert.Equal(typed.Optimizer.Nesterov, again.Optimizer.Nesterov);
            Assert.Equal(typed.Scale, again.Scale);
            Assert.Equal(typed.Shuffle, again.Shuffle);
        }
    }

    [Fact]
    public void SampledParameter_JsonRoundTrip_ConvertsToTheSameObject()
    {
        var space = new SearchSpace<TrainerOptions>();
        double[] u = [.. Enumerable.Range(0, space.FeatureSpaceDim).Select(i => (i + 0.5) / space.FeatureSpaceDim)];
        Parameter sampled = space.SampleFromFeatureSpace(u);

        Parameter parsed = Parameter.FromJson(sampled.ToString());
        TrainerOptions direct = sampled.AsType<TrainerOptions>();
        TrainerOptions viaJson = parsed.AsType<TrainerOptions>();

        Assert.Equal(sampled, parsed);
        Assert.Equal(direct.LearningRate, viaJson.LearningRate);
        Assert.Equal(direct.Scale, viaJson.Scale);
        Assert.Equal(direct.Day, viaJson.Day);
        Assert.Equal(direct.Optimizer.Momentum, viaJson.Optimizer.Momentum);
        Assert.Equal(space.MappingToFeatureSpace(sampled), space.MappingToFeatureSpace(parsed));
    }

    [Fact]
    public void ConstructorWithDefaultValue_DefaultsAndUnsearchedMembersComeFromTheInstance()
    {
        var instance = new TrainerOptions { LearningRate = 0.1, Epochs = 20, Comment = "from instance" };
        var space = new SearchSpace<TrainerOptions>(instance);

        TrainerOptions defaults = space.SampleFromFeatureSpace(space.Default).AsType<TrainerOptions>();
        TrainerOptions sampled = space.SampleFromFeatureSpace(Enumerable.Repeat(0.0, space.FeatureSpaceDim).ToArray()).AsType<TrainerOptions>();

        Assert.Equal(0.1, defaults.LearningRate, 1e-15);
        Assert.Equal(20, defaults.Epochs);
        Assert.Equal("from instance", defaults.Comment);
        Assert.Equal("from instance", sampled.Comment);
        Assert.Equal(1, sampled.Epochs);
    }

    [Fact]
    public void ConstructorWithDefaultValue_ValueOutsideOption_ThrowsNamingTheMember()
    {
        var instance = new TrainerOptions { Epochs = 500 };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => new SearchSpace<TrainerOptions>(instance));

        Assert.Contains("default value of 'Epochs'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("value 500 lies outside [1, 50]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_WithAttributes_AreSearchedToo()
    {
        var space = new SearchSpace<WithField>();

        WithField value = space.SampleFromFeatureSpace([0.75]).AsType<WithField>();

        Assert.Equal(new[] { "Depth" }, space.Keys);
        Assert.Equal(3, value.Depth);
    }

    [Fact]
    public void Constructor_DoubleRangeOnIntProperty_ThrowsNamingTheProperty()
        => AssertBuildFails<DoubleRangeOnInt>("Property 'Count' of DoubleRangeOnInt has type Int32, but its [Range] has Double bounds (0.0, 1.0)");

    [Fact]
    public void Constructor_IntRangeOnDoubleProperty_ThrowsNamingTheProperty()
        => AssertBuildFails<IntRangeOnDouble>("Property 'Rate' of IntRangeOnDouble has type Double, but its [Range] has Int32 bounds (1, 10)");

    [Fact]
    public void Constructor_LongLiteralBoundsOnLong_ThrowsSayingMlNetReadThemAsSingle()
        => AssertBuildFails<LongLiteralBounds>("Property 'Batch' of LongLiteralBounds has type Int64, but its [Range] has Single bounds (16.0, 4096.0)");

    [Fact]
    public void Constructor_MlNetAttributesFromMicrosoftMlCore_AreTheOnesRead()
        => Assert.Equal("Microsoft.ML.Core", typeof(RangeAttribute).Assembly.GetName().Name);

    [Fact]
    public void Constructor_BooleanChoiceOnString_ThrowsNamingTheProperty()
        => AssertBuildFails<BooleanOnString>("Property 'Mode' of BooleanOnString has type String, but [BooleanChoice] applies only to Boolean members");

    [Fact]
    public void Constructor_ChoiceNotConvertibleToProperty_ThrowsNamingPropertyAndCandidate()
        => AssertBuildFails<StringChoiceOnInt>("Property 'Width' of StringChoiceOnInt has type Int32, but its [Choice] candidate \"wide\" does not convert to it");

    [Fact]
    public void Constructor_InvalidRangeInAttribute_ThrowsNamingPropertyAndValues()
        => AssertBuildFails<InvertedRange>("Property 'Rate' of InvertedRange: UniformDoubleOption: min (1) must be less than max (0)");

    [Fact]
    public void Constructor_LogRangeFromZero_ThrowsNamingPropertyAndValues()
        => AssertBuildFails<LogFromZero>("Property 'Layers' of LogFromZero: UniformIntOption: a log scale needs min > 0, got min = 0 (max = 8)");

    [Fact]
    public void Constructor_DuplicateChoiceInAttribute_ThrowsNamingThePropertyAndValue()
        => AssertBuildFails<DuplicateChoice>("Property 'Activation' of DuplicateChoice: ChoiceOption: choice \"relu\" appears at positions 0 and 1");

    [Fact]
    public void Constructor_TwoAttributesOnOneProperty_ThrowsNamingTheProperty()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new SearchSpace<TwoAttributes>());
        Assert.Contains("Property 'Rate' of TwoAttributes carries [", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[Range]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[Choice]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("use only one of", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_AttributeOnReadOnlyProperty_ThrowsNamingTheProperty()
        => AssertBuildFails<ReadOnlyMember>("Property 'Rate' of ReadOnlyMember carries [Range] but is not writable");

    [Fact]
    public void Constructor_NestOptionOnRecursiveType_ThrowsNamingTheProperty()
        => AssertBuildFails<Recursive>("Property 'Child' of Recursive carries [NestOption] with type Recursive");

    private static void AssertBuildFails<T>(string expected)
        where T : class, new()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new SearchSpace<T>());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private sealed class TrainerOptions
    {
        [Range(1e-5, 1.0, init: 1e-3, logBase: true)]
        public double LearningRate { get; set; } = 0.01;

        [Range(1, 50, init: 10)]
        public int Epochs { get; set; } = 10;

        [Range(0.5f, 2f, 1f)]
        public float Scale { get; set; } = 1f;

        [Range(16, 4096, logBase: true)]
        public long Batch { get; set; } = 64;

        [Choice(new object[] { "relu", "tanh", "gelu" }, "tanh")]
        public string Activation { get; set; } = "relu";

        [Choice(DayOfWeek.Monday, DayOfWeek.Sunday)]
        public DayOfWeek Day { get; set; }

        [BooleanChoice(true)]
        public bool Shuffle { get; set; }

        [NestOption]
        public OptimizerOptions Optimizer { get; set; } = new();

        public string Comment { get; set; } = "untouched";
    }

    private sealed class OptimizerOptions
    {
        [Range(0.0, 0.99)]
        public double Momentum { get; set; }

        [BooleanChoice(defaultValue: true)]
        public bool Nesterov { get; set; }
    }

    private sealed class WithField
    {
        [Range(0, 3)]
        public int Depth = 1;
    }

    private sealed class DoubleRangeOnInt
    {
        [Range(0.0, 1.0)]
        public int Count { get; set; }
    }

    private sealed class IntRangeOnDouble
    {
        [Range(1, 10)]
        public double Rate { get; set; }
    }

    // ML.NET's RangeAttribute has no Int64 constructor: long literals bind to its Single overload.
    private sealed class LongLiteralBounds
    {
        [Range(16L, 4096L)]
        public long Batch { get; set; }
    }

    private sealed class BooleanOnString
    {
        [BooleanChoice]
        public string Mode { get; set; } = string.Empty;
    }

    private sealed class StringChoiceOnInt
    {
        [Choice(1, 2, "wide")]
        public int Width { get; set; }
    }

    private sealed class InvertedRange
    {
        [Range(1.0, 0.0)]
        public double Rate { get; set; }
    }

    private sealed class LogFromZero
    {
        [Range(0, 8, logBase: true)]
        public int Layers { get; set; }
    }

    private sealed class DuplicateChoice
    {
        [Choice("relu", "relu")]
        public string Activation { get; set; } = string.Empty;
    }

    private sealed class TwoAttributes
    {
        [Range(0.0, 1.0)]
        [Choice(0.1, 0.2)]
        public double Rate { get; set; }
    }

    private sealed class ReadOnlyMember
    {
        [Range(0.0, 1.0)]
        public double Rate { get; } = 0.5;
    }

    private sealed class Recursive
    {
        [NestOption]
        public Recursive? Child { get; set; }
    }
}
