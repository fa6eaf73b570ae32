using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>
/// The analytic reverse step of <see cref="MlpInnerProblem"/> (gradient, Hessian-vector product by Pearlmutter's R-pass
/// and the hyperparameters' mixed term) against autograd in float64, and the reverse-mode hypergradients that use it
/// against central finite differences, on real Fashion-MNIST rows.
/// </summary>
public sealed class MlpInnerProblemAnalyticTests(ITestOutputHelper output)
{
    private const int Steps = 6;

    /// <summary>Activation, L2 form and centred inputs: every combination the analytic step covers.</summary>
    public static TheoryData<Activation, string, bool> Cases()
    {
        var data = new TheoryData<Activation, string, bool>();
        foreach (Activation activation in new[] { Activation.Tanh, Activation.Relu })
        {
            foreach (string l2 in new[] { "per-layer", "per-weight", "per-unit" })
            {
                foreach (bool centred in new[] { false, true })
                {
                    data.Add(activation, l2, centred);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticReverseStep_ThreeLayerMlp_MatchesAutogradInFloat64(Activation activation, string l2, bool centred)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(300, 50);
        using var problem = new MlpInnerProblem(new Mlp([784, 8, 6, 10], activation), train, validation, batchSize: 40, seed: 11, centerInputs: centred);
        HyperparameterSet set = Penalties(l2, [784, 8, 6, 10]);
        IAnalyticReverseStep analytic = problem;
        Assert.True(analytic.CoversAnalytically(set.CreateTensors()));
        long[][] shapes = [.. problem.WeightShapes];
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = set.CreateTensors();
        double[] w;
        using (torch.NewDisposeScope())
        {
            w = FlatTensors.Flatten(problem.InitialWeights(h));
        }

        // Weights away from the initialization (larger, so that tanh saturates somewhat and ReLU units are off), a random direction.
        double[] noise = MLNet.HyperGrad.Tests.Torch.Float64.Randn(w.Length, 3);
        double[] direction = MLNet.HyperGrad.Tests.Torch.Float64.Randn(w.Length, 4);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (1.5 * w[i]) + (0.05 * noise[i]);
        }

        const int step = 7; // 7·40 = 280: the batch wraps around the 300 rows.
        double[] gradient = new double[w.Length];
        double[] product = new double[w.Length];
        double[] plainGradient = new double[w.Length];
        Tensor[]? mixed = analytic.AnalyticReverseStep(w, direction, h, step, gradient, product);
        analytic.AnalyticTrainingGradient(w, h, step, plainGradient);

        Tensor[] leaves = FlatTensors.Leaves(w, shapes);
        Tensor[] g = TorchAutograd.Grad([problem.TrainingLoss(leaves, h, step)], leaves, createGraph: true);
        Tensor[] second = TorchAutograd.Grad([FlatTensors.Inner(g, FlatTensors.Unflatten(direction, shapes))], [.. leaves, .. h.Leaves], allowUnused: true);
        double[] expectedGradient = FlatTensors.Flatten(g);
        double[] expectedProduct = FlatTensors.Flatten(second.Take(leaves.Length));
        double[] expectedMixed = FlatTensors.Flatten(second.Skip(leaves.Length));
        Assert.NotNull(mixed);
        double[] actualMixed = FlatTensors.Flatten(mixed);

        output.WriteLine($"{activation}, {l2}, centred {centred}: relative error gradient {ReverseModeTests.MaxRelativeError(expectedGradient, gradient):E2}, H·v {ReverseModeTests.MaxRelativeError(expectedProduct, product):E2}, mixed {ReverseModeTests.MaxRelativeError(expectedMixed, actualMixed):E2}");
        FiniteDifferences.AssertClose(expectedGradient, gradient, 1e-10);
        FiniteDifferences.AssertClose(expectedProduct, product, 1e-10);
        FiniteDifferences.AssertClose(expectedMixed, actualMixed, 1e-10);
        Assert.Contains(expectedMixed, x => x != 0);
        Assert.Equal(gradient.Length, plainGradient.Length);
        FiniteDifferences.AssertClose(expectedGradient, plainGradient, 1e-10);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_ExactReversalAndDrMadOneStepWithAnalyticSteps_MatchCentralDifferences(Activation activation, string l2, bool centred)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        using var problem = new MlpInnerProblem(new Mlp([784, 5, 10], activation), train, validation, batchSize: 20, seed: 5, centerInputs: centred);
        HyperparameterSet set = Penalties(l2, [784, 5, 10], Schedule(Steps));
        var options = new ReverseModeOptions { Steps = Steps };
        var reference = new UnrolledReverseMode(options);
        var exact = new ExactReversalReverseMode(options);
        HypergradientResult result = exact.Compute(problem, set);
        double[] hypergradient = result.Flatten(set);
        double[] u = set.FlattenUnconstrained();

        // Every schedule entry and the first few penalty coefficients by coordinate, the rest along random directions.
        int schedule = 2 * Steps;
        int[] coordinates = [.. Enumerable.Range(0, Math.Min(u.Length, schedule + 6))];
        double[] numeric = [.. coordinates.Select(i => Central(v => reference.Compute(problem, set.WithUnconstrained(v)).OuterLoss, u, Unit(u.Length, i)))];
        double[] analyticAlong = [.. coordinates.Select(i => hypergradient[i])];
        for (ulong seed = 1; seed <= 2; seed++)
        {
            double[] d = MLNet.HyperGrad.Tests.Torch.Float64.Randn(u.Length, 100 + seed);
            numeric = [.. numeric, Central(v => reference.Compute(problem, set.WithUnconstrained(v)).OuterLoss, u, d)];
            analyticAlong = [.. analyticAlong, hypergradient.Zip(d, (a, b) => a * b).Sum()];
        }

        output.WriteLine($"{activation}, {l2}, centred {centred}: {u.Length} hyperparameters; max relative error vs central differences {ReverseModeTests.MaxRelativeError(numeric, analyticAlong):E2}; exactly reversed {result.ExactlyReversed}; gradient evaluations {result.Cost.GradientEvaluations} (2·T = {2 * Steps})");
        Assert.True(result.ExactlyReversed);
        FiniteDifferences.AssertClose(numeric, analyticAlong, 1e-4);
        Assert.Contains(numeric.Skip(schedule), x => x != 0);

        // DrMAD with one step walks the exact trajectory: it must equal the store-everything autograd hypergradient.
        var one = new ReverseModeOptions { Steps = 1 };
        HyperparameterSet oneSet = Penalties(l2, [784, 5, 10], Schedule(1));
        FiniteDifferences.AssertClose(new UnrolledReverseMode(one).Compute(problem, oneSet).Flatten(oneSet), new DrMad(one).Compute(problem, oneSet).Flatten(oneSet), 1e-10);
    }

    [Fact]
    public void Compute_ExactReversalAnalyticAndAutogradSteps_SameHypergradientAndBothExact()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(400, 100);
        using var problem = new MlpInnerProblem(new Mlp([784, 20, 10], Activation.Tanh), train, validation, batchSize: 100, seed: 2);
        HyperparameterSet set = Penalties("per-layer", [784, 20, 10], Schedule(20));
        var options = new ReverseModeOptions { Steps = 20 };

        HypergradientResult analytic = new ExactReversalReverseMode(options).Compute(problem, set);
        problem.AnalyticReverseSteps = false;
        HypergradientResult autograd = new ExactReversalReverseMode(options).Compute(problem, set);

        output.WriteLine($"analytic: exact {analytic.ExactlyReversed}, gradient evaluations {analytic.Cost.GradientEvaluations}; autograd: exact {autograd.ExactlyReversed}, gradient evaluations {autograd.Cost.GradientEvaluations}; relative difference {ReverseModeTests.MaxRelativeError(autograd.Flatten(set), analytic.Flatten(set)):E2}");
        Assert.True(analytic.ExactlyReversed);
        Assert.True(autograd.ExactlyReversed);
        FiniteDifferences.AssertClose(autograd.Flatten(set), analytic.Flatten(set), 1e-8);
        Assert.Equal(autograd.OuterLoss, analytic.OuterLoss, 10);
    }

    [Fact]
    public void AnalyticReverseStep_Gradient_HasTheForwardPassBits()
    {
        // The reverse step's gradient must carry the forward pass's bits, or exact reversal falls back to recomputing the
        // gradient at every step (it stays exact, but costs one gradient more per step). The bench's problem, 784-50-10.
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(600, 50);
        foreach (Activation activation in new[] { Activation.Tanh, Activation.Relu })
        {
            // Unfused: the fused forward and backward products may change the last bits (see the next tests).
            using var problem = new MlpInnerProblem(new Mlp([784, 50, 10], activation), train, validation, batchSize: 200, seed: 1) { FusedForwardProducts = false, FusedBackwardProducts = false };
            HyperparameterSet set = Penalties("per-layer", [784, 50, 10]);
            IAnalyticReverseStep analytic = problem;
            using var scope = torch.NewDisposeScope();
            HyperparameterTensors h = set.CreateTensors();
            double[] w;
            using (torch.NewDisposeScope())
            {
                w = FlatTensors.Flatten(problem.InitialWeights(h));
            }

            double[] direction = MLNet.HyperGrad.Tests.Torch.Float64.Randn(w.Length, 5);
            for (int t = 0; t < 3; t++)
            {
                double[] plain = new double[w.Length];
                double[] withProduct = new double[w.Length];
                analytic.AnalyticTrainingGradient(w, h, t, plain);
                _ = analytic.AnalyticReverseStep(w, direction, h, t, withProduct, new double[w.Length]);
                int differing = plain.Where((g, i) => BitConverter.DoubleToInt64Bits(g) != BitConverter.DoubleToInt64Bits(withProduct[i])).Count();
                Assert.True(differing == 0, $"{activation}, step {t}: {differing} of {plain.Length} gradient entries differ in their bits between the gradient and the reverse step");
            }

            HypergradientResult result = new ExactReversalReverseMode(new ReverseModeOptions { Steps = 3 }).Compute(problem, Penalties("per-layer", [784, 50, 10], Schedule(3)));
            Assert.True(result.ExactlyReversed);
            Assert.Equal(6, result.Cost.GradientEvaluations);
        }
    }

    [Fact]
    public void AnalyticReverseStep_FusedForwardProducts_SameRoundedGradientAndExactReversal() =>
        // a·[W | V]ᵀ as one product (an option, off by default; the backward products unfused here).
        AssertFusedProductsKeepRoundedGradientAndExactReversal(
            (problem, on) => problem.FusedForwardProducts = on, p => p.FusedBackwardProducts = false, unfusedGradientIsPlain: false);

    [Theory]
    [InlineData("per-layer")]
    [InlineData("per-weight")]
    [InlineData("per-unit")]
    public void AnalyticReverseStep_ClosedFormMixedTerm_EqualsAutogradMixedTerm(string l2)
    {
        // The mixed term ∂(g·v)/∂u in closed form (the default) against the autograd form through the maps u → λ, per leaf
        // (the init scales, which the training loss does not read, get zeros in both), and exact reversal's hypergradient with each.
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 40);
        int[] sizes = [784, 6, 10];
        using var problem = new MlpInnerProblem(new Mlp(sizes, Activation.Tanh), train, validation, batchSize: 30, seed: 2);
        HyperparameterSet set = Penalties(l2, sizes, Schedule(Steps));
        IAnalyticReverseStep analytic = problem;
        using (var scope = torch.NewDisposeScope())
        {
            HyperparameterTensors h = set.CreateTensors();
            double[] w;
            using (torch.NewDisposeScope())
            {
                w = FlatTensors.Flatten(problem.InitialWeights(h));
            }

            double[] direction = MLNet.HyperGrad.Tests.Torch.Float64.Randn(w.Length, 9);
            double[] gradient = new double[w.Length];
            double[] product = new double[w.Length];
            Assert.True(problem.ClosedFormMixedTerm);
            Tensor[] closedForm = analytic.AnalyticReverseStep(w, direction, h, 1, gradient, product)!;
            problem.ClosedFormMixedTerm = false;
            Tensor[] autograd = analytic.AnalyticReverseStep(w, direction, h, 1, gradient, product)!;
            problem.ClosedFormMixedTerm = true;
            Assert.Equal(autograd.Length, closedForm.Length);
            for (int k = 0; k < autograd.Length; k++)
            {
                Assert.Equal(autograd[k].shape, closedForm[k].shape);
                double[] expected = TensorData.ToArray<double>(autograd[k]);
                double[] actual = TensorData.ToArray<double>(closedForm[k]);
                bool penalty = set.Definitions[k].Name.StartsWith(MlpInnerProblem.L2Name, StringComparison.Ordinal);
                Assert.Equal(penalty, expected.Any(x => x != 0));
                FiniteDifferences.AssertClose(expected, actual, 1e-12);
            }
        }

        var options = new ReverseModeOptions { Steps = Steps };
        HypergradientResult closedRun = new ExactReversalReverseMode(options).Compute(problem, set);
        problem.ClosedFormMixedTerm = false;
        HypergradientResult autogradRun = new ExactReversalReverseMode(options).Compute(problem, set);
        Assert.True(closedRun.ExactlyReversed);
        FiniteDifferences.AssertClose(autogradRun.Flatten(set), closedRun.Flatten(set), 1e-10);
    }

    [Fact]
    public void AnalyticReverseStep_FusedBackwardProducts_SameRoundedGradientAndExactReversal() =>
        // [δ | Rδ]ᵀ·X as one product (the first layer's backward products; the default).
        AssertFusedProductsKeepRoundedGradientAndExactReversal(
            (problem, on) => problem.FusedBackwardProducts = on, _ => { }, unfusedGradientIsPlain: true);

    /// <summary>
    /// A fused product (switched by <paramref name="setFused"/>) may change the gradient's last bits, but not its value rounded
    /// to exact reversal's fixed point (2^−32), and the product H·v and the hypergradient only at rounding level; exact reversal
    /// stays exact (a step whose rounding differed would be recomputed, at most one gradient more per step).
    /// </summary>
    private void AssertFusedProductsKeepRoundedGradientAndExactReversal(Action<MlpInnerProblem, bool> setFused, Action<MlpInnerProblem> configure, bool unfusedGradientIsPlain)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(600, 50);
        foreach (Activation activation in new[] { Activation.Tanh, Activation.Relu })
        {
            using var problem = new MlpInnerProblem(new Mlp([784, 50, 10], activation), train, validation, batchSize: 200, seed: 1);
            configure(problem);
            setFused(problem, true);
            HyperparameterSet set = Penalties("per-layer", [784, 50, 10]);
            IAnalyticReverseStep analytic = problem;
            using (var scope = torch.NewDisposeScope())
            {
                HyperparameterTensors h = set.CreateTensors();
                double[] w;
                using (torch.NewDisposeScope())
                {
                    w = FlatTensors.Flatten(problem.InitialWeights(h));
                }

                double[] direction = MLNet.HyperGrad.Tests.Torch.Float64.Randn(w.Length, 7);
                for (int t = 0; t < 3; t++)
                {
                    double[] plain = new double[w.Length];
                    analytic.AnalyticTrainingGradient(w, h, t, plain);
                    double[] fusedGradient = new double[w.Length];
                    double[] fusedProduct = new double[w.Length];
                    double[] unfusedGradient = new double[w.Length];
                    double[] unfusedProduct = new double[w.Length];
                    _ = analytic.AnalyticReverseStep(w, direction, h, t, fusedGradient, fusedProduct);
                    setFused(problem, false);
                    _ = analytic.AnalyticReverseStep(w, direction, h, t, unfusedGradient, unfusedProduct);
                    setFused(problem, true);
                    int roundedDiffering = plain.Where((g, i) => Math.Round(Math.ScaleB(g, 32)) != Math.Round(Math.ScaleB(fusedGradient[i], 32))).Count();
                    output.WriteLine($"{activation}, step {t}: {plain.Where((g, i) => g != fusedGradient[i]).Count()} of {plain.Length} gradient entries and {unfusedProduct.Where((p, i) => p != fusedProduct[i]).Count()} product entries differ in their bits, {roundedDiffering} gradient entries after rounding to 2^-32");
                    Assert.Equal(0, roundedDiffering);
                    if (unfusedGradientIsPlain)
                    {
                        Assert.Equal(unfusedGradient, plain);
                    }

                    FiniteDifferences.AssertClose(unfusedProduct, fusedProduct, 1e-12);
                    FiniteDifferences.AssertClose(plain, fusedGradient, 1e-12);
                }
            }

            HyperparameterSet scheduled = Penalties("per-layer", [784, 50, 10], Schedule(5));
            var options = new ReverseModeOptions { Steps = 5 };
            HypergradientResult fused = new ExactReversalReverseMode(options).Compute(problem, scheduled);
            setFused(problem, false);
            HypergradientResult unfused = new ExactReversalReverseMode(options).Compute(problem, scheduled);
            Assert.True(fused.ExactlyReversed);
            Assert.True(unfused.ExactlyReversed);
            Assert.Equal(10, unfused.Cost.GradientEvaluations);
            Assert.InRange(fused.Cost.GradientEvaluations, 10, 15);
            FiniteDifferences.AssertClose(unfused.Flatten(scheduled), fused.Flatten(scheduled), 1e-9);
        }
    }

    [Fact]
    public void Compute_ExactReversalReverseStepGradientOffByOneUnit_RecomputesAndStaysExact()
    {
        // An inner problem whose reverse step returns a gradient one fixed-point unit off (as a BLAS that summed in another
        // order could): the checksum catches it at every step, the gradient is recomputed, and the reversal stays exact.
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(120, 100);
        using var inner = new MlpInnerProblem(new Mlp([784, 5, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 5) { FusedForwardProducts = false, FusedBackwardProducts = false };
        var skewed = new SkewedReverseStep(inner);
        HyperparameterSet set = Penalties("per-layer", [784, 5, 10], Schedule(Steps));
        var options = new ReverseModeOptions { Steps = Steps };

        HypergradientResult honest = new ExactReversalReverseMode(options).Compute(inner, set);
        HypergradientResult result = new ExactReversalReverseMode(options).Compute(skewed, set);

        output.WriteLine($"skewed: exactly reversed {result.ExactlyReversed}, gradient evaluations {result.Cost.GradientEvaluations} (2·T = {2 * Steps}); relative difference from the honest run {ReverseModeTests.MaxRelativeError(honest.Flatten(set), result.Flatten(set)):E2}");
        Assert.True(result.ExactlyReversed);
        Assert.Equal(3 * Steps, result.Cost.GradientEvaluations);
        Assert.Equal(2 * Steps, honest.Cost.GradientEvaluations);
        FiniteDifferences.AssertClose(honest.Flatten(set), result.Flatten(set), 1e-12);
    }

    [Fact]
    public void CoversAnalytically_SoftplusOrSwitchedOff_False()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(50, 20);
        HyperparameterTensors h = new HyperparameterSet().CreateTensors();
        using (var softplus = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Softplus), train, validation, batchSize: 10, seed: 1))
        {
            Assert.False(((IAnalyticReverseStep)softplus).CoversAnalytically(h));
        }

        using var tanh = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 10, seed: 1);
        Assert.True(((IAnalyticReverseStep)tanh).CoversAnalytically(h));
        tanh.AnalyticReverseSteps = false;
        Assert.False(((IAnalyticReverseStep)tanh).CoversAnalytically(h));
    }

    private static double Central(Func<double[], double> f, double[] x, double[] d, double step = 1e-5)
    {
        double[] plus = [.. x.Zip(d, (a, b) => a + (step * b))];
        double[] minus = [.. x.Zip(d, (a, b) => a - (step * b))];
        return (f(plus) - f(minus)) / (2 * step);
    }

    private static double[] Unit(int length, int index)
    {
        double[] e = new double[length];
        e[index] = 1;
        return e;
    }

    private static HyperparameterSet Schedule(int steps) => new HyperparameterSet()
        .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, steps), [.. Enumerable.Range(0, steps).Select(t => 0.3 + (0.02 * t))])
        .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, steps), [.. Enumerable.Range(0, steps).Select(t => 0.9 - (0.01 * t))]);

    // The L2 form on every layer, coefficients varied around 0.01 so that each one matters differently; init scales too.
    private static HyperparameterSet Penalties(string l2, int[] sizes, HyperparameterSet? into = null)
    {
        int layers = sizes.Length - 1;
        HyperparameterSet set = (into ?? new HyperparameterSet()).Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, layers), [.. Enumerable.Range(0, layers).Select(l => 1.1 - (0.1 * l))]);
        for (int l = 0; l < layers; l++)
        {
            switch (l2)
            {
                case "per-layer":
                    break;
                case "per-weight":
                    set = set.Add(new Hyperparameter(MlpInnerProblem.PerWeightL2Name(l), HyperparameterTransform.Log, sizes[l + 1], sizes[l]), Varied(sizes[l + 1] * sizes[l], 0.01, (ulong)(20 + l)));
                    break;
                case "per-unit":
                    set = set.Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(l), HyperparameterTransform.Log, sizes[l]), Varied(sizes[l], 0.01, (ulong)(30 + l)));
                    break;
                default:
                    throw new ArgumentException($"Unknown L2 form {l2}.", nameof(l2));
            }
        }

        return l2 == "per-layer"
            ? set.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, layers), [.. Enumerable.Range(0, layers).Select(l => 0.01 * (l + 1))])
            : set;
    }

    private static double[] Varied(int count, double center, ulong seed) =>
        [.. MLNet.HyperGrad.Tests.Torch.Float64.Randn(count, seed).Select(z => center * Math.Exp(0.5 * z))];

    // Delegates to an MLP problem, but its reverse step's gradient is one fixed-point unit (2^−32) off in its first entry.
    private sealed class SkewedReverseStep(MlpInnerProblem inner) : IInnerProblem, IAnalyticReverseStep
    {
        private readonly IAnalyticReverseStep analytic = inner;

        public IReadOnlyList<long[]> WeightShapes => inner.WeightShapes;

        public Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => inner.InitialWeights(hyperparameters);

        public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step) => inner.TrainingLoss(weights, hyperparameters, step);

        public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters) => inner.OuterLoss(weights, hyperparameters);

        public bool CoversAnalytically(HyperparameterTensors hyperparameters) => analytic.CoversAnalytically(hyperparameters);

        public void AnalyticTrainingGradient(double[] weights, HyperparameterTensors hyperparameters, int step, Span<double> gradient) =>
            analytic.AnalyticTrainingGradient(weights, hyperparameters, step, gradient);

        public Tensor[]? AnalyticReverseStep(double[] weights, double[] direction, HyperparameterTensors hyperparameters, int step, Span<double> gradient, Span<double> product)
        {
            Tensor[]? mixed = analytic.AnalyticReverseStep(weights, direction, hyperparameters, step, gradient, product);
            gradient[0] += Math.ScaleB(1.0, -32);
            return mixed;
        }

        public Tensor[] AnalyticTrainingGradient(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int step) =>
            analytic.AnalyticTrainingGradient(weights, hyperparameters, step);

        public Tensor[]? AnalyticReverseStep(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> direction, HyperparameterTensors hyperparameters, int step, out Tensor[] gradient, out Tensor[] product)
        {
            Tensor[]? mixed = analytic.AnalyticReverseStep(weights, direction, hyperparameters, step, out gradient, out product);
            gradient[0] = gradient[0].clone();
            FlatTensors.Memory(gradient[0])[0] += Math.ScaleB(1.0, -32);
            return mixed;
        }
    }
}
