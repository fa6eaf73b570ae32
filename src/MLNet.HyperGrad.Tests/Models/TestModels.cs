using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Models;

/// <summary>Small models and in-memory reference outputs for the model and prediction tests.</summary>
internal static class TestModels
{
    public static readonly DateTimeOffset CreatedAt = new(2025, 1, 31, 12, 30, 15, TimeSpan.Zero);

    public static TrainedModelMetadata Metadata { get; } =
        new(CreatedAt, """{"LearningRate": 0.05, "Hidden": [16]}""", "accuracy", 0.9375, "1.2.3-test");

    /// <summary>An untrained model with seeded random weights (for format tests, where training adds nothing).</summary>
    public static TrainedModel Random(ulong seed, int[]? sizes = null, bool withStandardizer = true)
    {
        int[] layers = sizes ?? [4, 5, 3];
        var mlp = new Mlp(layers, Activation.Tanh);
        using var generator = new torch.Generator(seed);
        using ParameterSet weights = mlp.CreateParameters(generator);
        string[] features = [.. Enumerable.Range(0, layers[0]).Select(i => $"f{i}")];
        string[] classes = [.. Enumerable.Range(0, layers[^1]).Select(i => $"class {i}")];
        Standardizer? standardizer = withStandardizer
            ? new Standardizer([.. Enumerable.Range(0, layers[0]).Select(i => 0.5 * i)], [.. Enumerable.Range(0, layers[0]).Select(i => i == 1 ? 0.0 : 1.5 + i)])
            : null;
        return TrainedModel.FromParameters(mlp, weights, TaskKind.Classification, features, classes, Metadata, standardizer: standardizer);
    }

    /// <summary>
    /// The in-memory network's outputs on standardized rows, as one batch with autograd off: the
    /// reference a saved and reloaded model must reproduce bit for bit.
    /// </summary>
    public static (float[] Outputs, float[] Probabilities) Forward(Mlp mlp, IReadOnlyList<Tensor> weights, TabularDataset standardized)
    {
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            Tensor x = TensorData.FromSpan<float>(standardized.Features, [standardized.Rows, standardized.FeatureCount], torch.CPU);
            Tensor y = mlp.Forward(weights, x);
            return (TensorData.ToArray<float>(y), TensorData.ToArray<float>(torch.nn.functional.softmax(y, 1)));
        }
    }
}
