using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;

namespace MLNet.HyperGrad.Tests.AutoML;

/// <summary>The learned tuner and the portfolio through <c>WithHyperGrad</c>, over the CLI's choice-of-trainer space.</summary>
public sealed class LearnedTunerExperimentTests
{
    [Theory]
    [InlineData(TunerKind.Learned)]
    [InlineData(TunerKind.Portfolio)]
    public async Task RunAsync_LearnedOrPortfolioTuner_RunsEveryTrialInsideTheSpace(TunerKind kind)
    {
        using var runner = new TrainerChoiceRunner();
        var space = new SearchSpace { ["pipeline"] = TrainerChoiceRunner.Space() };
        TrialResult best = await new HyperGradExperiment()
            .AddSearchSpace("pipeline", TrainerChoiceRunner.Space())
            .SetTrialRunner(runner)
            .SetSeed(5)
            .WithHyperGrad(o => o.Tuner = kind)
            .SetMaxModelToExplore(14)
            .RunAsync();

        Parameter[] ran = [.. runner.Ran];
        Assert.Equal(14, ran.Length);
        Assert.All(ran, p => Assert.All(space.MappingToFeatureSpace(p), f => Assert.InRange(f, 0.0, 1.0)));
        // The space has 8 points (4 + 3 + 1, see the grid test); the tuner must not stay on one.
        Assert.True(ran.Select(p => p.ToString()).Distinct().Count() >= 3, "the tuner should try different points");
        Assert.True(double.IsFinite(best.Loss));
    }
}
