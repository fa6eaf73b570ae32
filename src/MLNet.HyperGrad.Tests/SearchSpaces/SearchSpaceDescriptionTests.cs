using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.SearchSpaces;

public sealed class SearchSpaceDescriptionTests
{
    private static SearchSpace Space(int maxEpochs) => new()
    {
        ["mlp"] = new SearchSpace
        {
            ["learning_rate"] = new UniformDoubleOption(1e-4, 0.5, logBase: true),
            ["epochs"] = maxEpochs == 1 ? new ChoiceOption([1], 1) : new UniformIntOption(1, maxEpochs),
        },
    };

    [Fact]
    public void ToJson_Space_ListsEverySlotInTheStoredFormat()
    {
        // The format studies already store: changing it would make every existing study refuse to resume.
        Assert.Equal(
            """[{"key":"mlp.epochs","kind":"Integer","levels":20,"log":false,"min":"1","max":"20"},{"key":"mlp.learning_rate","kind":"Continuous","levels":null,"log":true,"min":"0.0001","max":"0.5"}]""",
            SearchSpaceDescription.ToJson(Space(20)));
    }

    [Fact]
    public void Compare_SameSpace_NoDifference()
        => Assert.Empty(SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Space(20)), Space(20)));

    [Fact]
    public void Compare_ChangedMax_NamesTheOptionAndBothValuesWithoutLevels()
    {
        IReadOnlyList<SearchSpaceDifference> differences = SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Space(5)), Space(20));

        SearchSpaceDifference difference = Assert.Single(differences);
        Assert.Equal(new SearchSpaceDifference("mlp.epochs", "max", "5", "20"), difference);
        Assert.Equal("mlp.epochs: max 5 in the study, 20 in this run", difference.ToString());
    }

    [Fact]
    public void Compare_OptionOnlyInOne_ReportsItsPresence()
    {
        IReadOnlyList<SearchSpaceDifference> differences = SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Space(1)), Space(3));

        SearchSpaceDifference difference = Assert.Single(differences);
        Assert.Equal("mlp.epochs: in this run, not in the study", difference.ToString());
    }

    [Fact]
    public void Compare_ChangedScale_ReportsLog()
    {
        var linear = new SearchSpace { ["lr"] = new UniformDoubleOption(1e-4, 0.5) };
        var log = new SearchSpace { ["lr"] = new UniformDoubleOption(1e-4, 0.5, logBase: true) };

        Assert.Equal("lr: log false in the study, true in this run", Assert.Single(SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(linear), log)).ToString());
    }

    [Fact]
    public void Compare_NotADescription_OneDifferenceForTheWhole()
    {
        SearchSpaceDifference difference = Assert.Single(SearchSpaceDescription.Compare("""{"learning_rate":{"min":1}}""", Space(20)));
        Assert.Equal("*", difference.KeyPath);
    }

    [Fact]
    public void MismatchException_ChangedMax_AShortMessageNamingTheOptionNotTheJson()
    {
        var ex = new SearchSpaceMismatchException("study-a", SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Space(5)), Space(20)));

        Assert.Contains("study-a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mlp.epochs: max 5 in the study, 20 in this run", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{", ex.Message, StringComparison.Ordinal);
        Assert.InRange(ex.Message.Length, 1, 300);
        Assert.Equal("study-a", ex.StudyName);
        Assert.Single(ex.Differences);
    }

    private static SearchSpace Pipeline(params string[] trainers) => new()
    {
        ["pipeline"] = new ConditionalSearchSpace(trainers.Select(t => new KeyValuePair<string, SearchSpace>(t, new SearchSpace
        {
            ["l2"] = new UniformDoubleOption(1e-6, 1, logBase: true),
        }))),
    };

    [Fact]
    public void ToJson_ConditionalSpace_ListsTheSelectorsBranchesAndEachSlotsCondition()
    {
        Assert.Equal(
            """[{"key":"pipeline.trainer","kind":"Categorical","levels":2,"log":false,"min":null,"max":null,"branches":"lightgbm,sdca"},"""
            + """{"key":"pipeline.lightgbm.l2","kind":"Continuous","levels":null,"log":true,"min":"1E-06","max":"1","when":"pipeline.trainer = lightgbm"},"""
            + """{"key":"pipeline.sdca.l2","kind":"Continuous","levels":null,"log":true,"min":"1E-06","max":"1","when":"pipeline.trainer = sdca"}]""",
            SearchSpaceDescription.ToJson(Pipeline("sdca", "lightgbm")));
    }

    [Fact]
    public void Compare_SameConditionalSpace_NoDifference()
        => Assert.Empty(SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Pipeline("sdca", "lightgbm")), Pipeline("lightgbm", "sdca")));

    [Fact]
    public void Compare_TrainerAdded_NamesTheSelectorsBranchesAndTheNewSlots()
    {
        IReadOnlyList<SearchSpaceDifference> differences = SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(Pipeline("lightgbm", "sdca")), Pipeline("fasttree", "lightgbm", "sdca"));

        Assert.Equal(
            ["pipeline.fasttree.l2: in this run, not in the study", "pipeline.trainer: branches lightgbm,sdca in the study, fasttree,lightgbm,sdca in this run"],
            differences.Select(d => d.ToString()));
        Assert.DoesNotContain(differences, d => d.Property == "levels");
    }

    [Fact]
    public void Compare_BranchesRenamedWithSameSlots_ReportsTheBranchesAndConditions()
    {
        var study = new SearchSpace { ["pipeline"] = new ConditionalSearchSpace([new("a", new SearchSpace()), new("b", new SearchSpace())]) };
        var run = new SearchSpace { ["pipeline"] = new ConditionalSearchSpace([new("a", new SearchSpace()), new("c", new SearchSpace())]) };

        SearchSpaceDifference difference = Assert.Single(SearchSpaceDescription.Compare(SearchSpaceDescription.ToJson(study), run));
        Assert.Equal("pipeline.trainer: branches a,b in the study, a,c in this run", difference.ToString());
    }
}
