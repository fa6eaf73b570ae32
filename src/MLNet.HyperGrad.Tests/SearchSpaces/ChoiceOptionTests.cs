using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class ChoiceOptionTests
{
    [Fact]
    public void SampleFromFeatureSpace_ThreeChoices_EqualWidthBinsInDeclaredOrder()
    {
        var option = new ChoiceOption("relu", "tanh", "gelu");

        Assert.Equal("relu", option.SampleFromFeatureSpace([0.0]).AsType<string>());
        Assert.Equal("relu", option.SampleFromFeatureSpace([0.33]).AsType<string>());
        Assert.Equal("tanh", option.SampleFromFeatureSpace([0.34]).AsType<string>());
        Assert.Equal("tanh", option.SampleFromFeatureSpace([0.66]).AsType<string>());
        Assert.Equal("gelu", option.SampleFromFeatureSpace([0.67]).AsType<string>());
        Assert.Equal("gelu", option.SampleFromFeatureSpace([1.0]).AsType<string>());
        Assert.Equal(new int?[] { 3 }, option.Step);
        Assert.Equal(new object[] { "relu", "tanh", "gelu" }, option.Choices);
    }

    [Fact]
    public void MappingToFeatureSpace_EachChoice_IsTheCentreOfItsBinAndRoundTrips()
    {
        var option = new ChoiceOption(16, 32, 64, 128);

        Assert.Equal(new[] { 0.125 }, option.MappingToFeatureSpace(Parameter.FromInt(16)));
        Assert.Equal(new[] { 0.875 }, option.MappingToFeatureSpace(Parameter.FromInt(128)));
        foreach (int choice in new[] { 16, 32, 64, 128 })
        {
            Parameter p = Parameter.FromInt(choice);
            Assert.Equal(p, option.SampleFromFeatureSpace(option.MappingToFeatureSpace(p)));
        }
    }

    [Fact]
    public void MappingToFeatureSpace_NumberOfOtherNumericKind_MatchesByValue()
    {
        var option = new ChoiceOption(1, 2, 4);

        Assert.Equal(new[] { 0.5 }, option.MappingToFeatureSpace(Parameter.FromDouble(2.0)));
    }

    [Fact]
    public void MappingToFeatureSpace_UnknownValue_ThrowsListingTheChoices()
    {
        var option = new ChoiceOption("a", "b");

        ArgumentException ex = Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromString("c")));

        Assert.Contains("\"c\" is not one of the choices [\"a\", \"b\"]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_GivenOrNot_IsChoiceBinCentreOrMidpoint()
    {
        Assert.Equal(new[] { 0.5 }, new ChoiceOption("a", "b", "c").Default);
        Assert.Equal("b", new ChoiceOption("a", "b", "c").SampleFromFeatureSpace(new ChoiceOption("a", "b", "c").Default).AsType<string>());
        var withDefault = new ChoiceOption(["a", "b", "c", "d"], "d");
        Assert.Equal(new[] { 0.875 }, withDefault.Default);
        Assert.Equal("d", withDefault.SampleFromFeatureSpace(withDefault.Default).AsType<string>());
    }

    [Fact]
    public void BooleanChoice_TrueFalse_DecodesToBool()
    {
        var option = new ChoiceOption(true, false);

        Assert.True(option.SampleFromFeatureSpace([0.2]).AsType<bool>());
        Assert.False(option.SampleFromFeatureSpace([0.8]).AsType<bool>());
        Assert.Equal(ParameterType.Bool, option.SampleFromFeatureSpace([0.8]).ParameterType);
        Assert.Equal(new[] { 0.25 }, new ChoiceOption([true, false], true).Default);
    }

    [Fact]
    public void EnumChoices_DecodeToMemberNames_AndConvertBack()
    {
        var option = new ChoiceOption(DayOfWeek.Monday, DayOfWeek.Friday);

        Parameter p = option.SampleFromFeatureSpace([0.9]);

        Assert.Equal(ParameterType.String, p.ParameterType);
        Assert.Equal(DayOfWeek.Friday, p.AsType<DayOfWeek>());
        Assert.Equal(new[] { 0.75 }, option.MappingToFeatureSpace(Parameter.FromEnum(DayOfWeek.Friday)));
    }

    [Fact]
    public void SingleChoice_TakesNoSlot_AndAlwaysDecodesToIt()
    {
        var option = new ChoiceOption("only");

        Assert.Equal(0, option.FeatureSpaceDim);
        Assert.Empty(option.Default);
        Assert.Empty(option.Step);
        Assert.Equal("only", option.SampleFromFeatureSpace([]).AsType<string>());
        Assert.Empty(option.MappingToFeatureSpace(Parameter.FromString("only")));
    }

    [Fact]
    public void Constructor_NoChoices_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new ChoiceOption());

        Assert.Contains("ChoiceOption needs at least one choice", ex.Message, StringComparison.Ordinal);
        Assert.Equal("choices", ex.ParamName);
    }

    [Fact]
    public void Constructor_DuplicateChoices_ThrowsNamingValueAndPositions()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new ChoiceOption("a", "b", "a"));

        Assert.Contains("ChoiceOption: choice \"a\" appears at positions 0 and 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 appears at positions 0 and 1", Assert.Throws<ArgumentException>(() => new ChoiceOption(2, 2L)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullOrUnsupportedChoice_ThrowsNamingPosition()
    {
        Assert.Contains("choice 1 is null", Assert.Throws<ArgumentException>(() => new ChoiceOption("a", null!)).Message, StringComparison.Ordinal);
        Assert.Contains("choice 0 has type Object", Assert.Throws<ArgumentException>(() => new ChoiceOption(new object())).Message, StringComparison.Ordinal);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new ChoiceOption(1.0, double.NaN)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultNotAChoice_ThrowsNamingDefaultAndChoices()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new ChoiceOption(["a", "b"], "z"));

        Assert.Contains("defaultChoice \"z\" is not one of the choices [\"a\", \"b\"]", ex.Message, StringComparison.Ordinal);
        Assert.Equal("defaultChoice", ex.ParamName);
    }
}
