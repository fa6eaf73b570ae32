using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Tests.Hypergradients;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary><see cref="SelfTuningTrainer"/> on real Fashion-MNIST rows: the online tuning moves the hyperparameters, stays finite and logs the schedule.</summary>
public sealed class SelfTuningTrainerTests(ITestOutputHelper output)
{
    /// <summary>A small run on 256 training rows that starts with far too much dropout (0.8 on both hidden layers).</summary>
    internal static SelfTuningOptions TooMuchDropout() => new()
    {
        HiddenLayers = [64, 64],
        Epochs = 12,
        BatchSize = 32,
        LearningRate = 3e-3,
        HyperLearningRate = 0.05,
        TrainSteps = 1,
        InitialDropout = 0.8,
        WarmupEpochs = 2,
        Seed = 3,
    };

    [Fact]
    public void Train_FarTooMuchDropoutOnARealSlice_LowersDropoutStaysFiniteAndLogsEveryEpoch()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(256, 512);
        using TensorDataset trainTensors = train.ToTensors();
        using TensorDataset validationTensors = validation.ToTensors();
        var logged = new List<SelfTuningEpoch>();

        SelfTuningRun run = new SelfTuningTrainer(TooMuchDropout()).Train(trainTensors.Features, trainTensors.Labels, validationTensors.Features, validationTensors.Labels, 10, new Collect(logged));

        output.WriteLine(run.FormatSchedule());
        Assert.Equal(12, run.Schedule.Count);
        Assert.Equal(run.Schedule, logged);
        Assert.Equal([784, 64, 64, 10], run.LayerSizes);
        Assert.Equal(6, run.Weights.Count);
        Assert.All(run.Weights, w => Assert.All(w, v => Assert.True(double.IsFinite(v))));
        Assert.All(run.Schedule, e => Assert.True(double.IsFinite(e.TrainLoss) && double.IsFinite(e.ValidationLoss)));
        Assert.All(run.Schedule.Take(2), e => Assert.All(e.Dropout, p => Assert.Equal(0.8, p, 1e-6)));
        Assert.True(run.Dropout.Average() < 0.7, $"the dropout should fall from 0.8, where the network underfits; it ended at [{string.Join(", ", run.Dropout)}]");
        Assert.Contains("| epoch | dropout 0 | dropout 1 | L2 0 | L2 1 | L2 2 |", run.FormatSchedule(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_SameSeedTwice_SameSchedule()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(128, 64);
        using TensorDataset trainTensors = train.ToTensors();
        using TensorDataset validationTensors = validation.ToTensors();
        SelfTuningOptions options = TooMuchDropout() with { Epochs = 2, WarmupEpochs = 0, HiddenLayers = [8] };

        SelfTuningRun first = new SelfTuningTrainer(options).Train(trainTensors.Features, trainTensors.Labels, validationTensors.Features, validationTensors.Labels);
        SelfTuningRun second = new SelfTuningTrainer(options).Train(trainTensors.Features, trainTensors.Labels, validationTensors.Features, validationTensors.Labels);

        Assert.Equal(first.Schedule.Select(e => e.Dropout[0]), second.Schedule.Select(e => e.Dropout[0]));
        Assert.Equal(first.Schedule.Select(e => e.ValidationLoss), second.Schedule.Select(e => e.ValidationLoss));
        Assert.NotEqual(0.8, first.Dropout[0]);
    }

    [Fact]
    public void Options_SeveralBadSettings_ReportedTogether()
    {
        var options = new SelfTuningOptions { HiddenLayers = [], Epochs = 0, TrainSteps = 0, EntropyWeight = -1, InitialDropout = 0.99, InitialL2 = 0 };

        string message = Assert.Throws<ArgumentException>(options.Validate).Message;

        Assert.Contains("HiddenLayers must name at least one hidden layer", message, StringComparison.Ordinal);
        Assert.Contains("Epochs must be at least 1; got 0", message, StringComparison.Ordinal);
        Assert.Contains("TrainSteps (T_train) must be at least 1; got 0", message, StringComparison.Ordinal);
        Assert.Contains("EntropyWeight (τ) must be finite and non-negative; got -1", message, StringComparison.Ordinal);
        Assert.Contains("InitialDropout must be in [0.001, 0.95]; got 0.99", message, StringComparison.Ordinal);
        Assert.Contains("InitialL2 must be in [1E-08, 1]; got 0", message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SelfTuningTrainer(options));
    }

    [Fact]
    public void Train_BadData_ThrowsArgumentExceptionsThatNameTheProblem()
    {
        using var scope = torch.NewDisposeScope();
        var trainer = new SelfTuningTrainer(new SelfTuningOptions { HiddenLayers = [4], Epochs = 1, BatchSize = 8 });
        Tensor x = torch.rand([16, 5]);
        Tensor y = torch.zeros([16], ScalarType.Int64);

        Assert.Contains("fewer than one minibatch of 8", Assert.Throws<ArgumentException>(() => trainer.Train(x.narrow(0, 0, 4), y.narrow(0, 0, 4), x, y)).Message, StringComparison.Ordinal);
        Assert.Contains("must be int64 of shape [16]", Assert.Throws<ArgumentException>(() => trainer.Train(x, y.narrow(0, 0, 15), x, y)).Message, StringComparison.Ordinal);
        Assert.Contains("width and dtype", Assert.Throws<ArgumentException>(() => trainer.Train(x, y, torch.rand([16, 6]), y)).Message, StringComparison.Ordinal);
        Assert.Contains("Labels must be classes 0 … 1; got labels from 0 to 3", Assert.Throws<ArgumentException>(() => trainer.Train(x, y, x, y + 3, classCount: 2)).Message, StringComparison.Ordinal);
    }

    private sealed class Collect(List<SelfTuningEpoch> epochs) : IProgress<SelfTuningEpoch>
    {
        public void Report(SelfTuningEpoch value) => epochs.Add(value);
    }
}
