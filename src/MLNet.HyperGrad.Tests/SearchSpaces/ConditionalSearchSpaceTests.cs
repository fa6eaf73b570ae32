using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class ConditionalSearchSpaceTests
{
    /// <summary>A trainer choice as the CLI builds it: the MLP's own space, and a LightGBM-like and an SDCA-like space.</summary>
    internal static ConditionalSearchSpace Trainers(string? defaultBranch = "mlp") => new(
        new Dictionary<string, SearchSpace>
        {
            ["mlp"] = new SearchSpace<MlpHyperparameters>(),
            ["lightgbm"] = new SearchSpace
            {
                ["learning_rate"] = new UniformDoubleOption(1e-3, 1, logBase: true, defaultValue: 0.1),
                ["num_leaves"] = new UniformIntOption(4, 1024, logBase: true, defaultValue: 31),
                ["use_bagging"] = new ChoiceOption(true, false),
            },
            ["sdca"] = new SearchSpace
            {
                ["l2"] = new UniformDoubleOption(1e-6, 1, logBase: true),
            },
        },
        defaultBranch: defaultBranch);

    private static SearchSpace Pipeline() => new() { ["pipeline"] = Trainers() };

    [Fact]
    public void Layout_SelectorThenBranchesInOrdinalOrder_DimensionsAdd()
    {
        ConditionalSearchSpace space = Trainers();
        Assert.Equal(["lightgbm", "mlp", "sdca"], space.BranchNames);
        Assert.Equal(1 + 3 + 7 + 1, space.FeatureSpaceDim);
        Assert.Equal(1, space.BranchOffset(0));
        Assert.Equal(4, space.BranchOffset(1));
        Assert.Equal(11, space.BranchOffset(2));
    }

    [Fact]
    public void SampleFromFeatureSpace_SelectorInABranchBin_HasExactlyTheSelectorAndThatBranch()
    {
        SearchSpace pipeline = Pipeline();
        double[] u = Enumerable.Repeat(0.5, pipeline.FeatureSpaceDim).ToArray();
        u[0] = 0.1; // bin 0 of 3: lightgbm
        u[1] = 1.0; // learning_rate at its max

        Parameter p = pipeline.SampleFromFeatureSpace(u);

        Assert.Equal(["pipeline"], p.Keys);
        Assert.Equal(["lightgbm", "trainer"], p["pipeline"].Keys);
        Assert.Equal("lightgbm", p["pipeline"]["trainer"].AsType<string>());
        Assert.Equal(["learning_rate", "num_leaves", "use_bagging"], p["pipeline"]["lightgbm"].Keys);
        Assert.Equal(1.0, p["pipeline"]["lightgbm"]["learning_rate"].AsType<double>(), 12);
    }

    [Theory]
    [InlineData(0.0, "lightgbm")]
    [InlineData(0.34, "mlp")]
    [InlineData(0.66, "mlp")]
    [InlineData(0.67, "sdca")]
    [InlineData(1.0, "sdca")]
    public void SampleFromFeatureSpace_SelectorSlot_PicksTheBranchOfItsBin(double selector, string expected)
    {
        ConditionalSearchSpace space = Trainers();
        double[] u = Enumerable.Repeat(0.3, space.FeatureSpaceDim).ToArray();
        u[0] = selector;
        Assert.Equal(expected, space.SampleFromFeatureSpace(u)["trainer"].AsType<string>());
    }

    [Fact]
    public void MappingToFeatureSpace_RandomPoints_RoundTripAndFillInactiveBranchesWithTheirDefaults()
    {
        ConditionalSearchSpace space = Trainers();
        var random = new Random(3);
        var seen = new HashSet<string>();
        for (int trial = 0; trial < 300; trial++)
        {
            double[] u = [.. Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble())];
            Parameter first = space.SampleFromFeatureSpace(u);
            double[] encoded = space.MappingToFeatureSpace(first);
            Parameter again = space.SampleFromFeatureSpace(encoded);
            Assert.Equal(first, again);

            // JSON round trip: what a study stores decodes to the same point.
            Assert.Equal(encoded, space.MappingToFeatureSpace(Parameter.FromJson(first.ToString())));

            int level = space.SelectLevel(encoded);
            string branch = space.BranchNames[level];
            seen.Add(branch);
            for (int other = 0; other < space.BranchNames.Count; other++)
            {
                if (other != level)
                {
                    SearchSpace inactive = space.Branches[space.BranchNames[other]];
                    Assert.Equal(inactive.Default, encoded.AsSpan(space.BranchOffset(other), inactive.FeatureSpaceDim).ToArray());
                }
            }
        }

        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Default_DefaultBranch_DecodesToThatBranchsDefaults()
    {
        ConditionalSearchSpace space = Trainers(defaultBranch: "lightgbm");
        Parameter start = space.SampleFromFeatureSpace(space.Default);

        Assert.Equal("lightgbm", start["trainer"].AsType<string>());
        Assert.Equal(0.1, start["lightgbm"]["learning_rate"].AsType<double>(), 12);
        Assert.Equal(31, start["lightgbm"]["num_leaves"].AsType<int>());

        Parameter mlp = Trainers(defaultBranch: "mlp").SampleFromFeatureSpace(Trainers().Default);
        Assert.Equal(MlpHyperparameters.Default, mlp["mlp"].AsType<MlpHyperparameters>());
    }

    [Fact]
    public void Default_NoDefaultBranch_IsTheBranchAtTheSelectorMidPoint()
        => Assert.Equal("mlp", Trainers(defaultBranch: null).DefaultBranch);

    [Fact]
    public void Step_GridLevels_SelectorCountThenBranchSteps()
    {
        ConditionalSearchSpace space = Trainers();
        int?[] step = space.Step;
        Assert.Equal(space.FeatureSpaceDim, step.Length);
        Assert.Equal(3, step[0]);
        Assert.Equal(new int?[] { null, 1021, 2 }, step[1..4]);
    }

    [Fact]
    public void FeatureDimensions_BranchSlots_NameTheirSelectorAndBranch()
    {
        SearchSpace pipeline = Pipeline();
        IReadOnlyList<FeatureDimension> dims = pipeline.FeatureDimensions;

        FeatureDimension selector = dims[0];
        Assert.Equal("pipeline.trainer", selector.KeyPath);
        Assert.Equal(FeatureDimensionKind.Categorical, selector.Kind);
        Assert.Equal(["lightgbm", "mlp", "sdca"], selector.Branches!);
        Assert.Empty(selector.ActiveWhen);

        FeatureDimension leaves = dims.Single(d => d.KeyPath == "pipeline.lightgbm.num_leaves");
        FeatureCondition condition = Assert.Single(leaves.ActiveWhen);
        Assert.Equal(new FeatureCondition(0, "pipeline.trainer", 0, "lightgbm"), condition);
        Assert.Null(leaves.Branches);
        Assert.EndsWith("when pipeline.trainer = lightgbm", leaves.ToString(), StringComparison.Ordinal);

        Assert.Equal(Enumerable.Range(0, pipeline.FeatureSpaceDim), dims.Select(d => d.Index));
        Assert.All(dims.Skip(1), d => Assert.StartsWith($"pipeline.{Assert.Single(d.ActiveWhen).Branch}.", d.KeyPath, StringComparison.Ordinal));
        Assert.Equal(7, dims.Count(d => d.ActiveWhen.Count == 1 && d.ActiveWhen[0].Level == 1));
    }

    [Fact]
    public void FeatureDimensions_ConditionalInsideABranch_StackConditionsOutermostFirst()
    {
        var inner = new ConditionalSearchSpace(
            new Dictionary<string, SearchSpace>
            {
                ["sgd"] = new() { ["momentum"] = new UniformDoubleOption(0, 0.99) },
                ["adam"] = new() { ["beta1"] = new UniformDoubleOption(0.8, 0.999) },
            },
            selectorKey: "optimizer");
        var outer = new ConditionalSearchSpace(new Dictionary<string, SearchSpace>
        {
            ["mlp"] = new() { ["opt"] = inner },
            ["sdca"] = new() { ["l2"] = new UniformDoubleOption(1e-6, 1, logBase: true) },
        });

        FeatureDimension beta1 = outer.DescribeFeatureSpace(string.Empty, 0).Single(d => d.KeyPath == "mlp.opt.adam.beta1");
        Assert.Equal(["trainer = mlp", "mlp.opt.optimizer = adam"], beta1.ActiveWhen.Select(c => c.ToString()));
        Assert.Equal(1, beta1.ActiveWhen[1].SelectorIndex);

        double[] u = [0.2, 0.9, 0.5, 0.5, 0.5];
        Parameter p = outer.SampleFromFeatureSpace(u);
        Assert.Equal("""{"mlp":{"opt":{"optimizer":"sgd","sgd":{"momentum":0.495}}},"trainer":"mlp"}""", p.ToString());
        Assert.Equal(p, outer.SampleFromFeatureSpace(outer.MappingToFeatureSpace(p)));
    }

    [Fact]
    public void SingleBranch_NoSelectorSlot_ValueStillNamesTheBranch()
    {
        var space = new ConditionalSearchSpace(new Dictionary<string, SearchSpace> { ["sdca"] = new() { ["l2"] = new UniformDoubleOption(0, 1) } });
        Assert.Equal(1, space.FeatureSpaceDim);
        Parameter p = space.SampleFromFeatureSpace([0.25]);
        Assert.Equal("""{"sdca":{"l2":0.25},"trainer":"sdca"}""", p.ToString());
        Assert.Equal([0.25], space.MappingToFeatureSpace(p));
        Assert.Empty(space.DescribeFeatureSpace(string.Empty, 0).Single().ActiveWhen);
    }

    [Fact]
    public void MappingToFeatureSpace_UnknownTrainer_NamesTheSelectorAndTheBranches()
    {
        Parameter bad = Parameter.FromJson("""{"pipeline":{"trainer":"xgboost","xgboost":{}}}""");
        var ex = Assert.Throws<ArgumentException>(() => Pipeline().MappingToFeatureSpace(bad));
        Assert.StartsWith("""Parameter 'pipeline': The selector 'trainer' is "xgboost"; expected one of the branches ["lightgbm", "mlp", "sdca"].""", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_BranchKeyMissing_SaysWhichKeyTheSelectorNeeds()
    {
        Parameter bad = Parameter.FromJson("""{"trainer":"sdca","lightgbm":{}}""");
        var ex = Assert.Throws<ArgumentException>(() => Trainers().MappingToFeatureSpace(bad));
        Assert.StartsWith("The selector 'trainer' is \"sdca\" but the value has no key 'sdca' for that branch; its keys are [lightgbm, trainer].", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_BranchValueOutOfRange_NamesTheBranchAndKey()
    {
        Parameter bad = Parameter.FromJson("""{"trainer":"sdca","sdca":{"l2":5.0}}""");
        var ex = Assert.Throws<ArgumentException>(() => Trainers().MappingToFeatureSpace(bad));
        Assert.StartsWith("Branch 'sdca': Parameter 'l2': ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingToFeatureSpace_SelectorMissingOrNotAString_Throws()
    {
        Assert.Contains("has no selector key 'trainer'", Assert.Throws<ArgumentException>(() => Trainers().MappingToFeatureSpace(Parameter.FromJson("""{"sdca":{"l2":0.5}}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("The selector 'trainer' is 3;", Assert.Throws<ArgumentException>(() => Trainers().MappingToFeatureSpace(Parameter.FromJson("""{"trainer":3}"""))).Message, StringComparison.Ordinal);
        Assert.Contains("must be an Object", Assert.Throws<ArgumentException>(() => Trainers().MappingToFeatureSpace(Parameter.FromString("sdca"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidBranches_ThrowWithTheReason()
    {
        SearchSpace empty = new();
        Assert.Contains("at least one branch", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([])).Message, StringComparison.Ordinal);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new("a", empty), new("a", empty)])).Message, StringComparison.Ordinal);
        Assert.Contains("name of the selector key", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new("trainer", empty)])).Message, StringComparison.Ordinal);
        Assert.Contains("must not be null or empty", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new(string.Empty, empty)])).Message, StringComparison.Ordinal);
        Assert.Contains("no search space (null)", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new("a", null!)])).Message, StringComparison.Ordinal);
        Assert.Contains("""The default branch "c" is not one of the branches [a, b]""", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new("a", empty), new("b", empty)], defaultBranch: "c")).Message, StringComparison.Ordinal);
        Assert.Contains("selector key", Assert.Throws<ArgumentException>(() => new ConditionalSearchSpace([new("a", empty)], selectorKey: string.Empty)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleFromFeatureSpace_WrongLength_NamesTheSpaceAndBothLengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => Trainers().SampleFromFeatureSpace([0.5]));
        Assert.StartsWith("ConditionalSearchSpace(trainer: [lightgbm, mlp, sdca]) takes 12 feature values, got 1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_ConditionalIntoItsOwnBranch_ThrowsInsteadOfACycle()
    {
        var branch = new SearchSpace { ["l2"] = new UniformDoubleOption(0, 1) };
        var space = new ConditionalSearchSpace([new("sdca", branch), new("other", new SearchSpace())]);
        var outer = new SearchSpace { ["pipeline"] = space };

        Assert.Contains("contain itself", Assert.Throws<ArgumentException>(() => branch.Add("again", space)).Message, StringComparison.Ordinal);
        Assert.Contains("contain itself", Assert.Throws<ArgumentException>(() => branch.Add("outer", outer)).Message, StringComparison.Ordinal);
        Assert.Equal(2, outer.FeatureSpaceDim);
    }
}
