using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class SearchSpaceTests
{
    [Fact]
    public void Keys_MixedCaseAndDigits_AreInOrdinalOrder()
    {
        var space = new SearchSpace
        {
            ["item2"] = new UniformDoubleOption(0, 1),
            ["a"] = new UniformDoubleOption(0, 1),
            ["item10"] = new UniformDoubleOption(0, 1),
            ["B"] = new UniformDoubleOption(0, 1),
        };

        Assert.Equal(new[] { "B", "a", "item10", "item2" }, space.Keys);
        Assert.Equal(new[] { "B", "a", "item10", "item2" }, space.FeatureDimensions.Select(d => d.KeyPath));
    }

    [Fact]
    public void FeatureDimensions_AnyInsertionOrder_GiveTheSameSlotLayout()
    {
        SearchSpace forward = CreateMixedSpace(reverse: false);
        SearchSpace backward = CreateMixedSpace(reverse: true);

        string[] expected =
        [
            "Lr", "activation", "layers", "nested.momentum", "nested.nesterov", "rates[0]", "rates[1]", "rates[2]", "size",
        ];
        Assert.Equal(expected, forward.FeatureDimensions.Select(d => d.KeyPath));
        Assert.Equal(expected, backward.FeatureDimensions.Select(d => d.KeyPath));
        Assert.Equal(Enumerable.Range(0, 9), forward.FeatureDimensions.Select(d => d.Index));
        Assert.Equal(9, forward.FeatureSpaceDim);

        double[] u = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95];
        Assert.Equal(forward.SampleFromFeatureSpace(u), backward.SampleFromFeatureSpace(u));
    }

    [Fact]
    public void FeatureDimensions_KindsAndDifferentiability_FollowTheOptions()
    {
        SearchSpace space = CreateMixedSpace(reverse: false);
        Dictionary<string, FeatureDimension> byKey = space.FeatureDimensions.ToDictionary(d => d.KeyPath);

        Assert.Equal(FeatureDimensionKind.Continuous, byKey["Lr"].Kind);
        Assert.True(byKey["Lr"].IsDifferentiable);
        Assert.True(byKey["Lr"].IsLogScale);
        Assert.Equal(1e-4, byKey["Lr"].Min);
        Assert.True(byKey["rates[2]"].IsDifferentiable);
        Assert.Equal(FeatureDimensionKind.Integer, byKey["layers"].Kind);
        Assert.False(byKey["layers"].IsDifferentiable);
        Assert.Equal(8, byKey["layers"].Levels);
        Assert.Equal(FeatureDimensionKind.Categorical, byKey["activation"].Kind);
        Assert.False(byKey["activation"].IsDifferentiable);
        Assert.Equal(3, byKey["activation"].Levels);
        Assert.False(byKey["nested.nesterov"].IsDifferentiable);
        Assert.Equal(new int?[] { null, 3, 8, null, 2, null, null, null, 1_000_000 }, space.Step);
    }

    [Fact]
    public void SampleMapSample_EveryOptionKindAndNesting_RoundTrips()
    {
        SearchSpace space = CreateMixedSpace(reverse: false);
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] u = [.. Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble())];
            if (trial == 0)
            {
                Array.Fill(u, 0.0);
            }
            else if (trial == 1)
            {
                Array.Fill(u, 1.0);
            }

            Parameter first = space.SampleFromFeatureSpace(u);
            double[] encoded = space.MappingToFeatureSpace(first);
            Parameter second = space.SampleFromFeatureSpace(encoded);

            Assert.Equal(first.Keys, second.Keys);
            Assert.Equal(first["layers"], second["layers"]);
            Assert.Equal(first["activation"], second["activation"]);
            Assert.Equal(first["nested"]["nesterov"], second["nested"]["nesterov"]);
            Assert.Equal(first["size"], second["size"]);
            Assert.Equal(first["Lr"].AsType<double>(), second["Lr"].AsType<double>(), 1e-14);
            Assert.Equal(first["nested"]["momentum"].AsType<float>(), second["nested"]["momentum"].AsType<float>());
            Assert.Equal(first["rates"].AsDoubleArray(), second["rates"].AsDoubleArray(), new ToleranceComparer(1e-12));
            foreach (FeatureDimension d in space.FeatureDimensions.Where(d => d.IsDifferentiable))
            {
                Assert.Equal(u[d.Index], encoded[d.Index], 1e-6);
            }
        }
    }

    [Fact]
    public void SampleFromFeatureSpace_Point_DecodesEachKeyFromItsSlots()
    {
        var space = new SearchSpace(
            new KeyValuePair<string, OptionBase>("b", new UniformIntOption(0, 9)),
            new KeyValuePair<string, OptionBase>("a", new UniformDoubleOption(0, 10)));

        Parameter p = space.SampleFromFeatureSpace([0.25, 0.95]);

        Assert.Equal(2.5, p["a"].AsType<double>());
        Assert.Equal(9, p["b"].AsType<int>());
        Assert.Equal("""{"a":2.5,"b":9}""", p.ToString());
    }

    [Fact]
    public void Default_MixedOptions_IsEachOptionsDefaultOrMidpointInSlotOrder()
    {
        var space = new SearchSpace
        {
            ["x"] = new UniformDoubleOption(0, 10, defaultValue: 1),
            ["c"] = new ChoiceOption(["a", "b"], "b"),
            ["n"] = new UniformIntOption(0, 9),
            ["arr"] = new UniformDoubleArrayOption(2, 0, 1),
        };

        Assert.Equal(new[] { 0.5, 0.5, 0.75, 0.5, 0.1 }, space.Default);
        Parameter defaults = space.SampleFromFeatureSpace(space.Default);
        Assert.Equal(1.0, defaults["x"].AsType<double>(), 1e-15);
        Assert.Equal("b", defaults["c"].AsType<string>());
        Assert.Equal(5, defaults["n"].AsType<int>());
    }

    [Fact]
    public void SampleFromFeatureSpace_WrongLength_ThrowsNamingBothLengths()
    {
        SearchSpace space = CreateMixedSpace(reverse: false);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => space.SampleFromFeatureSpace([0.5, 0.5]));

        Assert.Contains("9 feature dimensions", ex.Message, StringComparison.Ordinal);
        Assert.Contains("length 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1.5, "1.5")]
    [InlineData(-1e-9, "-1E-09")]
    public void SampleFromFeatureSpace_ValueOutsideUnitCube_ThrowsNamingIndexAndKey(double bad, string shown)
    {
        SearchSpace space = CreateMixedSpace(reverse: false);
        double[] u = space.Default;
        u[6] = bad;

        ArgumentException ex = Assert.Throws<ArgumentException>(() => space.SampleFromFeatureSpace(u));

        Assert.Contains($"Feature value 6 (key 'rates[1]') is {shown}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_DuplicateKey_ThrowsNamingTheKey()
    {
        var space = new SearchSpace { ["lr"] = new UniformDoubleOption(0, 1) };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => space.Add("lr", new UniformIntOption(0, 3)));

        Assert.Contains("already has an option with key \"lr\"", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SearchSpace(
            new KeyValuePair<string, OptionBase>("k", new UniformDoubleOption(0, 1)),
            new KeyValuePair<string, OptionBase>("k", new UniformDoubleOption(0, 2))));
    }

    [Fact]
    public void Add_EmptyKeyOrSelfNesting_ThrowsArgumentException()
    {
        var outer = new SearchSpace();
        var inner = new SearchSpace { ["outer"] = outer };

        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => outer.Add(string.Empty, new UniformDoubleOption(0, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("contain itself", Assert.Throws<ArgumentException>(() => outer.Add("inner", inner)).Message, StringComparison.Ordinal);
        Assert.Contains("contain itself", Assert.Throws<ArgumentException>(() => outer["self"] = outer).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_MissingNestedKey_ThrowsNamingTheKeyPath()
    {
        SearchSpace space = CreateMixedSpace(reverse: false);
        Parameter p = space.SampleFromFeatureSpace(space.Default);
        p["nested"].Remove("momentum");

        ArgumentException ex = Assert.Throws<ArgumentException>(() => space.MappingToFeatureSpace(p));

        Assert.Contains("no key 'nested.momentum'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_ValueOutsideItsOption_ThrowsNamingKeyOptionAndValue()
    {
        SearchSpace space = CreateMixedSpace(reverse: false);
        Parameter p = space.SampleFromFeatureSpace(space.Default);
        p["layers"] = Parameter.FromInt(99);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => space.MappingToFeatureSpace(p));

        Assert.Contains("Parameter 'layers'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UniformIntOption", ex.Message, StringComparison.Ordinal);
        Assert.Contains("value 99 lies outside [1, 8]", ex.Message, StringComparison.Ordinal);
        Assert.Equal("value", ex.ParamName);
    }

    [Fact]
    public void MappingToFeatureSpace_ExtraKeys_AreIgnored()
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 4) };
        Parameter p = Parameter.CreateNestedParameter(("a", Parameter.FromDouble(1)), ("unrelated", Parameter.FromString("x")));

        Assert.Equal(new[] { 0.25 }, space.MappingToFeatureSpace(p));
    }

    [Fact]
    public void SampleMapSample_TenThousandElementArrayOptionInASpace_RoundTripsThroughJson()
    {
        var space = new SearchSpace
        {
            ["lrPerStep"] = new UniformDoubleArrayOption(10_000, 1e-6, 1.0, logBase: true, defaultValue: 1e-3),
            ["epochs"] = new UniformIntOption(1, 20),
        };
        var random = new Random(13);
        double[] u = [.. Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble())];

        Parameter first = space.SampleFromFeatureSpace(u);
        Parameter fromJson = Parameter.FromJson(first.ToString());
        double[] encoded = space.MappingToFeatureSpace(fromJson);

        Assert.Equal(10_001, space.FeatureSpaceDim);
        Assert.Equal(first, fromJson);
        // "epochs" sorts before "lrPerStep", so it takes slot 0 and the array slots 1 to 10,000.
        Assert.Equal(u.Skip(1), encoded.Skip(1), new ToleranceComparer(1e-12));
        Assert.Equal(first["epochs"], space.SampleFromFeatureSpace(encoded)["epochs"]);
        Assert.Equal("epochs", space.FeatureDimensions[0].KeyPath);
        Assert.Equal("lrPerStep[0]", space.FeatureDimensions[1].KeyPath);
        Assert.Equal("lrPerStep[9999]", space.FeatureDimensions[10_000].KeyPath);
        Assert.Equal(1e-3, space.SampleFromFeatureSpace(space.Default)["lrPerStep"].AsDoubleArray()[42], 1e-15);
    }

    [Fact]
    public void DictionaryMembers_AddRemoveEnumerate_BehaveLikeAnOrdinalDictionary()
    {
        var space = new SearchSpace { ["b"] = new UniformDoubleOption(0, 1), ["A"] = new ChoiceOption("x", "y") };

        Assert.Equal(2, space.Count);
        Assert.Equal(new[] { "A", "b" }, space.Select(kv => kv.Key));
        Assert.True(space.TryGetValue("b", out OptionBase? b));
        Assert.IsType<UniformDoubleOption>(b);
        Assert.Throws<KeyNotFoundException>(() => space["missing"]);
        Assert.True(space.Remove("b"));
        Assert.Equal(1, space.FeatureSpaceDim);
        space.Clear();
        Assert.Equal(0, space.FeatureSpaceDim);
        Assert.Equal(0, space.SampleFromFeatureSpace([]).Count);
    }

    private static SearchSpace CreateMixedSpace(bool reverse)
    {
        var entries = new List<KeyValuePair<string, OptionBase>>
        {
            new("size", new UniformLongOption(1, 1_000_000, logBase: true)),
            new("Lr", new UniformDoubleOption(1e-4, 1, logBase: true)),
            new("layers", new UniformIntOption(1, 8)),
            new("activation", new ChoiceOption("relu", "tanh", "gelu")),
            new("rates", new UniformDoubleArrayOption(3, 0.001, 0.1, logBase: true)),
            new("nested", new SearchSpace
            {
                ["nesterov"] = new ChoiceOption(true, false),
                ["momentum"] = new UniformSingleOption(0.5f, 0.99f),
            }),
        };
        if (reverse)
        {
            entries.Reverse();
        }

        return new SearchSpace(entries);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double obj) => 0;
    }
}
