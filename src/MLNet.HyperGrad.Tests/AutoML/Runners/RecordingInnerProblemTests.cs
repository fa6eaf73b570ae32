using MLNet.HyperGrad.AutoML.Runners;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.AutoML.Runners;

/// <summary>The runner's recording wrapper passes the validation minibatches, the analytic reverse step and the closed-form greedy step through.</summary>
public sealed class RecordingInnerProblemTests
{
    [Fact]
    public void OuterLossOnBatchAndAnalyticStep_PassThroughWithoutRecording()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(100, 60);
        using var inner = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 3);
        var recording = new RecordingInnerProblem(inner);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), 1e-3).CreateTensors();
        Tensor[] w = inner.InitialWeights(h);

        double onBatch = ((IInnerProblem)recording).OuterLossOnBatch(w, h, 1).item<double>();

        Assert.Equal(((IInnerProblem)inner).OuterLossOnBatch(w, h, 1).item<double>(), onBatch);
        Assert.NotEqual(inner.OuterLoss(w, h).item<double>(), onBatch);
        Assert.Null(recording.LastOuterWeights);
        Assert.True(((IAnalyticReverseStep)recording).CoversAnalytically(h));
        double[] flat = FlatTensors.Flatten(w);
        double[] expected = new double[flat.Length];
        double[] actual = new double[flat.Length];
        ((IAnalyticReverseStep)inner).AnalyticTrainingGradient(flat, h, 2, expected);
        ((IAnalyticReverseStep)recording).AnalyticTrainingGradient(flat, h, 2, actual);
        Assert.Equal(expected, actual);

        Assert.True(((IAnalyticGreedyStep)recording).CoversGreedyAnalytically(h));
        double[] expectedOuter = new double[flat.Length];
        double[] actualOuter = new double[flat.Length];
        double expectedValue = ((IAnalyticGreedyStep)inner).AnalyticOuterGradient(flat, 1, expectedOuter);
        Assert.Equal(expectedValue, ((IAnalyticGreedyStep)recording).AnalyticOuterGradient(flat, 1, actualOuter));
        Assert.Equal(expectedOuter, actualOuter);
        Assert.Equal(onBatch, expectedValue, 12);
        Assert.Null(recording.LastOuterWeights);

        using var softplus = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Softplus), train, validation, batchSize: 20, seed: 3);
        Assert.False(((IAnalyticReverseStep)new RecordingInnerProblem(softplus)).CoversAnalytically(h));
        Assert.False(((IAnalyticGreedyStep)new RecordingInnerProblem(softplus)).CoversGreedyAnalytically(h));
    }
}
