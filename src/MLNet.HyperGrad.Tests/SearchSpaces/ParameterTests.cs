using System.Text.Json;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class ParameterTests
{
    [Fact]
    public void Factories_EachKind_ReportTheirParameterType()
    {
        Assert.Equal(ParameterType.Number, Parameter.FromDouble(0.5).ParameterType);
        Assert.Equal(ParameterType.Number, Parameter.FromFloat(0.5f).ParameterType);
        Assert.Equal(ParameterType.Integer, Parameter.FromInt(3).ParameterType);
        Assert.Equal(ParameterType.Integer, Parameter.FromLong(3L).ParameterType);
        Assert.Equal(ParameterType.Bool, Parameter.FromBool(true).ParameterType);
        Assert.Equal(ParameterType.String, Parameter.FromString("x").ParameterType);
        Assert.Equal(ParameterType.String, Parameter.FromEnum(DayOfWeek.Monday).ParameterType);
        Assert.Equal(ParameterType.Array, Parameter.FromIEnumerable(new[] { 1, 2 }).ParameterType);
        Assert.Equal(ParameterType.Array, Parameter.FromDoubleArray([1.0]).ParameterType);
        Assert.Equal(ParameterType.Object, Parameter.CreateNestedParameter().ParameterType);
    }

    [Fact]
    public void ToString_ObjectKeys_AreInOrdinalOrder()
    {
        Parameter p = Parameter.CreateNestedParameter(
            ("item2", Parameter.FromInt(2)),
            ("a", Parameter.FromInt(0)),
            ("item10", Parameter.FromInt(10)),
            ("B", Parameter.FromInt(1)));

        Assert.Equal("""{"B":1,"a":0,"item10":10,"item2":2}""", p.ToString());
        Assert.Equal(new[] { "B", "a", "item10", "item2" }, p.Keys);
    }

    [Fact]
    public void ToString_Numbers_AlwaysCarryAFractionOrExponent()
    {
        Assert.Equal("3.0", Parameter.FromDouble(3).ToString());
        Assert.Equal("3", Parameter.FromInt(3).ToString());
        Assert.Equal("-0.25", Parameter.FromDouble(-0.25).ToString());
        Assert.Equal("1E-05", Parameter.FromDouble(1e-5).ToString());
        Assert.Equal("[1.0,2.5]", Parameter.FromDoubleArray([1.0, 2.5]).ToString());
        Assert.Equal(ParameterType.Number, Parameter.FromJson("3.0").ParameterType);
        Assert.Equal(ParameterType.Integer, Parameter.FromJson("3").ParameterType);
    }

    [Fact]
    public void FromFloat_ShortDecimal_IsWrittenShortAndReadsBackExactly()
    {
        Parameter p = Parameter.FromFloat(0.1f);
        Assert.Equal("0.1", p.ToString());
        Assert.Equal(0.1f, p.AsType<float>());
        Assert.Equal(0.1, p.AsType<double>());

        var random = new Random(11);
        for (int i = 0; i < 1000; i++)
        {
            float value = (float)(random.NextDouble() * Math.Pow(10, random.Next(-8, 8)));
            Assert.Equal(value, Parameter.FromFloat(value).AsType<float>());
            Assert.Equal(value, Parameter.FromJson(Parameter.FromFloat(value).ToString()).AsType<float>());
        }
    }

    [Fact]
    public void FromJson_NestedTree_RoundTripsToAnEqualParameter()
    {
        Parameter original = Parameter.CreateNestedParameter(
            ("name", Parameter.FromString("quote \" backslash \\ unicode é ✓")),
            ("big", Parameter.FromLong(long.MaxValue)),
            ("tiny", Parameter.FromDouble(4.9e-324)),
            ("neg", Parameter.FromDouble(-1.5e300)),
            ("flag", Parameter.FromBool(false)),
            ("dense", Parameter.FromDoubleArray([0.1, 0.2, 3.0])),
            ("mixed", Parameter.FromIEnumerable(new object[] { 1, "two", 3.5, true })),
            ("nested", Parameter.CreateNestedParameter(("inner", Parameter.FromIEnumerable(new[] { 1, 2, 3 })))),
            ("empty", Parameter.FromIEnumerable(Array.Empty<int>())));

        string json = original.ToString();
        Parameter parsed = Parameter.FromJson(json);

        Assert.Equal(original, parsed);
        Assert.Equal(original.GetHashCode(), parsed.GetHashCode());
        Assert.Equal(json, parsed.ToString());
        Assert.Equal("quote \" backslash \\ unicode é ✓", parsed["name"].AsType<string>());
        Assert.Equal(long.MaxValue, parsed["big"].AsType<long>());
        Assert.Equal(4.9e-324, parsed["tiny"].AsType<double>());
    }

    [Fact]
    public void JsonSerializer_Parameter_UsesTheSameFormat()
    {
        Parameter p = Parameter.CreateNestedParameter(("b", Parameter.FromDouble(2)), ("a", Parameter.FromString("x")));

        string json = JsonSerializer.Serialize(p);
        Parameter? back = JsonSerializer.Deserialize<Parameter>(json);

        Assert.Equal("""{"a":"x","b":2.0}""", json);
        Assert.Equal(p, back);
    }

    [Fact]
    public void FromJson_InvalidText_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Parameter.FromJson("{\"a\": [1, 2"));
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_NullValue_ThrowsArgumentExceptionNamingThePath()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Parameter.FromJson("""{"a":{"b":[1,null]}}"""));
        Assert.Contains("a.b[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDouble_NotFinite_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Parameter.FromDouble(double.NaN));
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Parameter.FromDoubleArray([1.0, double.PositiveInfinity]));
    }

    [Fact]
    public void Equals_DenseAndElementwiseArraysOfSameNumbers_AreEqualWithEqualHashes()
    {
        Parameter dense = Parameter.FromDoubleArray([1.0, 2.5]);
        Parameter items = Parameter.FromIEnumerable(new object[] { 1.0, 2.5 });

        Assert.Equal(dense, items);
        Assert.Equal(dense.GetHashCode(), items.GetHashCode());
        Assert.NotEqual(dense, Parameter.FromDoubleArray([1.0, 2.6]));
        Assert.NotEqual(dense, Parameter.FromDoubleArray([1.0]));
    }

    [Fact]
    public void Equals_IntegerAndNumberOfSameValue_AreDifferent()
    {
        Assert.NotEqual(Parameter.FromInt(3), Parameter.FromDouble(3));
        Assert.Equal(Parameter.FromInt(3), Parameter.FromLong(3));
    }

    [Fact]
    public void Equals_ObjectsWithSameKeysInAnyInsertionOrder_AreEqual()
    {
        Parameter first = Parameter.CreateNestedParameter(("a", Parameter.FromInt(1)), ("b", Parameter.FromString("x")), ("c", Parameter.FromBool(true)));
        Parameter second = Parameter.CreateNestedParameter(("c", Parameter.FromBool(true)), ("a", Parameter.FromInt(1)), ("b", Parameter.FromString("x")));
        Parameter third = Parameter.CreateNestedParameter(("c", Parameter.FromBool(false)), ("a", Parameter.FromInt(1)), ("b", Parameter.FromString("x")));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, third);
    }

    [Fact]
    public void FromDoubleArray_SourceChangedAfterwards_ParameterKeepsItsValues()
    {
        double[] source = [1.0, 2.0];
        Parameter p = Parameter.FromDoubleArray(source);
        source[0] = 99;
        double[] copy = p.AsDoubleArray();
        copy[1] = 99;

        Assert.Equal(new[] { 1.0, 2.0 }, p.AsDoubleArray());
    }

    [Fact]
    public void Indexers_ObjectAndArray_GetSetAndReportMisuse()
    {
        Parameter p = Parameter.CreateNestedParameter(("xs", Parameter.FromIEnumerable(new[] { 10, 20 })));
        p["y"] = Parameter.FromBool(true);

        Assert.Equal(2, p.Count);
        Assert.True(p.ContainsKey("y"));
        Assert.Equal(20, p["xs"][1].AsType<int>());
        Assert.Equal(2, p["xs"].Count);
        Assert.Contains("xs", Assert.Throws<KeyNotFoundException>(() => p["z"]).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => p["xs"][2]);
        Assert.Throws<InvalidOperationException>(() => p["y"].Count);
        Assert.Throws<InvalidOperationException>(() => p["y"]["k"]);
        Assert.True(p.Remove("y"));
        Assert.False(p.ContainsKey("y"));
    }

    [Fact]
    public void Indexer_SetValueContainingItself_ThrowsArgumentException()
    {
        Parameter outer = Parameter.CreateNestedParameter();
        Parameter inner = Parameter.CreateNestedParameter(("outer", outer));

        ArgumentException ex = Assert.Throws<ArgumentException>(() => outer["inner"] = inner);
        Assert.Contains("contain itself", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromObjectAndAsType_ClassWithNestedMembers_RoundTrip()
    {
        var value = new Settings
        {
            Rate = 0.01,
            Epochs = 7,
            Scale = 1.5f,
            Name = "mlp",
            Day = DayOfWeek.Friday,
            Hidden = [64, 32],
            Weights = [0.5, 0.25],
            Inner = new InnerSettings { Momentum = 0.9, Nesterov = true },
            Seed = 42,
        };

        Parameter p = Parameter.FromObject(value);
        Settings back = Parameter.FromJson(p.ToString()).AsType<Settings>();

        Assert.Equal("Friday", p["Day"].AsType<string>());
        Assert.Equal(value.Rate, back.Rate);
        Assert.Equal(value.Epochs, back.Epochs);
        Assert.Equal(value.Scale, back.Scale);
        Assert.Equal(value.Name, back.Name);
        Assert.Equal(value.Day, back.Day);
        Assert.Equal(value.Hidden, back.Hidden);
        Assert.Equal(value.Weights, back.Weights);
        Assert.Equal(0.9, back.Inner!.Momentum);
        Assert.True(back.Inner.Nesterov);
        Assert.Equal(42, back.Seed);
    }

    [Fact]
    public void AsType_ScalarConversions_FollowTheDocumentedRules()
    {
        Assert.Equal(3.0, Parameter.FromInt(3).AsType<double>());
        Assert.Equal(3, Parameter.FromDouble(3.0).AsType<int>());
        Assert.Equal((int?)5, Parameter.FromInt(5).AsType<int?>());
        Assert.Equal(DayOfWeek.Sunday, Parameter.FromString("Sunday").AsType<DayOfWeek>());
        Assert.Equal(new List<int> { 1, 2 }, Parameter.FromIEnumerable(new[] { 1, 2 }).AsType<List<int>>());
        Assert.Equal(new[] { 1.5f, 2f }, Parameter.FromDoubleArray([1.5, 2.0]).AsType<float[]>());
        Assert.Equal(2L, Parameter.FromJson("""{"a":2}""").AsType<Dictionary<string, long>>()["a"]);
        Assert.Equal(7L, Parameter.FromInt(7).AsType<object>());
    }

    [Fact]
    public void AsType_NestedKindMismatch_ThrowsInvalidCastExceptionNamingKeyAndTypes()
    {
        Parameter p = Parameter.FromJson("""{"Inner":{"Momentum":"high"}}""");

        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => p.AsType<Settings>());

        Assert.Contains("'Inner.Momentum'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("String", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"high\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Double", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsType_FractionalNumberToInt_ThrowsInvalidCastException()
    {
        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => Parameter.FromDouble(2.5).AsType<int>());
        Assert.Contains("2.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not a whole number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsType_IntegerOutOfRange_ThrowsInvalidCastException()
    {
        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => Parameter.FromLong(1L << 40).AsType<int>());
        Assert.Contains("outside the range of Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsType_UnknownEnumName_ThrowsListingTheMembers()
    {
        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => Parameter.FromString("Funday").AsType<DayOfWeek>());
        Assert.Contains("Funday", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sunday", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsType_KeyWithoutMember_ThrowsNamingTheKey()
    {
        Parameter p = Parameter.FromJson("""{"Rate":0.1,"Typo":1}""");

        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => p.AsType<Settings>());

        Assert.Contains("'Typo'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Settings), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsType_ArrayElementMismatch_NamesTheElementPath()
    {
        Parameter p = Parameter.FromJson("""{"Hidden":[64,"wide"]}""");

        InvalidCastException ex = Assert.Throws<InvalidCastException>(() => p.AsType<Settings>());

        Assert.Contains("'Hidden[1]'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AsDoubleArray_TenThousandElements_RoundTripsThroughJson()
    {
        var random = new Random(3);
        double[] values = new double[10_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() * Math.Pow(10, random.Next(-6, 3));
        }

        Parameter p = Parameter.FromDoubleArray(values);
        Parameter back = Parameter.FromJson(p.ToString());

        Assert.Equal(values, back.AsDoubleArray());
        Assert.Equal(p, back);
        Assert.Equal(10_000, back.Count);
    }

    private sealed class Settings
    {
        public double Rate { get; set; }

        public int Epochs { get; set; }

        public float Scale { get; set; }

        public string? Name { get; set; }

        public DayOfWeek Day { get; set; }

        public int[]? Hidden { get; set; }

        public List<double>? Weights { get; set; }

        public InnerSettings? Inner { get; set; }

        public int Seed;

        public int ReadOnlyDerived => Epochs * 2;
    }

    private sealed class InnerSettings
    {
        public double Momentum { get; set; }

        public bool Nesterov { get; set; }
    }
}
