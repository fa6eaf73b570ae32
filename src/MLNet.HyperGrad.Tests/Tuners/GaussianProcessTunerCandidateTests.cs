using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class GaussianProcessTunerCandidateTests
{
    [Fact]
    public void Propose_CandidateMode_OnlyUntriedCandidatesThenExhausted()
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1), ["b"] = new UniformDoubleOption(0, 1) };
        var random = new Random(3);
        Parameter[] candidates = [.. Enumerable.Range(0, 16).Select(_ => space.SampleFromFeatureSpace([random.NextDouble(), random.NextDouble()]))];
        var tuner = new GaussianProcessTuner(space, 2, new GaussianProcessTunerOptions { Candidates = candidates, StartupTrials = 4 });
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // Trial 0 is the experiment's own start: a candidate reported without a proposal must not be proposed again.
        tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = 0, Parameter = candidates[5] }, Loss = 1, Metric = -1 });
        seen.Add(candidates[5].ToString());
        for (int id = 1; id < candidates.Length; id++)
        {
            Assert.False(tuner.IsExhausted);
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            Assert.Contains(settings.Parameter, candidates);
            Assert.True(seen.Add(settings.Parameter.ToString()), $"trial {id} repeated {settings.Parameter}");
            double[] x = space.MappingToFeatureSpace(settings.Parameter);
            double loss = ((x[0] - 0.3) * (x[0] - 0.3)) + ((x[1] - 0.6) * (x[1] - 0.6));
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss });
        }

        Assert.True(tuner.IsExhausted);
        Assert.Throws<InvalidOperationException>(() => tuner.Propose(new TrialSettings { TrialId = 99 }));
    }

    [Fact]
    public void Constructor_EmptyCandidates_Throws()
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        var e = Assert.Throws<ArgumentException>(() => new GaussianProcessTuner(space, 0, new GaussianProcessTunerOptions { Candidates = [] }));
        Assert.Contains("Candidates must hold at least one parameter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsExhausted_WithoutCandidates_IsFalse()
    {
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        Assert.False(new GaussianProcessTuner(space).IsExhausted);
    }
}
