using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class PortfolioTunerTests : TunerContractTests
{
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new PortfolioTuner(space, seed);

    [Fact]
    public void Update_EveryMemberLearnsEveryResult_AndTheImprovingMemberIsChosenMoreOften()
    {
        // Member "good" proposes ever better points of the objective (its loss falls each time); "bad" proposes the worst.
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) };
        var good = new ScriptedTuner(space, id => 1.0 / (id + 2));
        var bad = new ScriptedTuner(space, _ => 1.0);
        var portfolio = new PortfolioTuner([("good", good), ("bad", bad)], seed: 4);
        for (int id = 0; id < 60; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = portfolio.Propose(settings) };
            Assert.Equal(id, portfolio.Choices.Count - 1);
            Assert.Equal((double)portfolio.Choices[^1], portfolio.ProposalAttributes(id)[PortfolioTuner.MemberAttribute]);
            portfolio.Update(new TrialResult { TrialSettings = settings, Loss = settings.Parameter["x"].AsType<double>() });
        }

        Assert.Equal(60, good.Updates);
        Assert.Equal(60, bad.Updates);
        int goodChoices = portfolio.Choices.Skip(30).Count(c => c == 0);
        Assert.True(goodChoices >= 20, $"the improving member was chosen {goodChoices} of the last 30 times");
        Assert.True(portfolio.Probabilities[1] >= PortfolioTuner.Exploration / 2 - 1e-12, "every member keeps its exploration share");
    }

    [Fact]
    public void Constructor_OneMemberOrRepeatedNames_Throws()
    {
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) };
        Assert.Contains("at least two", Assert.Throws<ArgumentException>(() => new PortfolioTuner([("a", new RandomSearchTuner(space))])).Message, StringComparison.Ordinal);
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => new PortfolioTuner([("a", new RandomSearchTuner(space)), ("a", new RandomSearchTuner(space))])).Message, StringComparison.Ordinal);
    }

    /// <summary>A tuner whose proposal for trial k is a given point; counts its updates.</summary>
    private sealed class ScriptedTuner(SearchSpace space, Func<int, double> point) : ITuner
    {
        public int Updates { get; private set; }

        public Parameter Propose(TrialSettings settings) => space.SampleFromFeatureSpace([point(settings.TrialId)]);

        public void Update(TrialResult result) => Updates++;
    }
}
