using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class UniformNumericOptionTests
{
    private static readonly double[] Grid = [0.0, 1e-9, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 1 - 1e-9, 1.0];

    [Fact]
    public void UniformDoubleOption_LinearScale_MapsEndsAndMidpoint()
    {
        var option = new UniformDoubleOption(-2, 6);

        Assert.Equal(-2.0, option.SampleFromFeatureSpace([0.0]).AsType<double>());
        Assert.Equal(6.0, option.SampleFromFeatureSpace([1.0]).AsType<double>());
        Assert.Equal(0.0, option.SampleFromFeatureSpace([0.25]).AsType<double>());
        Assert.Equal(new[] { 0.75 }, option.MappingToFeatureSpace(Parameter.FromDouble(4)));
        Assert.Equal(ParameterType.Number, option.SampleFromFeatureSpace([0.3]).ParameterType);
    }

    [Fact]
    public void UniformDoubleOption_LogScale_MapsDecadesEvenly()
    {
        var option = new UniformDoubleOption(1e-4, 1, logBase: true);

        Assert.Equal(1e-4, option.SampleFromFeatureSpace([0.0]).AsType<double>());
        Assert.Equal(1.0, option.SampleFromFeatureSpace([1.0]).AsType<double>());
        Assert.Equal(1e-2, option.SampleFromFeatureSpace([0.5]).AsType<double>(), 1e-15);
        Assert.Equal(0.25, option.MappingToFeatureSpace(Parameter.FromDouble(1e-3))[0], 1e-12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UniformDoubleOption_SampleMapSample_RoundTrips(bool logBase)
    {
        var option = new UniformDoubleOption(0.001, 50, logBase);
        foreach (double u in Grid)
        {
            Parameter first = option.SampleFromFeatureSpace([u]);
            double[] encoded = option.MappingToFeatureSpace(first);
            Parameter second = option.SampleFromFeatureSpace(encoded);

            Assert.Equal(u, encoded[0], 1e-12);
            Assert.Equal(first.AsType<double>(), second.AsType<double>(), 1e-12 * 50);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UniformSingleOption_SampleMapSample_RoundTripsAsFloat(bool logBase)
    {
        var option = new UniformSingleOption(0.01f, 10f, logBase);
        foreach (double u in Grid)
        {
            float first = option.SampleFromFeatureSpace([u]).AsType<float>();
            double[] encoded = option.MappingToFeatureSpace(Parameter.FromFloat(first));
            float second = option.SampleFromFeatureSpace(encoded).AsType<float>();

            Assert.InRange(first, 0.01f, 10f);
            Assert.Equal(u, encoded[0], 1e-6);
            Assert.Equal(first, second);
        }
    }

    [Fact]
    public void UniformSingleOption_Ends_AreTheFloatBoundsExactly()
    {
        var option = new UniformSingleOption(0.1f, 0.7f);

        Assert.Equal(0.1f, option.SampleFromFeatureSpace([0.0]).AsType<float>());
        Assert.Equal(0.7f, option.SampleFromFeatureSpace([1.0]).AsType<float>());
        Assert.Equal(new[] { 0.0 }, option.MappingToFeatureSpace(Parameter.FromFloat(0.1f)));
    }

    [Fact]
    public void Default_WithAndWithoutDefaultValue_IsEncodedDefaultOrMidpoint()
    {
        Assert.Equal(new[] { 0.5 }, new UniformDoubleOption(0, 10).Default);
        Assert.Equal(new[] { 0.2 }, new UniformDoubleOption(0, 10, defaultValue: 2).Default);
        Assert.Equal(0.5, new UniformDoubleOption(1e-3, 1e3, true, 1).Default[0], 1e-12);
        Assert.Equal(new[] { 0.5 }, new UniformIntOption(0, 9).Default);
        Assert.Equal(new[] { 0.375 }, new UniformIntOption(0, 3, defaultValue: 1).Default);
        Assert.Equal(1, new UniformIntOption(0, 3, defaultValue: 1).SampleFromFeatureSpace(new UniformIntOption(0, 3, defaultValue: 1).Default).AsType<int>());
        Assert.Equal(new[] { 0.5 }, new UniformSingleOption(0f, 1f).Default);
    }

    [Fact]
    public void UniformIntOption_FloorMapping_EndsGiveMinAndMax()
    {
        var option = new UniformIntOption(3, 7);

        Assert.Equal(3, option.SampleFromFeatureSpace([0.0]).AsType<int>());
        Assert.Equal(7, option.SampleFromFeatureSpace([1.0]).AsType<int>());
        Assert.Equal(7, option.SampleFromFeatureSpace([1 - 1e-12]).AsType<int>());
        Assert.Equal(ParameterType.Integer, option.SampleFromFeatureSpace([0.5]).ParameterType);
    }

    [Fact]
    public void UniformIntOption_FloorMapping_BinEdgesAreEqualWidth()
    {
        var option = new UniformIntOption(0, 3);

        int[] expected = [0, 0, 1, 1, 2, 2, 3, 3, 3];
        double[] u = [0.0, 0.2499999, 0.25, 0.4999999, 0.5, 0.7499999, 0.75, 0.9999999, 1.0];
        for (int i = 0; i < u.Length; i++)
        {
            Assert.Equal(expected[i], option.SampleFromFeatureSpace([u[i]]).AsType<int>());
        }
    }

    [Fact]
    public void UniformIntOption_UniformGrid_GivesEveryIntegerTheSameCount()
    {
        var option = new UniformIntOption(-5, 4);
        int[] counts = new int[10];
        for (int i = 0; i < 10_000; i++)
        {
            counts[option.SampleFromFeatureSpace([(i + 0.5) / 10_000]).AsType<int>() + 5]++;
        }

        Assert.All(counts, c => Assert.Equal(1000, c));
        Assert.Equal(new int?[] { 10 }, option.Step);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UniformIntOption_MapThenSample_GivesEveryIntegerBack(bool logBase)
    {
        var option = new UniformIntOption(1, 1000, logBase);
        for (int k = 1; k <= 1000; k++)
        {
            double[] encoded = option.MappingToFeatureSpace(Parameter.FromInt(k));
            Assert.InRange(encoded[0], 0.0, 1.0);
            Assert.Equal(k, option.SampleFromFeatureSpace(encoded).AsType<int>());
        }
    }

    [Fact]
    public void UniformIntOption_LogScale_EndsAndSmallValuesGetWiderBins()
    {
        var option = new UniformIntOption(1, 1000, logBase: true);

        Assert.Equal(1, option.SampleFromFeatureSpace([0.0]).AsType<int>());
        Assert.Equal(1000, option.SampleFromFeatureSpace([1.0]).AsType<int>());
        Assert.Equal(31, option.SampleFromFeatureSpace([0.5]).AsType<int>());
    }

    [Fact]
    public void UniformIntOption_MapsIntegralNumber_AndRejectsFraction()
    {
        var option = new UniformIntOption(0, 3);

        Assert.Equal(new[] { 0.625 }, option.MappingToFeatureSpace(Parameter.FromDouble(2.0)));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromDouble(2.5)));
        Assert.Contains("UniformIntOption", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2.5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformLongOption_LargeValues_RoundTrip()
    {
        long min = 1_000_000_000_000;
        var option = new UniformLongOption(min, min + 100);
        for (long k = min; k <= min + 100; k++)
        {
            Assert.Equal(k, option.SampleFromFeatureSpace(option.MappingToFeatureSpace(Parameter.FromLong(k))).AsType<long>());
        }

        Assert.Equal(min, option.SampleFromFeatureSpace([0.0]).AsType<long>());
        Assert.Equal(min + 100, option.SampleFromFeatureSpace([1.0]).AsType<long>());
        var full = new UniformLongOption(long.MinValue, long.MaxValue);
        Assert.Equal(long.MinValue, full.SampleFromFeatureSpace([0.0]).AsType<long>());
        Assert.Equal(long.MaxValue, full.SampleFromFeatureSpace([1.0]).AsType<long>());
    }

    [Fact]
    public void UniformDoubleOption_MinNotBelowMax_ThrowsNamingOptionAndValues()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(5, 1));
        Assert.Contains("UniformDoubleOption", ex.Message, StringComparison.Ordinal);
        Assert.Contains("min (5)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("max (1)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new UniformDoubleOption(2, 2));
    }

    [Fact]
    public void UniformDoubleOption_LogScaleWithNonPositiveMin_ThrowsNamingValues()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(0, 1, logBase: true));
        Assert.Contains("UniformDoubleOption", ex.Message, StringComparison.Ordinal);
        Assert.Contains("log scale", ex.Message, StringComparison.Ordinal);
        Assert.Contains("min = 0", ex.Message, StringComparison.Ordinal);
        Assert.Equal("min", ex.ParamName);
    }

    [Fact]
    public void UniformDoubleOption_NotFiniteBounds_ThrowNamingTheValue()
    {
        ArgumentException nan = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(double.NaN, 1));
        Assert.Contains("UniformDoubleOption: min must be a finite number, got NaN", nan.Message, StringComparison.Ordinal);
        ArgumentException inf = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(0, double.PositiveInfinity));
        Assert.Contains("max must be a finite number, got Infinity", inf.Message, StringComparison.Ordinal);
        ArgumentException wide = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(-double.MaxValue, double.MaxValue));
        Assert.Contains("too wide", wide.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformDoubleOption_DefaultOutsideRange_ThrowsNamingDefaultAndRange()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new UniformDoubleOption(0, 1, defaultValue: 1.5));
        Assert.Contains("UniformDoubleOption", ex.Message, StringComparison.Ordinal);
        Assert.Contains("defaultValue (1.5)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Equal("defaultValue", ex.ParamName);
    }

    [Fact]
    public void UniformSingleOption_BadDefinitions_ThrowNamingTheOption()
    {
        Assert.Contains("UniformSingleOption: min (3) must be less than max (2)", Assert.Throws<ArgumentException>(() => new UniformSingleOption(3f, 2f)).Message, StringComparison.Ordinal);
        Assert.Contains("min = -1", Assert.Throws<ArgumentException>(() => new UniformSingleOption(-1f, 2f, true)).Message, StringComparison.Ordinal);
        Assert.Contains("defaultValue (5)", Assert.Throws<ArgumentException>(() => new UniformSingleOption(0f, 2f, false, 5f)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UniformIntOption_BadDefinitions_ThrowNamingTheOptionAndValues()
    {
        ArgumentException order = Assert.Throws<ArgumentException>(() => new UniformIntOption(5, 5));
        Assert.Contains("UniformIntOption: min (5) must be less than max (5)", order.Message, StringComparison.Ordinal);
        ArgumentException log = Assert.Throws<ArgumentException>(() => new UniformIntOption(0, 10, logBase: true));
        Assert.Contains("UniformIntOption: a log scale needs min > 0, got min = 0 (max = 10)", log.Message, StringComparison.Ordinal);
        ArgumentException def = Assert.Throws<ArgumentException>(() => new UniformIntOption(1, 10, defaultValue: 11));
        Assert.Contains("UniformIntOption: defaultValue (11) must lie in [min, max] = [1, 10]", def.Message, StringComparison.Ordinal);
        ArgumentException longOrder = Assert.Throws<ArgumentException>(() => new UniformLongOption(9, -9));
        Assert.Contains("UniformLongOption: min (9) must be less than max (-9)", longOrder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleFromFeatureSpace_BadFeatureValues_ThrowArgumentException()
    {
        var option = new UniformDoubleOption(0, 1);

        Assert.Contains("takes 1 feature value, got 2", Assert.Throws<ArgumentException>(() => option.SampleFromFeatureSpace([0.1, 0.2])).Message, StringComparison.Ordinal);
        Assert.Contains("is NaN", Assert.Throws<ArgumentException>(() => option.SampleFromFeatureSpace([double.NaN])).Message, StringComparison.Ordinal);
        Assert.Contains("is 1.5", Assert.Throws<ArgumentException>(() => option.SampleFromFeatureSpace([1.5])).Message, StringComparison.Ordinal);
        Assert.Contains("is -0.1", Assert.Throws<ArgumentException>(() => new UniformIntOption(0, 3).SampleFromFeatureSpace([-0.1])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_ValueOutsideRangeOrWrongKind_ThrowsNamingOption()
    {
        var option = new UniformDoubleOption(0, 1);

        ArgumentException outside = Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromDouble(2)));
        Assert.Contains("UniformDoubleOption(min: 0, max: 1, logBase: false): value 2 lies outside [0, 1]", outside.Message, StringComparison.Ordinal);
        ArgumentException kind = Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromString("x")));
        Assert.Contains("expects a number", kind.Message, StringComparison.Ordinal);
        ArgumentException intOutside = Assert.Throws<ArgumentException>(() => new UniformIntOption(0, 3).MappingToFeatureSpace(Parameter.FromInt(4)));
        Assert.Contains("value 4 lies outside [0, 3]", intOutside.Message, StringComparison.Ordinal);
    }
}
