using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.LearnedOptimizers;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers;

/// <summary><see cref="LstmMetaTrainer"/> on real Fashion-MNIST rows: the meta-gradient against finite differences, and meta-training that helps.</summary>
public sealed class LstmMetaTrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void Unroll_MetaGradientWithGradientsHeldConstant_MatchesFloat64FiniteDifferences()
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(60, 1);
        using var scope = torch.NewDisposeScope();
        using TensorDataset data = train.ToTensors();
        Tensor features = data.Features.to(ScalarType.Float64);
        var mlp = new Mlp([784, 3, 10], Activation.Sigmoid);
        long[][] shapes = LstmMetaTrainer.ShapesOf(mlp);
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 2, Layers = 2 }, seed: 1, ScalarType.Float64);
        using var generator = new torch.Generator(9);
        using ParameterSet initial = mlp.CreateParameters(generator, ScalarType.Float64);
        Tensor theta0 = torch.cat([.. initial.Select(w => w.detach().reshape(-1))]);

        // Three minibatches of 20 rows; a gradient at θ0 and non-zero LSTM states, so every weight of φ matters.
        (Tensor X, Tensor Y)[] batches = [.. Enumerable.Range(0, 3).Select(b => (features.narrow(0, 20 * b, 20), data.Labels.narrow(0, 20 * b, 20)))];
        Tensor gradient0 = torch.randn(theta0.shape, ScalarType.Float64, generator: generator) * 0.01;
        Tensor[] hidden = [.. Enumerable.Range(0, 2).Select(_ => torch.randn([theta0.shape[0], 2], ScalarType.Float64, generator: generator) * 0.3)];
        Tensor[] cells = [.. Enumerable.Range(0, 2).Select(_ => torch.randn([theta0.shape[0], 2], ScalarType.Float64, generator: generator) * 0.3)];

        LstmMetaTrainer.UnrollResult result = LstmMetaTrainer.Unroll(optimizer, optimizer.Weights, mlp, shapes, theta0, gradient0, hidden, cells, batches, null);
        double[] analytic = [.. TorchAutograd.Grad([result.MetaLoss], optimizer.Weights).SelectMany(g => g.data<double>().ToArray())];
        Tensor[] heldGradients = result.Gradients;

        long[][] phiShapes = [.. optimizer.Weights.Select(w => w.shape)];
        double MetaLoss(double[] phi)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            Tensor[] tensors = new Tensor[phiShapes.Length];
            int at = 0;
            for (int i = 0; i < phiShapes.Length; i++)
            {
                int n = (int)phiShapes[i].Aggregate(1L, (a, b) => a * b);
                tensors[i] = torch.tensor(phi[at..(at + n)], phiShapes[i], ScalarType.Float64);
                at += n;
            }

            return LstmMetaTrainer.Unroll(optimizer, tensors, mlp, shapes, theta0, gradient0, hidden, cells, batches, heldGradients).MetaLoss.item<double>();
        }

        double[] phi0 = [.. optimizer.Weights.ToArrays().SelectMany(a => a)];
        double[] numeric = FiniteDifferences.Gradient(MetaLoss, phi0, 1e-6);
        output.WriteLine($"{phi0.Length} weights; largest |meta-gradient| {numeric.Max(Math.Abs):G4}");
        Assert.True(numeric.Max(Math.Abs) > 1e-4, "the meta-gradient is too small for the check to mean anything");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Unroll_SecondDerivativesDropped_DiffersFromTheFullDerivative()
    {
        // The stated approximation is real: recomputing the gradients inside the finite differences (the full derivative)
        // gives another number than the meta-gradient, which holds them constant.
        (TabularDataset train, _) = FashionMnistSplits.Take(40, 1);
        using var scope = torch.NewDisposeScope();
        using TensorDataset data = train.ToTensors();
        Tensor features = data.Features.to(ScalarType.Float64);
        var mlp = new Mlp([784, 3, 10], Activation.Sigmoid);
        long[][] shapes = LstmMetaTrainer.ShapesOf(mlp);
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 3, Layers = 1, OutputScale = 1 }, seed: 2, ScalarType.Float64);
        using var generator = new torch.Generator(3);
        using ParameterSet initial = mlp.CreateParameters(generator, ScalarType.Float64);
        Tensor theta0 = torch.cat([.. initial.Select(w => w.detach().reshape(-1))]);
        (Tensor X, Tensor Y)[] batches = [.. Enumerable.Range(0, 2).Select(b => (features.narrow(0, 20 * b, 20), data.Labels.narrow(0, 20 * b, 20)))];
        Tensor gradient0 = torch.randn(theta0.shape, ScalarType.Float64, generator: generator) * 0.01;
        (Tensor[] hidden, Tensor[] cells) = optimizer.ZeroState(theta0.shape[0], ScalarType.Float64, torch.CPU);

        LstmMetaTrainer.UnrollResult result = LstmMetaTrainer.Unroll(optimizer, optimizer.Weights, mlp, shapes, theta0, gradient0, hidden, cells, batches, null);
        Tensor outBias = optimizer.Weights["out.b"];
        double analytic = TorchAutograd.Grad([result.MetaLoss], [outBias])[0].item<double>();

        double Full(double shift)
        {
            using var inner = torch.NewDisposeScope();
            Tensor[] phi = [.. optimizer.Weights.Select(w => w.detach().clone())];
            phi[^1].add_(shift);
            Tensor theta = theta0.detach().clone();
            Tensor g = gradient0;
            IReadOnlyList<Tensor> h = hidden, c = cells;
            double sum = 0;
            foreach ((Tensor x, Tensor y) in batches)
            {
                Tensor update;
                using (torch.no_grad())
                {
                    (update, Tensor[] nh, Tensor[] nc) = optimizer.Forward(phi, g, h, c);
                    h = nh;
                    c = nc;
                }

                theta = (theta.detach() + update).requires_grad_(true);
                Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.Forward(LstmMetaTrainer.Split(theta, shapes), x), y);
                g = TorchAutograd.Grad(loss, theta).detach();
                sum += loss.item<double>();
            }

            return sum / batches.Length;
        }

        double full = (Full(1e-6) - Full(-1e-6)) / 2e-6;
        output.WriteLine($"d meta-loss / d out.b: gradients held constant {analytic:G6}, full derivative {full:G6}");
        Assert.True(Math.Abs(full - analytic) > 1e-3 * Math.Abs(full), $"expected the dropped second derivatives to matter: {analytic} vs {full}");
    }

    [Fact]
    public void Train_FewEpisodesOnFashionMnist_LowersTheLossOfHeldOutInitializations()
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(1000, 1);
        using TensorDataset data = train.ToTensors();
        var architecture = new LstmOptimizerOptions { HiddenSize = 4, Layers = 2 };
        using LstmOptimizer optimizer = LstmOptimizer.Create(architecture, seed: 1);
        var options = new LstmMetaTrainingOptions { Episodes = 8, EpisodeSteps = 20, UnrollLength = 5, BatchSize = 32, HiddenSizes = [3], MetaLearningRate = 0.03, Seed = 4 };
        var mlp = new Mlp([784, 3, 10], Activation.Sigmoid);
        double before = Evaluate(optimizer, mlp, data);

        IReadOnlyList<LstmMetaTrainingEpisode> episodes = new LstmMetaTrainer(options).Train(optimizer, data.Features, data.Labels);
        double after = Evaluate(optimizer, mlp, data);

        output.WriteLine($"mean loss over 20 steps of 3 held-out initializations: {before:F4} before, {after:F4} after; episodes {string.Join(", ", episodes.Select(e => e.MeanLoss.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Equal(Enumerable.Range(1, 8), episodes.Select(e => e.Episode));
        Assert.True(after < 0.9 * before, $"meta-training should lower the loss by 10 %: {before} → {after}");
    }

    [Fact]
    public void Train_SameSeedTwice_SameWeights()
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(200, 1);
        using TensorDataset data = train.ToTensors();
        var options = new LstmMetaTrainingOptions { Episodes = 2, EpisodeSteps = 6, UnrollLength = 3, BatchSize = 16, HiddenSizes = [3], Seed = 8 };
        double[] Run()
        {
            using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 4 }, seed: 1);
            new LstmMetaTrainer(options).Train(optimizer, data.Features, data.Labels);
            return [.. optimizer.Weights.ToArrays().SelectMany(a => a)];
        }

        double[] first = Run();
        Assert.Equal(first, Run());
        using LstmOptimizer untouched = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 4 }, seed: 1);
        Assert.NotEqual(first, untouched.Weights.ToArrays().SelectMany(a => a).ToArray());
    }

    [Fact]
    public void Train_BadDataOrOptions_ThrowNamingThem()
    {
        using LstmOptimizer optimizer = LstmOptimizer.Create(new LstmOptimizerOptions { HiddenSize = 2 });
        var trainer = new LstmMetaTrainer(new LstmMetaTrainingOptions { Episodes = 1 });
        using Tensor features = torch.zeros(4, 3);
        using Tensor doubles = torch.zeros(4, 3, ScalarType.Float64);
        using Tensor labels = torch.tensor(new long[] { 0, 1, 0, 1 });
        using Tensor shortLabels = torch.tensor(new long[] { 0, 1 });
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => trainer.Train(optimizer, doubles, labels)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => trainer.Train(optimizer, features, shortLabels)).ParamName);
        var bad = Assert.Throws<ArgumentException>(() => new LstmMetaTrainer(new LstmMetaTrainingOptions { Episodes = 0, UnrollLength = 0, MetaLearningRate = -1 }));
        Assert.Contains("Episodes must be at least 1, got 0", bad.Message, StringComparison.Ordinal);
        Assert.Contains("UnrollLength must be at least 1, got 0", bad.Message, StringComparison.Ordinal);
        Assert.Contains("MetaLearningRate must be a positive number, got -1", bad.Message, StringComparison.Ordinal);
    }

    /// <summary>The mean minibatch loss over 20 in-place steps of three fixed initializations (seeds 100…102) and minibatch sequences, none used in meta-training.</summary>
    internal static double Evaluate(LstmOptimizer optimizer, Mlp mlp, TensorDataset data, int steps = 20, int batch = 64)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < 3; i++)
        {
            using var initGenerator = new torch.Generator((ulong)(100 + i));
            using ParameterSet weights = mlp.CreateParameters(initGenerator);
            using var batchGenerator = new torch.Generator((ulong)(200 + i));
            using LstmOptimizerState state = optimizer.CreateState(weights);
            for (int s = 0; s < steps; s++)
            {
                using var scope = torch.NewDisposeScope();
                Tensor index = torch.randint(data.Features.shape[0], [batch], generator: batchGenerator);
                Tensor loss = Losses.Compute(LossKind.CrossEntropy, mlp.Forward(weights, data.Features.index_select(0, index)), data.Labels.index_select(0, index));
                Tensor[] gradients = TorchAutograd.Grad([loss], weights);
                state.Step(weights, gradients);
                sum += loss.item<float>();
                count++;
            }
        }

        return sum / count;
    }
}
