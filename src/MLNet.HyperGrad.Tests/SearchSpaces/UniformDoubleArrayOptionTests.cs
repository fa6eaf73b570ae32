using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class UniformDoubleArrayOptionTests
{
    [Fact]
    public void SampleMapSample_TenThousandElementsOnLogScale_RoundTrips()
    {
        const int Length = 10_000;
        var option = new UniformDoubleArrayOption(Length, 1e-5, 1.0, logBase: true);
        var random = new Random(7);
        double[] u = new double[Length];
        for (int i = 0; i < Length; i++)
        {
            u[i] = random.NextDouble();
        }

        u[0] = 0.0;
        u[1] = 1.0;

        Parameter first = option.SampleFromFeatureSpace(u);
        double[] encoded = option.MappingToFeatureSpace(first);
        Parameter second = option.SampleFromFeatureSpace(encoded);
        double[] values = first.AsDoubleArray();

        Assert.Equal(Length, option.FeatureSpaceDim);
        Assert.Equal(Length, first.Count);
        Assert.Equal(1e-5, values[0]);
        Assert.Equal(1.0, values[1]);
        for (int i = 0; i < Length; i++)
        {
            Assert.InRange(values[i], 1e-5, 1.0);
            Assert.Equal(u[i], encoded[i], 1e-12);
        }

        double[] again = second.AsDoubleArray();
        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(values[i], again[i], values[i] * 1e-12);
        }
    }

    [Fact]
    public void MappingToFeatureSpace_ElementwiseArray_IsAccepted()
    {
        var option = new UniformDoubleArrayOption(3, 0, 4);

        double[] encoded = option.MappingToFeatureSpace(Parameter.FromIEnumerable(new object[] { 0, 2.0, 4 }));

        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, encoded);
    }

    [Fact]
    public void Default_GivenOrNot_RepeatsInEverySlot()
    {
        Assert.Equal(new[] { 0.5, 0.5 }, new UniformDoubleArrayOption(2, 0, 1).Default);
        Assert.Equal(new[] { 0.25, 0.25, 0.25 }, new UniformDoubleArrayOption(3, 0, 4, defaultValue: 1).Default);
        Assert.Equal(new int?[] { null, null }, new UniformDoubleArrayOption(2, 0, 1).Step);
    }

    [Fact]
    public void Constructor_BadDefinitions_ThrowNamingOptionAndValues()
    {
        ArgumentException length = Assert.Throws<ArgumentException>(() => new UniformDoubleArrayOption(0, 0, 1));
        Assert.Contains("UniformDoubleArrayOption: length must be at least 1, got 0", length.Message, StringComparison.Ordinal);
        ArgumentException order = Assert.Throws<ArgumentException>(() => new UniformDoubleArrayOption(4, 3, 1));
        Assert.Contains("UniformDoubleArrayOption: min (3) must be less than max (1)", order.Message, StringComparison.Ordinal);
        ArgumentException log = Assert.Throws<ArgumentException>(() => new UniformDoubleArrayOption(4, -1, 1, true));
        Assert.Contains("min = -1", log.Message, StringComparison.Ordinal);
        ArgumentException def = Assert.Throws<ArgumentException>(() => new UniformDoubleArrayOption(4, 0, 1, false, 2));
        Assert.Contains("defaultValue (2)", def.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_WrongLengthOrElementOutside_ThrowsNamingTheProblem()
    {
        var option = new UniformDoubleArrayOption(3, 0, 1);

        Assert.Contains("expects 3 elements, got 2", Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromDoubleArray([0.1, 0.2]))).Message, StringComparison.Ordinal);
        Assert.Contains("element 2 is 1.5, outside [0, 1]", Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromDoubleArray([0.1, 0.2, 1.5]))).Message, StringComparison.Ordinal);
        Assert.Contains("expects an array of numbers", Assert.Throws<ArgumentException>(() => option.MappingToFeatureSpace(Parameter.FromDouble(0.5))).Message, StringComparison.Ordinal);
        Assert.Contains("feature value 1 is NaN", Assert.Throws<ArgumentException>(() => option.SampleFromFeatureSpace([0.1, double.NaN, 0.3])).Message, StringComparison.Ordinal);
    }
}
