using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;
using MLNet.HyperGrad.AutoML;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class GridSearchTunerTests : TunerContractTests
{
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new GridSearchTuner(space, 3, seed);

    private static SearchSpace SmallSpace() => new()
    {
        ["a"] = new UniformDoubleOption(0, 1),
        ["b"] = new ChoiceOption("x", "y", "z"),
        ["c"] = new UniformIntOption(1, 2),
    };

    [Theory]
    [InlineData(null)]
    [InlineData(11)]
    public void Propose_WholeGrid_EveryPointExactlyOnceThenExhausted(int? seed)
    {
        var tuner = new GridSearchTuner(SmallSpace(), stepsPerContinuousDimension: 4, seed);
        Assert.Equal(4 * 3 * 2, tuner.Size);
        var seen = new HashSet<string>();
        int id = 0;
        while (!tuner.IsExhausted)
        {
            Assert.True(seen.Add(tuner.Propose(new TrialSettings { TrialId = id++ }).ToString()));
        }

        Assert.Equal(24, seen.Count);
        Assert.Contains(seen, s => s.Contains("\"a\":0.0", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Contains("\"a\":1.0", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => tuner.Propose(new TrialSettings { TrialId = id }));
    }

    [Fact]
    public void Update_ReplayedResults_AreNotProposedAgain()
    {
        SearchSpace space = SmallSpace();
        var first = new GridSearchTuner(space, 4, seed: 2);
        var done = new List<Parameter>();
        for (int id = 0; id < 10; id++)
        {
            done.Add(first.Propose(new TrialSettings { TrialId = id }));
        }

        var resumed = new GridSearchTuner(space, 4, seed: 2);
        foreach (Parameter p in done)
        {
            resumed.Update(new TrialResult { TrialSettings = new TrialSettings { Parameter = p }, Loss = 1 });
        }

        var rest = new List<string>();
        while (!resumed.IsExhausted)
        {
            rest.Add(resumed.Propose(new TrialSettings()).ToString());
        }

        Assert.Equal(14, rest.Count);
        Assert.Empty(rest.Intersect(done.Select(p => p.ToString())));
    }

    [Fact]
    public void Constructor_OneStep_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GridSearchTuner(SmallSpace(), 1));
        Assert.Contains("at least 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_HugeShuffledGrid_NeedsNoMemoryAndVisitsDistinctPoints()
    {
        var space = new SearchSpace { ["w"] = new UniformIntOption(1, 100_000), ["v"] = new UniformIntOption(1, 100_000) };
        var tuner = new GridSearchTuner(space, 5, seed: 1);
        Assert.Equal(10_000_000_000L, tuner.Size);
        var seen = new HashSet<string>();
        for (int id = 0; id < 1000; id++)
        {
            Assert.True(seen.Add(tuner.Propose(new TrialSettings { TrialId = id }).ToString()));
        }
    }

    /// <summary>Three trainers: a 3 × 2 grid, a continuous slot, and no hyperparameters at all.</summary>
    private static SearchSpace TrainerSpace() => new()
    {
        ["pipeline"] = new ConditionalSearchSpace(new Dictionary<string, SearchSpace>
        {
            ["a"] = new() { ["p"] = new UniformIntOption(1, 3), ["q"] = new ChoiceOption("x", "y") },
            ["b"] = new() { ["r"] = new UniformDoubleOption(0, 1) },
            ["c"] = new(),
        }),
    };

    [Theory]
    [InlineData(null)]
    [InlineData(4)]
    public void Propose_ConditionalSpace_EachBranchsOwnGridOnceThenExhausted(int? seed)
    {
        var tuner = new GridSearchTuner(TrainerSpace(), stepsPerContinuousDimension: 3, seed);

        // The sum of the branches' grids (6 + 3 + 1), not the product over every slot (3 · 3 · 2 · 3 = 54).
        Assert.Equal(10, tuner.Size);
        var seen = new List<Parameter>();
        int id = 0;
        while (!tuner.IsExhausted)
        {
            seen.Add(tuner.Propose(new TrialSettings { TrialId = id++ }));
        }

        Assert.Equal(10, seen.Select(p => p.ToString()).Distinct().Count());
        Dictionary<string, int> perTrainer = seen.GroupBy(p => p["pipeline"]["trainer"].AsType<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 6, ["b"] = 3, ["c"] = 1 }, perTrainer);
        Assert.Equal(
            ["0.0", "0.5", "1.0"],
            seen.Where(p => p["pipeline"]["trainer"].AsType<string>() == "b").Select(p => p["pipeline"]["b"]["r"].ToString()).Order(StringComparer.Ordinal));
        Assert.Contains(seen, p => p.ToString() == """{"pipeline":{"c":{},"trainer":"c"}}""");
        Assert.Throws<InvalidOperationException>(() => tuner.Propose(new TrialSettings { TrialId = id }));
    }

    [Fact]
    public void Update_ConditionalSpaceReplay_MarksThePointInItsBranch()
    {
        SearchSpace space = TrainerSpace();
        var first = new GridSearchTuner(space, 3, seed: 9);
        var done = new List<Parameter>();
        for (int id = 0; id < 4; id++)
        {
            done.Add(first.Propose(new TrialSettings { TrialId = id }));
        }

        var resumed = new GridSearchTuner(space, 3, seed: 9);
        foreach (Parameter p in done)
        {
            resumed.Update(new TrialResult { TrialSettings = new TrialSettings { Parameter = Parameter.FromJson(p.ToString()) }, Loss = 1 });
        }

        var rest = new List<string>();
        while (!resumed.IsExhausted)
        {
            rest.Add(resumed.Propose(new TrialSettings()).ToString());
        }

        Assert.Equal(6, rest.Count);
        Assert.Empty(rest.Intersect(done.Select(p => p.ToString())));
    }

    [Fact]
    public void Size_PlainOptionBesideConditional_MultipliesTheBranchSum()
    {
        SearchSpace space = TrainerSpace();
        space["z"] = new ChoiceOption(1, 2);
        Assert.Equal(20, new GridSearchTuner(space, 3).Size);
    }
}
