using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>The variational criterion (negative ELBO, prior precisions as hyperparameters) on real Fashion-MNIST rows, in float64.</summary>
public sealed class VariationalMlpInnerProblemTests(ITestOutputHelper output)
{
    private const int Steps = 6;

    private static VariationalMlpInnerProblem Problem(int trainRows = 60, int validationRows = 40) =>
        Problem(new Mlp([784, 4, 10], Activation.Tanh), trainRows, validationRows, batchSize: 20);

    private static VariationalMlpInnerProblem Problem(Mlp mlp, int trainRows, int validationRows, int batchSize)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(trainRows, validationRows);
        return new VariationalMlpInnerProblem(mlp, train, validation, batchSize, seed: 3, initialSigma: 0.05, validationSamples: 2);
    }

    private static HyperparameterSet Schedule(int steps) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, steps), [.. Enumerable.Range(0, steps).Select(t => 0.3 + (0.02 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, steps), [.. Enumerable.Range(0, steps).Select(t => 0.8 - (0.01 * t))]);

    [Fact]
    public void Compute_PerLayerPrecisionsUnrolledAndExactReversal_MatchCentralDifferences()
    {
        using VariationalMlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log), 0.3)
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit), 0.8)
            .Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [2.0, 0.5]);
        var method = new UnrolledReverseMode(new ReverseModeOptions { Steps = Steps });

        HypergradientResult result = method.Compute(problem, h);
        double[] analytic = result.Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);
        HypergradientResult exact = new ExactReversalReverseMode(method.Options).Compute(problem, h);

        output.WriteLine($"validation -ELBO per row {result.OuterLoss:F6}; max relative error vs finite differences: unrolled {ReverseModeTests.MaxRelativeError(numeric, analytic):E3}, exact reversal {ReverseModeTests.MaxRelativeError(numeric, exact.Flatten(h)):E3} (bit-exact {exact.ExactlyReversed})");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        FiniteDifferences.AssertClose(numeric, exact.Flatten(h), 1e-4);
        Assert.True(exact.ExactlyReversed);
        Assert.All(analytic, g => Assert.NotEqual(0.0, g));
    }

    [Fact]
    public void Compute_PerWeightPrecisionsUnrolled_MatchesDirectionalCentralDifference()
    {
        using VariationalMlpInnerProblem problem = Problem();
        HyperparameterSet h = Schedule(Steps);
        foreach (Hyperparameter d in problem.PerWeightPriorPrecisions())
        {
            h.Add(d, 1.5);
        }

        var method = new UnrolledReverseMode(new ReverseModeOptions { Steps = Steps });
        double analytic = Directional(method, problem, h, out double numeric);

        output.WriteLine($"{h.ElementCount} hyperparameters ({problem.ParameterCount} network parameters); directional derivative: analytic {analytic:E8}, finite differences {numeric:E8}");
        Assert.Equal(problem.ParameterCount + (2 * Steps), h.ElementCount);
        Assert.NotEqual(0.0, analytic);
        Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Abs(numeric), $"analytic {analytic:R}, numeric {numeric:R}");
    }

    [Fact]
    public void Compute_PerWeightPrecisionsImplicit_MatchesDirectionalCentralDifference()
    {
        // Softmax regression (784→10) with a variational posterior: the inner problem solved on the whole training set with its fixed draw.
        using VariationalMlpInnerProblem problem = Problem(new Mlp([784, 10]), 100, 100, batchSize: 100);
        HyperparameterSet h = new();
        foreach (Hyperparameter d in problem.PerWeightPriorPrecisions())
        {
            h.Add(d, 4.0);
        }

        var method = new ImplicitDifferentiation(new ImplicitDifferentiationOptions { InitialTolerance = 1e-10, MinimumTolerance = 1e-10, ToleranceDecrease = 1 });
        HypergradientCost cost = method.Compute(problem, h).Cost;
        double analytic = Directional(method, problem, h, out double numeric, step: 1e-3);

        output.WriteLine($"implicit: inner gradient norm {method.LastInnerGradientNorm:E2}, first solve {cost.HessianVectorProducts} Hessian-vector products in {cost.Elapsed.TotalSeconds:F1} s; directional derivative: analytic {analytic:E8}, finite differences {numeric:E8}");
        Assert.True(method.LastInnerGradientNorm <= 1e-10);
        Assert.NotEqual(0.0, analytic);
        Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Abs(numeric), $"analytic {analytic:R}, numeric {numeric:R}");
    }

    [Fact]
    public void Compute_GreedyOneStep_MatchesCentralDifferences()
    {
        using VariationalMlpInnerProblem problem = Problem();
        HyperparameterSet h = Schedule(1).Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [2.0, 0.5]);
        var method = new GreedyOneStep(new ReverseModeOptions { Steps = 1 });

        double[] analytic = method.Compute(problem, h).Flatten(h);
        double[] numeric = FiniteDifferences.Gradient(u => method.Compute(problem, h.WithUnconstrained(u)).OuterLoss, h.FlattenUnconstrained(), 1e-5);

        output.WriteLine($"greedy one step: max relative error vs finite differences {ReverseModeTests.MaxRelativeError(numeric, analytic):E3}");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-4);
        Assert.NotEqual(0.0, analytic[2]);
        Assert.NotEqual(0.0, analytic[3]);
    }

    [Fact]
    public void KullbackLeibler_ClosedForm_MatchesMonteCarloEstimate()
    {
        using VariationalMlpInnerProblem problem = Problem(new Mlp([784, 1, 10]), 20, 20, batchSize: 20);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [3.0, 0.2]);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        HyperparameterTensors leaves = h.CreateTensors();
        using var generator = new torch.Generator(11);
        Tensor[] weights = [.. problem.WeightShapes.Select((s, i) => i < problem.WeightShapes.Count / 2
            ? torch.empty(s, ScalarType.Float64).normal_(0, 0.5, generator)
            : torch.empty(s, ScalarType.Float64).uniform_(-2, 0, generator))];
        double closed = problem.KullbackLeibler(weights, leaves).item<double>();

        // KL = E_q[log q(w) − log p(w)]: average the log-density ratio of S joint draws w ~ q.
        const int samples = 10000;
        int n = weights.Length / 2;
        double[] alpha = [3.0, 3.0, 0.2, 0.2];
        Tensor ratio = torch.zeros([samples], ScalarType.Float64);
        for (int i = 0; i < n; i++)
        {
            Tensor mu = weights[i].reshape(1, -1);
            Tensor sigma = weights[n + i].exp().reshape(1, -1);
            Tensor eps = torch.empty([samples, mu.shape[1]], ScalarType.Float64).normal_(0, 1, generator);
            Tensor w = mu + (sigma * eps);
            Tensor logQ = (-0.5 * eps.square()) - sigma.log() - (0.5 * Math.Log(2 * Math.PI));
            Tensor logP = (-0.5 * alpha[i] * w.square()) + (0.5 * Math.Log(alpha[i])) - (0.5 * Math.Log(2 * Math.PI));
            ratio = ratio + (logQ - logP).sum(1);
        }

        double estimate = ratio.mean().item<double>();
        double standardError = ratio.std().item<double>() / Math.Sqrt(samples);

        output.WriteLine($"KL closed form {closed:F3}, Monte Carlo {estimate:F3} ± {standardError:F3} (standard error, {samples} draws of {problem.ParameterCount} parameters)");
        Assert.True(standardError < 0.01 * closed, $"standard error {standardError} too large for KL {closed}");
        Assert.True(Math.Abs(closed - estimate) <= 4 * standardError, $"closed form {closed:R}, Monte Carlo {estimate:R} ± {standardError:R}");
    }

    [Fact]
    public void TrainingLoss_SameStep_IsBitForBitRepeatableAndStepsDrawDifferentNoise()
    {
        using VariationalMlpInnerProblem problem = Problem();
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), 1.0);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors leaves = h.CreateTensors();
        Tensor[] weights = problem.InitialWeights(leaves);

        double first = problem.TrainingLoss(weights, leaves, 3).item<double>();
        double again = problem.TrainingLoss(weights, leaves, 3).item<double>();
        double nextBatchRound = problem.TrainingLoss(weights, leaves, 6).item<double>();
        double whole = problem.TrainingLoss(weights, leaves, null).item<double>();

        // Steps 3 and 6 use the same rows (60 rows, batch 20) but different noise.
        Assert.Equal(first, again);
        Assert.NotEqual(first, nextBatchRound);
        Assert.True(double.IsFinite(whole));
        Assert.Equal(2 * 2 * problem.Mlp.LayerCount, problem.WeightShapes.Count);
    }

    [Fact]
    public void Elbo_TinySigma_IsMinusTotalCrossEntropyOfTheMeanMinusKl()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(50, 30);
        var mlp = new Mlp([784, 4, 10], Activation.Tanh);
        using var problem = new VariationalMlpInnerProblem(mlp, train, validation, 10, seed: 3, initialSigma: 1e-9);
        HyperparameterSet h = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), [2.0, 3.0]);
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors leaves = h.CreateTensors();
        Tensor[] weights = problem.InitialWeights(leaves);
        using TensorDataset data = validation.ToTensors();

        double crossEntropy = torch.nn.functional.cross_entropy(mlp.Forward(problem.PosteriorMean(weights), data.Features.to(ScalarType.Float64)), data.Labels, reduction: nn.Reduction.Sum).item<double>();
        double kl = problem.KullbackLeibler(weights, leaves).item<double>();
        double elbo = problem.ValidationElbo(weights, h, samples: 3);

        output.WriteLine($"validation ELBO {elbo:F4} = -({crossEntropy:F4} + {kl:F4})");
        Assert.Equal(-(crossEntropy + kl), elbo, 6);
        Assert.True(kl > 0);
    }

    [Fact]
    public void Methods_BadArguments_ThrowNamingExpectedAndActual()
    {
        using VariationalMlpInnerProblem problem = Problem();
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(20, 20);
        using var scope = torch.NewDisposeScope();
        HyperparameterSet wrongShape = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PerWeightPriorPrecisionName("w0"), HyperparameterTransform.Log, 4, 783), 1.0);
        HyperparameterSet both = new HyperparameterSet()
            .Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 2), 1.0)
            .Add(new Hyperparameter(VariationalMlpInnerProblem.PerWeightPriorPrecisionName("b1"), HyperparameterTransform.Log, 10), 1.0);
        HyperparameterSet perLayerWrong = new HyperparameterSet().Add(new Hyperparameter(VariationalMlpInnerProblem.PriorPrecisionName, HyperparameterTransform.Log, 3), 1.0);
        HyperparameterTensors none = new HyperparameterSet().CreateTensors();
        Tensor[] weights = problem.InitialWeights(none);

        ArgumentAssert.Throws(() => problem.TrainingLoss(weights, wrongShape.CreateTensors(), 0), "hyperparameters", "\"prior_precision.w0\"", "[4, 784]", "[4, 783]");
        ArgumentAssert.Throws(() => problem.OuterLoss(weights, both.CreateTensors()), "hyperparameters", "\"prior_precision\"", "\"prior_precision.b1\"");
        ArgumentAssert.Throws(() => problem.KullbackLeibler(weights, perLayerWrong.CreateTensors()), "hyperparameters", "[2]", "[3]");
        ArgumentAssert.Throws(() => problem.OuterLoss(weights[..4], none), "weights", "8 tensors", "got 4");
        ArgumentAssert.Throws(() => problem.TrainingLoss([.. weights[..7], torch.zeros([3], ScalarType.Float64)], none, 0), "weights", "[10]", "[3]");
        ArgumentAssert.Throws(() => new VariationalMlpInnerProblem(new Mlp([100, 10]), train, validation, 10, 1).Dispose(), "train", "100 features", "784 features");
        Assert.Equal("initialSigma", Assert.Throws<ArgumentOutOfRangeException>(() => new VariationalMlpInnerProblem(new Mlp([784, 10]), train, validation, 10, 1, initialSigma: 0).Dispose()).ParamName);
        Assert.Equal("validationSamples", Assert.Throws<ArgumentOutOfRangeException>(() => new VariationalMlpInnerProblem(new Mlp([784, 10]), train, validation, 10, 1, validationSamples: 0).Dispose()).ParamName);
    }

    private static double Directional(IHypergradientMethod method, IInnerProblem problem, HyperparameterSet h, out double numeric, double step = 1e-5)
    {
        double[] direction = Float64.Randn(h.ElementCount, seed: 9);
        double[] u0 = h.FlattenUnconstrained();
        double[] gradient = method.Compute(problem, h).Flatten(h);
        double Along(double s) => method.Compute(problem, h.WithUnconstrained([.. u0.Zip(direction, (u, d) => u + (s * d))])).OuterLoss;
        numeric = (Along(step) - Along(-step)) / (2 * step);
        return gradient.Zip(direction, (g, d) => g * d).Sum();
    }
}
