using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypernetworks;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Tests.Hypergradients;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypernetworks;

/// <summary><see cref="SelfTuningNetwork"/>: the validation loss's gradient with respect to λ against float64 finite differences, and the identities of its parts.</summary>
public sealed class SelfTuningNetworkTests(ITestOutputHelper output)
{
    private const double Temperature = 0.5;

    [Fact]
    public void ValidationObjective_GradientWithRespectToMeanAndLogScale_MatchesFloat64FiniteDifferences()
    {
        // The hyperparameter step's objective: validation CE at λ = mean + σ ⊙ ε (ε fixed, one row per example), dropout off, minus τ Σ log σ.
        using var scope = torch.NewDisposeScope();
        (Tensor x, Tensor y) = RealRows(24);
        using SelfTuningNetwork network = Network();
        int d = network.HyperparameterCount;
        using var generator = new torch.Generator(11);
        Tensor epsilon = torch.randn([24, d], ScalarType.Float64, generator: generator);
        const double Tau = 0.01;
        Tensor Objective(Tensor mean, Tensor logScale) =>
            Losses.Compute(LossKind.CrossEntropy, network.Forward(x, mean + (logScale.exp() * epsilon)), y) - (Tau * logScale.sum());

        Tensor mean0 = network.Mean.detach().clone() + (torch.randn([d], ScalarType.Float64, generator: generator) * 0.3);
        Tensor logScale0 = torch.full([d], Math.Log(0.4), ScalarType.Float64);
        Tensor meanLeaf = mean0.clone().requires_grad_(true);
        Tensor logScaleLeaf = logScale0.clone().requires_grad_(true);
        Tensor[] gradients = TorchAutograd.Grad([Objective(meanLeaf, logScaleLeaf)], [meanLeaf, logScaleLeaf]);
        double[] analytic = [.. gradients[0].data<double>(), .. gradients[1].data<double>()];

        double F(double[] values)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return Objective(torch.tensor(values[..d], ScalarType.Float64), torch.tensor(values[d..], ScalarType.Float64)).item<double>();
        }

        double[] numeric = FiniteDifferences.Gradient(F, [.. mean0.data<double>(), .. logScale0.data<double>()], 1e-6);
        output.WriteLine($"analytic [{string.Join(", ", analytic.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)))}]");
        Assert.True(numeric.Take(d).Max(Math.Abs) > 1e-4, "the gradient with respect to λ is too small for the check to mean anything");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void Forward_RelaxedDropoutWithFixedNoise_GradientWithRespectToPerExampleLambdaMatchesFiniteDifferences()
    {
        // With the concrete dropout on and its noise fixed, the loss depends on the rates through the masks as well as through W(λ).
        using var scope = torch.NewDisposeScope();
        (Tensor x, Tensor y) = RealRows(6);
        using SelfTuningNetwork network = Network();
        int d = network.HyperparameterCount;
        using var generator = new torch.Generator(12);
        Tensor[] noise = [torch.rand([6, 5], ScalarType.Float64, generator: generator).clamp(0.05, 0.95), torch.rand([6, 4], ScalarType.Float64, generator: generator).clamp(0.05, 0.95)];
        Tensor lambda0 = network.Mean.detach().unsqueeze(0).expand(6, -1).clone() + (torch.randn([6, d], ScalarType.Float64, generator: generator) * 0.5);
        lambda0.narrow(1, 0, 2).add_(1.5); // dropout rates around 0.2 … 0.5, where the masks are not saturated
        Tensor Loss(Tensor lambda) => Losses.Compute(LossKind.CrossEntropy, network.Forward(x, lambda, noise, Temperature), y) + network.L2Penalty(lambda);

        Tensor leaf = lambda0.clone().requires_grad_(true);
        double[] analytic = [.. TorchAutograd.Grad(Loss(leaf), leaf).data<double>()];

        double F(double[] values)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return Loss(torch.tensor(values, [6, d], ScalarType.Float64)).item<double>();
        }

        double[] numeric = FiniteDifferences.Gradient(F, [.. lambda0.data<double>()], 1e-6);
        double[] dropoutColumns = [.. Enumerable.Range(0, 6).SelectMany(i => new[] { numeric[i * d], numeric[(i * d) + 1] })];
        Assert.True(dropoutColumns.Max(Math.Abs) > 1e-3, "the dropout rates must matter through the masks");
        FiniteDifferences.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void L2Penalty_EqualsCoefficientTimesSquaredNormOfEachExamplesEffectiveWeights()
    {
        using var scope = torch.NewDisposeScope();
        using SelfTuningNetwork network = Network();
        using var generator = new torch.Generator(13);
        Tensor lambda = network.Mean.detach().unsqueeze(0).expand(3, -1).clone() + torch.randn([3, network.HyperparameterCount], ScalarType.Float64, generator: generator);

        double expected = 0;
        for (int i = 0; i < 3; i++)
        {
            Tensor[] weights = network.EffectiveWeights(lambda[i]);
            for (int l = 0; l < network.LayerCount; l++)
            {
                double coefficient = Math.Exp(lambda[i, network.L2Index(l)].item<double>());
                expected += coefficient * (weights[2 * l].square().sum() + weights[(2 * l) + 1].square().sum()).item<double>() / 3;
            }
        }

        Assert.Equal(expected, network.L2Penalty(lambda).item<double>(), 1e-12);
    }

    [Fact]
    public void EffectiveWeights_InAPlainMlp_GiveTheNetworksLogitsWithDropoutOff()
    {
        using var scope = torch.NewDisposeScope();
        (Tensor x, _) = RealRows(8);
        using SelfTuningNetwork network = Network();
        Tensor lambda = network.Mean.detach() + 0.7;

        Tensor expected = network.Forward(x, lambda);
        Tensor actual = new Mlp(network.LayerSizes).Forward(network.EffectiveWeights(lambda), x);

        Assert.True(torch.allclose(expected, actual, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Constructor_RatesAndCoefficients_StartAtTheInitialValues()
    {
        using var generator = new torch.Generator(1);
        using var network = new SelfTuningNetwork([10, 4, 3, 2], 0.2, 1e-4, 0.5, generator);

        Assert.Equal(5, network.HyperparameterCount);
        Assert.All(network.DropoutRates(), p => Assert.Equal(0.2, p, 1e-6));
        Assert.All(network.L2Coefficients(), c => Assert.Equal(1e-4, c, 1e-9));
        Assert.All(network.PerturbationScales(), s => Assert.Equal(0.5, s, 1e-6));
    }

    [Fact]
    public void Forward_BadShapes_ThrowArgumentExceptionsThatSayWhatIsExpected()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1);
        using var network = new SelfTuningNetwork([10, 4, 3, 2], 0.2, 1e-4, 0.5, generator);
        Tensor x = torch.zeros([6, 10]);

        Assert.Contains("λ must have shape [5] or [6, 5]", Assert.Throws<ArgumentException>(() => network.Forward(x, torch.zeros([4]))).Message, StringComparison.Ordinal);
        Assert.Contains("one tensor per hidden layer (2); got 1", Assert.Throws<ArgumentException>(() => network.Forward(x, torch.zeros([5]), [torch.rand([6, 4])])).Message, StringComparison.Ordinal);
        Assert.Contains("must have shape [6, 3]", Assert.Throws<ArgumentException>(() => network.Forward(x, torch.zeros([5]), [torch.rand([6, 4]), torch.rand([6, 4])])).Message, StringComparison.Ordinal);
        Assert.Contains("input must have shape [batch, 10]", Assert.Throws<ArgumentException>(() => network.Forward(torch.zeros([6, 9]), torch.zeros([5]))).Message, StringComparison.Ordinal);
        Assert.Contains("at least one hidden", Assert.Throws<ArgumentException>(() => new SelfTuningNetwork([10, 2], 0.2, 1e-4, 0.5, generator)).Message, StringComparison.Ordinal);
        Assert.Contains("initial dropout must be in (0, 1)", Assert.Throws<ArgumentException>(() => new SelfTuningNetwork([10, 3, 2], 1.0, 1e-4, 0.5, generator)).Message, StringComparison.Ordinal);
    }

    /// <summary>A float64 network 784-5-4-10 whose hypernetwork biases are not zero, so every path carries gradient.</summary>
    private static SelfTuningNetwork Network()
    {
        using var generator = new torch.Generator(7);
        var network = new SelfTuningNetwork([784, 5, 4, 10], 0.1, 1e-3, 0.5, generator, ScalarType.Float64);
        using (torch.no_grad())
        {
            foreach (string name in network.Weights.Names.Where(n => n.StartsWith('a')))
            {
                network.Weights[name].uniform_(-0.5, 0.5, generator);
            }
        }

        return network;
    }

    private static (Tensor X, Tensor Y) RealRows(int rows)
    {
        (TabularDataset train, _) = FashionMnistSplits.Take(rows, 1);
        using TensorDataset data = train.ToTensors();
        return (data.Features.to(ScalarType.Float64), data.Labels.clone());
    }
}
