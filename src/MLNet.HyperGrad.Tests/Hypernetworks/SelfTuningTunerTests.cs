using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Estimators;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary><see cref="SelfTuningTuner"/>, <see cref="SelfTuningTrialRunner"/> and <c>WithHyperGrad(o => o.Tuner = TunerKind.SelfTuning)</c>.</summary>
public sealed class SelfTuningTunerTests : Tuners.MultiWorkerTunerContractTests
{
    /// <inheritdoc />
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new SelfTuningTuner(space, seed);

    /// <inheritdoc />
    protected override SearchSpace MultiWorkerSpace() => new() { [SelfTuningTrialRunner.SearchSpaceKey] = SelfTuningTrialRunner.CreateSearchSpace() };

    [Fact]
    public void Propose_FirstTrialAtTheDefaults_ThenWhereTheBestRunEnded()
    {
        var space = new SearchSpace { [SelfTuningTrialRunner.SearchSpaceKey] = SelfTuningTrialRunner.CreateSearchSpace(new SelfTuningOptions { InitialDropout = 0.1, InitialL2 = 1e-5 }) };
        var tuner = new SelfTuningTuner(space, seed: 1);

        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 })[SelfTuningTrialRunner.SearchSpaceKey];
        Assert.Equal(0.1, first[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>(), 1e-9);
        Assert.Equal(1e-5, first[SelfTuningTrialRunner.InitialL2Key].AsType<double>(), 1e-12);

        tuner.Update(Result(0, loss: 0.5, dropout: [0.3, 0.5], l2: [1e-4, 1e-6, 1e-2]));
        tuner.Update(Result(1, loss: 0.9, dropout: [0.8, 0.8], l2: [1e-1, 1e-1, 1e-1]));
        tuner.Update(TrialResult.Failed(new TrialSettings { TrialId = 2 }, new InvalidOperationException("x"), 1));
        Parameter second = tuner.Propose(new TrialSettings { TrialId = 3 })[SelfTuningTrialRunner.SearchSpaceKey];

        Assert.Equal(0.4, second[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>(), 1e-9);
        Assert.Equal(1e-4, second[SelfTuningTrialRunner.InitialL2Key].AsType<double>(), 1e-10);
    }

    [Fact]
    public void Propose_TheLearnedStartWasAlreadyTried_StartsSomewhereElse()
    {
        var space = new SearchSpace { [SelfTuningTrialRunner.SearchSpaceKey] = SelfTuningTrialRunner.CreateSearchSpace() };
        var tuner = new SelfTuningTuner(space, seed: 1);
        Parameter first = tuner.Propose(new TrialSettings { TrialId = 0 })[SelfTuningTrialRunner.SearchSpaceKey];

        var defaults = new SelfTuningOptions();
        tuner.Update(Result(0, loss: 0.5, dropout: [defaults.InitialDropout + 0.005, defaults.InitialDropout], l2: [defaults.InitialL2, defaults.InitialL2, defaults.InitialL2]));
        Parameter second = tuner.Propose(new TrialSettings { TrialId = 1 })[SelfTuningTrialRunner.SearchSpaceKey];

        Assert.NotEqual(first[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>(), second[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>());
    }

    [Fact]
    public void Constructor_UnsupportedSearchSpaces_ThrowWithWhatIsNeeded()
    {
        var mixed = new SearchSpace
        {
            [SelfTuningTrialRunner.SearchSpaceKey] = SelfTuningTrialRunner.CreateSearchSpace(),
            ["mlp"] = new SearchSpace { ["epochs"] = new UniformIntOption(1, 10) },
        };
        string message = Assert.Throws<ArgumentException>(() => new SelfTuningTuner(mixed, 0)).Message;
        Assert.Contains("Unsupported search space for the self-tuning tuner: it holds [", message, StringComparison.Ordinal);
        Assert.Contains("mlp", message, StringComparison.Ordinal);
        Assert.Contains("SelfTuningTrialRunner.CreateSearchSpace() (initial_dropout, initial_l2) under \"self_tuning\" and nothing else", message, StringComparison.Ordinal);

        var choice = new SearchSpace
        {
            [SelfTuningTrialRunner.SearchSpaceKey] = new SearchSpace
            {
                [SelfTuningTrialRunner.InitialDropoutKey] = new ChoiceOption(0.1, 0.5),
                [SelfTuningTrialRunner.InitialL2Key] = new UniformDoubleOption(1e-6, 1e-2, logBase: true),
            },
        };
        Assert.Contains("\"self_tuning.initial_dropout\" must be a UniformDoubleOption within [0.001, 0.95]", Assert.Throws<ArgumentException>(() => new SelfTuningTuner(choice, 0)).Message, StringComparison.Ordinal);

        var missing = new SearchSpace { [SelfTuningTrialRunner.SearchSpaceKey] = new SearchSpace { [SelfTuningTrialRunner.InitialDropoutKey] = new UniformDoubleOption(0.01, 0.5) } };
        Assert.Contains("\"self_tuning\" has no \"initial_l2\"", Assert.Throws<ArgumentException>(() => new SelfTuningTuner(missing, 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithHyperGrad_SelfTuning_EachTrialIsOneOnlineRunCarryingItsSchedule()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(128, 64);
        var options = new SelfTuningOptions { HiddenLayers = [8], Epochs = 2, BatchSize = 32, TrainSteps = 1, WarmupEpochs = 0, HyperLearningRate = 0.05 };
        var monitor = new Completed();

        TrialResult best = await new HyperGradExperiment()
            .SetDataset(train, validation)
            .SetSeed(4)
            .WithHyperGrad(o =>
            {
                o.Tuner = TunerKind.SelfTuning;
                o.SelfTuning = options;
            })
            .SetMonitor(monitor)
            .SetParallelism(1)
            .SetMaxModelToExplore(2)
            .RunAsync();

        Assert.Equal(2, monitor.Results.Count);
        SelfTuningTrialResult[] results = [.. monitor.Results.Select(r => Assert.IsType<SelfTuningTrialResult>(r))];
        Assert.All(results, r => Assert.Equal(2, r.Run.Schedule.Count));
        Assert.All(results, r => Assert.Equal(r.Run.ValidationLoss, r.Loss));
        Assert.All(results, r => Assert.True(r.Attributes.ContainsKey("dropout_0") && r.Attributes.ContainsKey("l2_1")));
        Assert.All(results, r => Assert.Equal(2, r.ValidationLossCurve.Count));

        // The second run starts where the first one ended, unless that is (within 0.02 of the unit cube) where the first one started.
        Parameter first = results[0].TrialSettings.Parameter[SelfTuningTrialRunner.SearchSpaceKey];
        Parameter second = results[1].TrialSettings.Parameter[SelfTuningTrialRunner.SearchSpaceKey];
        double ended = results[0].Run.Dropout.Average();
        double started = first[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>();
        double endedL2 = Math.Exp(results[0].Run.L2.Average(Math.Log));
        bool moved = Math.Abs(ended - started) / 0.949 >= 0.02 || Math.Abs(Math.Log(endedL2 / first[SelfTuningTrialRunner.InitialL2Key].AsType<double>())) / Math.Log(1e8) >= 0.02;
        if (moved)
        {
            Assert.Equal(ended, second[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>(), 1e-9);
        }
        else
        {
            Assert.NotEqual(started, second[SelfTuningTrialRunner.InitialDropoutKey].AsType<double>());
        }

        Assert.Equal(results.Min(r => r.Loss), best.Loss);
    }

    [Fact]
    public void Options_SelfTuningMisused_ClearErrors()
    {
        var options = new HyperGradOptions { Tuner = TunerKind.GaussianProcess, SelfTuning = new SelfTuningOptions() };
        Assert.Contains("SelfTuning settings apply to Tuner = SelfTuning; got Tuner = GaussianProcess", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);

        var pipeline = new HyperGradPipelineOptions { Tuner = TunerKind.SelfTuning };
        Assert.Contains("Tuner = SelfTuning trains a self-tuning MLP on tensors and is not wired into ML.NET pipelines", Assert.Throws<ArgumentException>(pipeline.Validate).Message, StringComparison.Ordinal);

        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(16, 8);
        Assert.Contains("fewer than one minibatch of 128", Assert.Throws<ArgumentException>(() => new SelfTuningTrialRunner(train, validation)).Message, StringComparison.Ordinal);
    }

    private static SelfTuningTrialResult Result(int trial, double loss, double[] dropout, double[] l2) => new()
    {
        TrialSettings = new TrialSettings { TrialId = trial },
        Loss = loss,
        Run = new SelfTuningRun
        {
            LayerSizes = [784, 4, 4, 10],
            Schedule = [new SelfTuningEpoch(1, dropout, l2, [0.5, 0.5, 0.5, 0.5, 0.5], 1, loss, 0.5, 1)],
        },
    };

    private sealed class Completed : IMonitor
    {
        public List<TrialResult> Results { get; } = [];

        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportCompletedTrial(TrialResult result) => Results.Add(result);

        public void ReportFailTrial(TrialSettings settings, Exception? exception = null)
        {
        }

        public void ReportRunningTrial(TrialSettings settings)
        {
        }
    }
}
