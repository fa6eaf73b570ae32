using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.AutoML.Runners;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Tuners;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>
/// The gradient tuner: the tuner contract (the continuous options of "model" follow the gradient, the rest goes to random
/// search; the conditional space has no gradient part and is left whole to random search), then what only it does.
/// </summary>
public sealed class HyperGradientTunerTests(ITestOutputHelper output) : TunerContractTests
{
    private const string Key = HypergradientTrialRunner.SearchSpaceKey;

    protected override ITuner CreateTuner(SearchSpace space, int seed) => new HyperGradientTuner(space, seed, new HyperGradientTunerOptions { GradientKey = "model" });

    private static SearchSpace LearningRateSpace(SearchSpace? extra = null)
    {
        var nested = new SearchSpace { ["learning_rate"] = new UniformDoubleArrayOption(3, 0.01, 1, logBase: true, defaultValue: 0.5) };
        foreach (string key in extra?.Keys ?? [])
        {
            nested[key] = extra![key];
        }

        return new SearchSpace { [Key] = nested };
    }

    private static HyperparameterSet Set(double[] learningRates) =>
        new HyperparameterSet().Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, 3), learningRates);

    private static HypergradientTrialResult Result(Parameter parameter, double loss, double[] gradient, HyperparameterSet? tuned = null)
    {
        double[] values = parameter[Key]["learning_rate"].AsDoubleArray();
        return new HypergradientTrialResult
        {
            TrialSettings = new TrialSettings { Parameter = parameter },
            Loss = loss,
            OuterLoss = loss,
            Hypergradient = new Dictionary<string, double[]> { ["learning_rate"] = gradient },
            Hyperparameters = Set(values),
            TunedHyperparameters = tuned,
        };
    }

    private static double[] LearningRates(Parameter p) => p[Key]["learning_rate"].AsDoubleArray();

    [Fact]
    public async Task Update_FiveOuterStepsOnFashionMnist_OuterLossGoesDownAndProposalsStayInBounds()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(300, 200);
        using var runner = new HypergradientTrialRunner(train, validation, null, HypergradientTrialRunnerTests.Small() with { Steps = 20, InitialLearningRate = 0.02 });
        var space = new SearchSpace { [Key] = runner.CreateSearchSpace() };
        var tuner = new HyperGradientTuner(space, 0, new HyperGradientTunerOptions { OuterLearningRate = 0.1 });
        var losses = new List<double>();
        for (int id = 0; id <= 5; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            Assert.All(space.MappingToFeatureSpace(settings.Parameter), f => Assert.InRange(f, 0.0, 1.0));
            TrialResult result = await runner.RunAsync(settings, CancellationToken.None);
            tuner.Update(result);
            losses.Add(result.Loss);
        }

        output.WriteLine($"validation CE over outer steps: {string.Join(", ", losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(losses[^1] < losses[0], $"after 5 outer steps {losses[^1]} is not below the first {losses[0]}");
    }

    [Fact]
    public void Update_HugeGradient_ProposalsClippedToTheOptionsBounds()
    {
        SearchSpace space = LearningRateSpace();
        var tuner = new HyperGradientTuner(space, 0, new HyperGradientTunerOptions { OuterLearningRate = 3 });
        for (int id = 0; id < 4; id++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = id });
            tuner.Update(Result(p, 1.0 - id, [-1e9, 1e9, 0]));
        }

        double[] lr = LearningRates(tuner.Propose(new TrialSettings { TrialId = 4 }));
        Assert.Equal(1.0, lr[0], 12);
        Assert.Equal(0.01, lr[1], 12);
        Assert.All(lr, x => Assert.InRange(x, 0.01, 1.0));
        Assert.Equal(0.5, lr[2], 12);
    }

    [Fact]
    public void Update_FirstStep_IsOneAdamStepOfTheStepSizeAgainstTheGradientSign()
    {
        var tuner = new HyperGradientTuner(LearningRateSpace(), 0, new HyperGradientTunerOptions { OuterLearningRate = 0.1 });
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });
        Assert.Equal([0.5, 0.5, 0.5], LearningRates(first), new ToleranceComparer(1e-12));

        tuner.Update(Result(first, 1.0, [2.0, -3.0, 0.0]));
        double[] second = LearningRates(tuner.Propose(new TrialSettings { TrialId = 1 }));

        // Adam's first step moves each coordinate by the step size (to 1e-8, its epsilon) against the gradient's sign.
        Assert.Equal(Math.Log(0.5) - 0.1, Math.Log(second[0]), 7);
        Assert.Equal(Math.Log(0.5) + 0.1, Math.Log(second[1]), 7);
        Assert.Equal(Math.Log(0.5), Math.Log(second[2]), 12);
    }

    [Fact]
    public void Update_AdaptiveStep_FirstStepHasTheStepLengthThenGrowsAfterASufficientDecrease()
    {
        var tuner = new HyperGradientTuner(LearningRateSpace(), 0, new HyperGradientTunerOptions { OuterLearningRate = 0.5, OuterOptimizer = OuterOptimizerKind.AdaptiveStep });
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });
        tuner.Update(Result(first, 1.0, [3.0, -4.0, 0.0]));
        Parameter second = tuner.Propose(new TrialSettings { TrialId = 1 });
        double[] u1 = [.. LearningRates(second).Select(x => Math.Log(x))];

        // HOAG's first step: length 0.5 along −g (g has norm 5), so L = 10.
        Assert.Equal(Math.Log(0.5) - 0.3, u1[0], 9);
        Assert.Equal(Math.Log(0.5) + 0.4, u1[1], 9);
        Assert.Equal(Math.Log(0.5), u1[2], 12);

        // The loss fell by 0.5 over a step of length 0.5, less than (L/2)·0.5² = 1.25: L stays and the step is g/10.
        tuner.Update(Result(second, 0.5, [1.0, 0.0, 0.0]));
        Parameter third = tuner.Propose(new TrialSettings { TrialId = 2 });
        double[] u2 = [.. LearningRates(third).Select(x => Math.Log(x))];
        Assert.Equal(u1[0] - 0.1, u2[0], 9);

        // A fall of 2 over a step of 0.1 is sufficient: L shrinks by 0.95, the step is g/9.5.
        tuner.Update(Result(third, -1.5, [1.0, 0.0, 0.0]));
        double[] u3 = [.. LearningRates(tuner.Propose(new TrialSettings { TrialId = 4 })).Select(x => Math.Log(x))];
        Assert.Equal(u2[0] - (1 / 9.5), u3[0], 9);
    }

    [Fact]
    public void Validate_UnknownOuterOptimizer_IsReported()
    {
        var error = Assert.Throws<ArgumentException>(() => new HyperGradientTuner(LearningRateSpace(), 0, new HyperGradientTunerOptions { OuterOptimizer = (OuterOptimizerKind)7 }));
        Assert.Contains("OuterOptimizer 7 is not a known outer optimizer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_FailedTrial_HalvesTheStepAndRetriesFromTheLastGoodPoint()
    {
        var tuner = new HyperGradientTuner(LearningRateSpace(), 0, new HyperGradientTunerOptions { OuterLearningRate = 0.2 });
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });
        tuner.Update(Result(first, 1.0, [1.0, -1.0, 1.0]));
        var second = new TrialSettings { TrialId = 1, Parameter = tuner.Propose(new TrialSettings { TrialId = 1 }) };
        tuner.Update(TrialResult.Failed(second, new HyperGradException("diverged"), 1));

        double[] retry = LearningRates(tuner.Propose(new TrialSettings { TrialId = 2 }));

        Assert.Equal(0.1, tuner.OuterStepSize, 12);
        Assert.Equal(Math.Log(0.5) - 0.1, Math.Log(retry[0]), 7);
        Assert.Equal(Math.Log(0.5) + 0.1, Math.Log(retry[1]), 7);
    }

    [Fact]
    public void Update_GreedyResult_NextProposalIsWhereTheOnlineRunEnded()
    {
        var tuner = new HyperGradientTuner(LearningRateSpace(), 0);
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 });

        tuner.Update(Result(first, 1.0, [1.0, 1.0, 1.0], tuned: Set([0.3, 0.6, 2.0])));

        Assert.Equal([0.3, 0.6, 1.0], LearningRates(tuner.Propose(new TrialSettings { TrialId = 1 })), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Propose_MixedSpace_DiscreteChoicesComeFromTheBlackBoxTunerInRounds()
    {
        SearchSpace space = LearningRateSpace(new SearchSpace { ["hidden_width"] = new ChoiceOption([8, 16, 32], 16) });
        RecordingTuner? blackBox = null;
        var tuner = new HyperGradientTuner(space, 3, new HyperGradientTunerOptions
        {
            TrialsPerChoice = 2,
            DiscreteTuner = (discrete, seed) => blackBox = new RecordingTuner(new RandomSearchTuner(discrete, seed)),
        });
        Assert.Equal(["learning_rate"], tuner.GradientNames);
        var widths = new List<int>();
        for (int id = 0; id < 8; id++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = id });
            widths.Add(p[Key]["hidden_width"].AsType<int>());
            tuner.Update(Result(p, 10 - id, [1.0, 1.0, 1.0]));
        }

        // Round 0 at the default width; then one black-box proposal per round of two trials, each told the round's best loss.
        Assert.Equal([16, 16], widths.Take(2));
        Assert.NotNull(blackBox);
        Assert.Equal(3, blackBox!.Proposed.Count);
        Assert.Equal(blackBox.Proposed.SelectMany(p => new[] { p[Key]["hidden_width"].AsType<int>(), p[Key]["hidden_width"].AsType<int>() }), widths.Skip(2));
        Assert.Equal([9.0, 7.0, 5.0], blackBox.Updates.Select(r => r.Loss));
        Assert.Equal(16, blackBox.Updates[0].TrialSettings.Parameter[Key]["hidden_width"].AsType<int>());
        Assert.False(blackBox.Proposed[0].Keys.Contains("learning_rate") || blackBox.Proposed[0][Key].Keys.Contains("learning_rate"));
    }

    [Fact]
    public void Propose_MixedSpace_ARoundContinuesFromTheBestPointOfItsChoice()
    {
        SearchSpace space = LearningRateSpace(new SearchSpace { ["hidden_width"] = new ChoiceOption([16], 16) });
        var tuner = new HyperGradientTuner(space, 0, new HyperGradientTunerOptions { TrialsPerChoice = 2, OuterLearningRate = 0.1 });
        Parameter a = tuner.Propose(new TrialSettings { TrialId = 0 });
        tuner.Update(Result(a, 1.0, [1.0, 1.0, 1.0]));
        Parameter b = tuner.Propose(new TrialSettings { TrialId = 1 });
        tuner.Update(Result(b, 0.5, [1.0, 1.0, 1.0]));

        // The only choice comes back in round 1: its gradient part starts from b, the best so far.
        Parameter c = tuner.Propose(new TrialSettings { TrialId = 2 });

        Assert.Equal(LearningRates(b), LearningRates(c));
    }

    [Fact]
    public void Constructor_GradientKeyHoldingAPlainOption_ClearError()
    {
        var space = new SearchSpace { [Key] = new UniformDoubleOption(0, 1) };

        var ex = Assert.Throws<ArgumentException>(() => new HyperGradientTuner(space));

        Assert.Equal("searchSpace", ex.ParamName);
        Assert.Contains("must hold a nested search space", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BadOptions_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HyperGradientTuner(LearningRateSpace(), 0, new HyperGradientTunerOptions { OuterLearningRate = -1, TrialsPerChoice = 0 }));

        Assert.Contains("OuterLearningRate must be finite and positive; got -1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TrialsPerChoice must be at least 1; got 0", ex.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingTuner(ITuner inner) : ITuner
    {
        public List<Parameter> Proposed { get; } = [];

        public List<TrialResult> Updates { get; } = [];

        public Parameter Propose(TrialSettings settings)
        {
            Parameter p = inner.Propose(settings);
            Proposed.Add(p);
            return p;
        }

        public void Update(TrialResult result)
        {
            Updates.Add(result);
            inner.Update(result);
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
