using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers.BlackBox;

/// <summary><see cref="BlackBoxMetaTrainer"/> and its rollout: the observed-improvement loss's gradient against finite differences, and meta-training that helps.</summary>
public sealed class BlackBoxMetaTrainerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(BlackBoxLstmDesign.Original)]
    [InlineData(BlackBoxLstmDesign.RelativeInputs)]
    [InlineData(BlackBoxLstmDesign.RelativeInputsAndShrinkingScale)]
    public void Run_ObservedImprovementLossGradient_MatchesFloat64CentralDifferences(BlackBoxLstmDesign design)
    {
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 3, seed: 1, ScalarType.Float64, design);
        using var generator = new torch.Generator(5);
        using GpPriorFunctions functions = GpPriorFunctions.Sample(3, 2, 0.2, 0.5, 16, generator, ScalarType.Float64);
        Tensor x0 = torch.rand([3, 2], ScalarType.Float64, generator: generator);
        Tensor y0 = functions.Evaluate(x0);

        // The loss of one unroll of 6 proposals given the carried state (here the state after the first observation,
        // made with the network's own weights), as a function of the weights φ the unroll uses; the noise is fixed.
        Tensor Loss(IReadOnlyList<Tensor> phi)
        {
            using BlackBoxRollout rollout = BlackBoxRollout.Start(network.Weights, network.HiddenSize, x0, y0, design);
            using var noise = new torch.Generator(7);
            return rollout.Run(phi, functions, 6, noise).sum();
        }

        Tensor loss = Loss(network.Weights);
        double[] analytic = [.. TorchAutograd.Grad([loss], network.Weights).SelectMany(g => g.data<double>().ToArray())];
        long[][] shapes = [.. network.Weights.Select(w => w.shape)];
        double LossAt(double[] phi)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var tensors = new Tensor[shapes.Length];
            int at = 0;
            for (int i = 0; i < shapes.Length; i++)
            {
                int n = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
                tensors[i] = torch.tensor(phi[at..(at + n)], shapes[i], ScalarType.Float64);
                at += n;
            }

            return Loss(tensors).item<double>();
        }

        double[] phi0 = [.. network.Weights.ToArrays().SelectMany(a => a)];
        double[] numeric = FiniteDifferences.Gradient(LossAt, phi0, 1e-6);
        output.WriteLine($"{phi0.Length} weights; loss {loss.item<double>():G6}; largest |gradient| {numeric.Max(Math.Abs):G4}");
        Assert.True(loss.item<double>() < 0, "no proposal improved, so the loss has no gradient to check");
        Assert.True(numeric.Max(Math.Abs) > 1e-3, "the gradient is too small for the check to mean anything");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Run_LogRegretLossGradient_MatchesFloat64CentralDifferences()
    {
        // The same unroll on the log regret ln(max(f − f*, 0) + δ): the gradient flows through the logarithm.
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 3, seed: 4, ScalarType.Float64);
        using var generator = new torch.Generator(6);
        using GpPriorFunctions functions = GpPriorFunctions.Sample(3, 2, 0.2, 0.5, 16, generator, ScalarType.Float64);
        functions.EstimateMinimum(256, 4, 30, 1e-3, generator);
        Tensor x0 = torch.rand([3, 2], ScalarType.Float64, generator: generator);
        Tensor y0 = functions.Objective(x0);

        Tensor Loss(IReadOnlyList<Tensor> phi)
        {
            using BlackBoxRollout rollout = BlackBoxRollout.Start(network.Weights, network.HiddenSize, x0, y0);
            using var noise = new torch.Generator(8);
            return rollout.Run(phi, functions, 6, noise).sum();
        }

        Tensor loss = Loss(network.Weights);
        double[] analytic = [.. TorchAutograd.Grad([loss], network.Weights).SelectMany(g => g.data<double>().ToArray())];
        long[][] shapes = [.. network.Weights.Select(w => w.shape)];
        double LossAt(double[] phi)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var tensors = new Tensor[shapes.Length];
            int at = 0;
            for (int i = 0; i < shapes.Length; i++)
            {
                int n = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
                tensors[i] = torch.tensor(phi[at..(at + n)], shapes[i], ScalarType.Float64);
                at += n;
            }

            return Loss(tensors).item<double>();
        }

        double[] phi0 = [.. network.Weights.ToArrays().SelectMany(a => a)];
        double[] numeric = FiniteDifferences.Gradient(LossAt, phi0, 1e-6);
        output.WriteLine($"{phi0.Length} weights; loss {loss.item<double>():G6}; largest |gradient| {numeric.Max(Math.Abs):G4}");
        Assert.True(loss.item<double>() < 0, "no proposal improved, so the loss has no gradient to check");
        Assert.True(numeric.Max(Math.Abs) > 1e-3, "the gradient is too small for the check to mean anything");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void EstimateMinimum_OneDimension_MatchesADenseGridAndMakesTheObjectiveTheLogRegret()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(9);
        using GpPriorFunctions functions = GpPriorFunctions.Sample(8, 1, 0.2, 1.0, 64, generator, ScalarType.Float64);
        Tensor grid = torch.linspace(0, 1, 20001, ScalarType.Float64).reshape(1, 20001, 1).expand(8, 20001, 1);
        double[] exact = functions.EvaluateMany(grid).min(1).values.data<double>().ToArray();
        Assert.Null(functions.Minimum);
        functions.EstimateMinimum(64, 4, 60, 1e-3, generator);
        double[] estimate = functions.Minimum!.data<double>().ToArray();
        for (int b = 0; b < 8; b++)
        {
            // The refinement may land below the grid's best by less than the grid's spacing allows; never far above it.
            Assert.InRange(estimate[b] - exact[b], -1e-6, 1e-4);
        }

        Tensor x = torch.rand([8, 1], ScalarType.Float64, generator: generator);
        double[] f = functions.Evaluate(x).data<double>().ToArray();
        double[] g = functions.Objective(x).data<double>().ToArray();
        for (int b = 0; b < 8; b++)
        {
            Assert.Equal(Math.Log(Math.Max(f[b] - estimate[b], 0) + 1e-3), g[b], 12);
        }
    }

    [Theory]
    [InlineData(BlackBoxLstmDesign.Original)]
    [InlineData(BlackBoxLstmDesign.RelativeInputs)]
    [InlineData(BlackBoxLstmDesign.ShrinkingScale)]
    [InlineData(BlackBoxLstmDesign.RelativeInputsAndShrinkingScale)]
    public void BlackBoxSearch_SameNetworkFunctionAndNoise_ProposesWhatTheTensorRolloutProposes(BlackBoxLstmDesign design)
    {
        // The tuner's float64 array path and the training path read the same features and compute the same network.
        using var scope = torch.NewDisposeScope();
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 4, seed: 2, ScalarType.Float64, design);
        using var generator = new torch.Generator(11);
        using GpPriorFunctions functions = GpPriorFunctions.Sample(1, 3, 0.2, 0.5, 32, generator, ScalarType.Float64);
        Tensor x0 = torch.rand([1, 3], ScalarType.Float64, generator: generator);
        Tensor y0 = functions.Evaluate(x0);
        const int steps = 12;

        using BlackBoxRollout rollout = BlackBoxRollout.Start(network.Weights, network.HiddenSize, x0, y0, design);
        using (var noise = new torch.Generator(3))
        using (torch.no_grad())
        {
            rollout.Run(network.Weights, functions, steps, noise);
        }

        var search = new BlackBoxSearch(network.ToInference(), 3);
        search.Observe(x0.data<double>().ToArray(), y0.item<double>());
        var values = new List<double> { y0.item<double>() };
        using (var noise = new torch.Generator(3))
        {
            for (int s = 0; s < steps; s++)
            {
                double[] eps = torch.randn([1, 3], ScalarType.Float64, generator: noise).data<double>().ToArray();
                double[] x = search.Propose(eps);
                Assert.All(x, v => Assert.InRange(v, 0.0, 1.0));
                double y = functions.Evaluate(torch.tensor(x, [1, 3], ScalarType.Float64)).item<double>();
                search.Observe(x, y);
                values.Add(y);
            }
        }

        double[] expected = rollout.History.data<double>().ToArray();
        Assert.Equal(steps + 1, expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) < 1e-9, $"value {i}: tensors {expected[i]:R}, arrays {values[i]:R}");
        }

        Assert.True(values.Distinct().Count() > steps / 2, "the proposals should differ");

        // The rollout's count of observations since the last improvement, against the values.
        int since = 0;
        for (int i = 1; i < values.Count; i++)
        {
            since = values[i] < values.Take(i).Min() ? 0 : since + 1;
        }

        Assert.Equal(since, rollout.Since.item<double>());
    }

    [Fact]
    public void Features_RelativeInputs_DistanceToTheIncumbentStepsSinceImprovementAndStepFraction()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.tensor(new[] { 0.2, 0.9, 0.5, 0.5 }, [2, 2], ScalarType.Float64);
        Tensor best = torch.tensor(new[] { 0.3, 0.7, 0.5, 0.5 }, [2, 2], ScalarType.Float64);
        Tensor rank = torch.tensor(new[] { 0.5, -1.0 }, ScalarType.Float64);
        Tensor improved = torch.tensor(new[] { 0.0, 1.0 }, ScalarType.Float64);
        Tensor since = torch.tensor(new[] { 4.0, 0.0 }, ScalarType.Float64);
        Tensor original = BlackBoxRollout.Features(x, best, rank, improved, 20, since, BlackBoxLstmDesign.Original);
        Tensor relative = BlackBoxRollout.Features(x, best, rank, improved, 20, since, BlackBoxLstmDesign.RelativeInputs);
        Assert.Equal([2L, 2L, 5L], original.shape);
        Assert.Equal([2L, 2L, 8L], relative.shape);
        double[] row = relative[0, 1].data<double>().ToArray();
        double log51 = Math.Log(51);
        double[] expected = [0.9, 0.7, 0.5, 0, Math.Log(21) / log51, 0.9 - 0.7, Math.Log(5) / log51, 20.0 / 50];
        for (int k = 0; k < 8; k++)
        {
            Assert.Equal(expected[k], row[k], 12);
        }

        // Right after an improvement: distance 0, steps since 0; the fraction stops at 1 after 50 observations.
        double[] improvedRow = BlackBoxRollout.Features(x, best, rank, improved, 80, since, BlackBoxLstmDesign.RelativeInputsAndShrinkingScale)[1, 0].data<double>().ToArray();
        Assert.Equal(0, improvedRow[5], 12);
        Assert.Equal(0, improvedRow[6], 12);
        Assert.Equal(1, improvedRow[7], 12);
        Assert.Equal(original.data<double>().ToArray(), relative.narrow(2, 0, 5).contiguous().data<double>().ToArray());
    }

    [Fact]
    public void Train_ShortRunOnGpFunctions_BeatsRandomSearchOnHeldOutFunctionsOfTheSamePrior()
    {
        var options = new BlackBoxMetaTrainingOptions
        {
            Episodes = 30,
            BatchSize = 32,
            Horizon = 19,
            UnrollLength = 10,
            MinDimension = 4,
            MaxDimension = 5,
            LengthScaleMin = 0.4,
            LengthScaleMax = 1.0,
            FourierFeatures = 32,
            MetaLearningRate = 0.01,
            Seed = 3,
        };
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 16, seed: 3);
        IReadOnlyList<BlackBoxMetaTrainingEpisode> reports = new BlackBoxMetaTrainer(options).Train(network);
        Assert.Equal(30, reports.Count);

        double learnedSum = 0, randomSum = 0, untrainedSum = 0;
        using BlackBoxLstm untrained = BlackBoxLstm.Create(hiddenSize: 16, seed: 3);
        foreach (int d in new[] { 4, 5 })
        {
            // Held-out functions: another seed than training's.
            using var generator = new torch.Generator((ulong)(500 + d));
            using GpPriorFunctions functions = GpPriorFunctions.Sample(128, d, 0.4, 1.0, 32, generator, ScalarType.Float32);
            using var g1 = new torch.Generator(1);
            using var g2 = new torch.Generator(1);
            using var g3 = new torch.Generator(1);
            learnedSum += BlackBoxMetaTrainer.BestFound(network, functions, 20, g1).Average();
            untrainedSum += BlackBoxMetaTrainer.BestFound(untrained, functions, 20, g2).Average();
            randomSum += BlackBoxMetaTrainer.RandomSearchBest(functions, 20, g3).Average();
        }

        output.WriteLine($"mean best value in 20 trials: learned {learnedSum / 2:F4}, untrained {untrainedSum / 2:F4}, random {randomSum / 2:F4}");
        Assert.True(learnedSum < randomSum, $"learned {learnedSum / 2:F4} should be below random search {randomSum / 2:F4}");
        Assert.True(learnedSum < untrainedSum, $"learned {learnedSum / 2:F4} should be below the untrained network {untrainedSum / 2:F4}");
    }

    [Fact]
    public void DrawDimension_Weights_FollowTheWeightsAndSkipZeroWeights()
    {
        var options = new BlackBoxMetaTrainingOptions { MinDimension = 2, MaxDimension = 5, DimensionWeights = [1, 0, 3, 0] };
        var random = new Random(4);
        int[] counts = new int[6];
        for (int i = 0; i < 4000; i++)
        {
            counts[BlackBoxMetaTrainer.DrawDimension(options, random)]++;
        }

        Assert.Equal(0, counts[3] + counts[5] + counts[0] + counts[1]);
        Assert.InRange(counts[4] / 4000.0, 0.72, 0.78);

        // Without weights: the uniform draw of before, the same numbers for the same seed.
        var uniform = new BlackBoxMetaTrainingOptions();
        var a = new Random(9);
        var b = new Random(9);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(b.Next(1, 7), BlackBoxMetaTrainer.DrawDimension(uniform, a));
        }
    }

    [Fact]
    public void Options_InvalidDimensionWeights_NameTheProblem()
    {
        var count = Assert.Throws<ArgumentException>(() => new BlackBoxMetaTrainer(new BlackBoxMetaTrainingOptions { DimensionWeights = [1, 2] }));
        Assert.Contains("DimensionWeights needs one weight per dimension 1-6 (6), got 2.", count.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentException>(() => new BlackBoxMetaTrainer(new BlackBoxMetaTrainingOptions { DimensionWeights = [0, 0, 0, 0, 0, 0] }));
        Assert.Contains("not all zero", zero.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentException>(() => new BlackBoxMetaTrainer(new BlackBoxMetaTrainingOptions { DimensionWeights = [1, -1, 1, 1, 1, 1] }));
        Assert.Contains("non-negative", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new BlackBoxMetaTrainer(new BlackBoxMetaTrainingOptions { Episodes = 0, MinDimension = 4, MaxDimension = 2, LengthScaleMin = -1, RegretFloor = 0 }));
        Assert.Contains("RegretFloor must be a positive number, got 0.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Episodes must be at least 1, got 0.", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinDimension ≤ MaxDimension, got 4 and 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("LengthScaleMin ≤ LengthScaleMax", e.Message, StringComparison.Ordinal);
    }
}
