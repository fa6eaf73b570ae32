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
}
