using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Tests.Transfer;

public sealed class StudyFilterTests
{
    private static StudyRecord Study(string name, params (string Key, string Value)[] attributes) => new()
    {
        Id = 1,
        Name = name,
        TaskDescription = string.Empty,
        SearchSpaceJson = "[]",
        Direction = StudyDirection.Minimize,
        CreatedAtUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Attributes = attributes.ToDictionary(a => a.Key, a => a.Value),
    };

    [Theory]
    [InlineData("classification-*", "classification-iris", true)]
    [InlineData("classification-*", "regression-iris", false)]
    [InlineData("iris-?", "iris-1", true)]
    [InlineData("iris-?", "iris-12", false)]
    [InlineData("iris", "iris", true)]
    [InlineData("iris", "iris-2", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("*", "anything", true)]
    [InlineData("wine, iris-*", "iris-3", true)]
    [InlineData("wine, iris-*", "wine", true)]
    [InlineData("wine, iris-*", "digits", false)]
    public void Parse_NamePatterns_MatchWholeNamesOrdinally(string filter, string name, bool expected)
    {
        Assert.Equal(expected, StudyFilter.Parse(filter).Matches(Study(name)));
    }

    [Fact]
    public void Parse_KeyValue_MatchesAnAttributeOrAnIdentityPart()
    {
        StudyFilter filter = StudyFilter.Parse("task=classification");

        Assert.True(filter.Matches(Study("a", ("identity: task", "classification"))));
        Assert.True(filter.Matches(Study("b", ("task", "classification"))));
        Assert.False(filter.Matches(Study("c", ("identity: task", "regression"))));
        Assert.False(filter.Matches(Study("d")));
        Assert.Equal("studies with task = classification", filter.Description);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("  ", "empty")]
    [InlineData("a,,b", "empty term")]
    [InlineData("a, ", "empty term")]
    [InlineData("=x", "without a key")]
    public void Parse_Malformed_ThrowsArgumentExceptionSayingWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => StudyFilter.Parse(text));

        Assert.Equal("text", error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamePrefix_MatchesNamesStartingWithIt()
    {
        StudyFilter filter = StudyFilter.NamePrefix("earlier-");

        Assert.True(filter.Matches(Study("earlier-iris")));
        Assert.False(filter.Matches(Study("later-iris")));
        Assert.Equal("studies named earlier-*", filter.ToString());
    }
}
