using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Outputs;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tests.Data;
using MLNet.HyperGrad.Tests.Hypergradients;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary><see cref="SelfTuningTrialRunner"/>: a trial starts where its parameter says, and its network is what the best-model writer saves.</summary>
public sealed class SelfTuningTrialRunnerTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task RunAsync_OneTrial_StartsAtItsParameterAndItsNetworkIsTheSavedModel()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(128, 64);
        using var runner = new SelfTuningTrialRunner(train, validation, validation, new SelfTuningOptions { HiddenLayers = [8], Epochs = 1, BatchSize = 32, WarmupEpochs = 1 }, threadsPerTrial: 1);
        Parameter parameter = Parameter.CreateNestedParameter((SelfTuningTrialRunner.SearchSpaceKey, Parameter.CreateNestedParameter(
            (SelfTuningTrialRunner.InitialDropoutKey, Parameter.FromDouble(0.25)),
            (SelfTuningTrialRunner.InitialL2Key, Parameter.FromDouble(1e-5)))));

        var result = Assert.IsType<SelfTuningTrialResult>(await runner.RunAsync(new TrialSettings { TrialId = 0, Seed = 5, Parameter = parameter }, CancellationToken.None));

        // One warm-up epoch: no hyperparameter step yet, so the run ends where the trial started.
        Assert.All(result.Run.Dropout, p => Assert.Equal(0.25, p, 1e-6));
        Assert.All(result.Run.L2, c => Assert.Equal(1e-5, c, 1e-10));
        Assert.Equal(result.Attributes[SelfTuningTrialRunner.TestLossAttribute], result.TestLoss);
        Assert.Equal(result.Run.ValidationLoss, result.TestLoss!.Value, 1e-5);

        var writer = new BestModelWriter(directory.Path, train);
        writer.ReportBestTrial(result);
        TestScore score = Assert.IsType<TestScore>(writer.ScoreOnTest(validation));
        Assert.Equal(result.Metric, score.Value, 1e-9);
    }

    [Fact]
    public async Task RunAsync_ParameterWithoutItsKey_ThrowsNamingTheKey()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(64, 16);
        using var runner = new SelfTuningTrialRunner(train, validation, null, new SelfTuningOptions { HiddenLayers = [4], Epochs = 1, BatchSize = 32 });

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunAsync(new TrialSettings { Parameter = Parameter.CreateNestedParameter(("mlp", Parameter.FromInt(1))) }, CancellationToken.None));

        Assert.Contains("no \"self_tuning\" entry", ex.Message, StringComparison.Ordinal);
    }
}
