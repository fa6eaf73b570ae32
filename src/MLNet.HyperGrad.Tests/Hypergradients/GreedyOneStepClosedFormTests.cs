using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Hypergradients;

/// <summary>
/// The closed-form greedy step of <see cref="MlpInnerProblem"/> (<see cref="IAnalyticGreedyStep"/>) against the autograd
/// path in float64 and against central finite differences, the validation minibatch size and the widening interval, on
/// real Fashion-MNIST rows.
/// </summary>
public sealed class GreedyOneStepClosedFormTests(ITestOutputHelper output)
{
    /// <summary>Activation, L2 form and outer criterion: the combinations the closed form covers.</summary>
    public static TheoryData<Activation, string, OuterCriterion> Cases()
    {
        var data = new TheoryData<Activation, string, OuterCriterion>();
        foreach (Activation activation in new[] { Activation.Tanh, Activation.Relu })
        {
            foreach (string l2 in new[] { "per-layer", "per-weight", "per-unit" })
            {
                foreach (OuterCriterion criterion in new[] { OuterCriterion.ValidationLoss, OuterCriterion.ValidationError })
                {
                    data.Add(activation, l2, criterion);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_ClosedForm_MatchesAutogradPathInFloat64(Activation activation, string l2, OuterCriterion criterion)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 120);
        using var problem = new MlpInnerProblem(new Mlp([784, 7, 5, 10], activation), train, validation, batchSize: 40, seed: 6, outerCriterion: criterion) { ValidationBatchSize = 30 };
        HyperparameterSet set = Set(l2, [784, 7, 5, 10]);
        var options = new ReverseModeOptions { Steps = 6 };
        // Every hyperparameter tuned by the normalized step, so that each differentiated step's hypergradient moves the next.
        var closed = new GreedyOneStep(options, 0.05, validationMinibatches: true, outerStep: GreedyOuterStep.Adam);
        var autograd = new GreedyOneStep(options, 0.05, validationMinibatches: true, outerStep: GreedyOuterStep.Adam);

        HypergradientResult expected;
        problem.AnalyticReverseSteps = false;
        try
        {
            expected = autograd.Compute(problem, set);
        }
        finally
        {
            problem.AnalyticReverseSteps = true;
        }

        HypergradientResult actual = closed.Compute(problem, set);

        double[] e = expected.Flatten(set);
        double[] a = actual.Flatten(set);
        double error = ReverseModeTests.MaxRelativeError(e, a);
        double[] endExpected = autograd.TunedHyperparameters!.FlattenUnconstrained();
        double[] endActual = closed.TunedHyperparameters!.FlattenUnconstrained();
        output.WriteLine($"{activation}, {l2}, {criterion}: max relative error of the mean hypergradient {error:E2}; outer loss {actual.OuterLoss:F6} vs {expected.OuterLoss:F6}");
        Assert.Equal(options.Steps, closed.ClosedFormSteps);
        Assert.Equal(0, autograd.ClosedFormSteps);
        Assert.True(error <= 1e-10, $"closed form vs autograd: max relative error {error:E3}");
        Assert.Equal(expected.OuterLoss, actual.OuterLoss, 1e-10);
        for (int i = 0; i < endExpected.Length; i++)
        {
            Assert.Equal(endExpected[i], endActual[i], 1e-10);
        }

        double[] wExpected = [.. autograd.FinalWeights!];
        double[] wActual = [.. closed.FinalWeights!];
        Assert.Equal(wExpected.Length, wActual.Length);
        Assert.True(wExpected.Zip(wActual, (x, y) => Math.Abs(x - y)).Max() <= 1e-10, "the final weights differ");
        Assert.All(a, g => Assert.True(double.IsFinite(g)));
        Assert.Contains(a, g => g != 0);
    }

    [Theory]
    [InlineData(Activation.Relu, "per-layer", OuterCriterion.ValidationLoss, true)]
    [InlineData(Activation.Tanh, "per-unit", OuterCriterion.ValidationLoss, false)]
    [InlineData(Activation.Tanh, "per-layer", OuterCriterion.ValidationError, true)]
    [InlineData(Activation.Relu, "per-unit", OuterCriterion.ValidationError, false)]
    // Per-weight L2 (4,704 coefficients here) is left to the comparison with autograd above: its finite differences take minutes.
    public void Compute_ClosedFormOneStep_MatchesCentralDifferences(Activation activation, string l2, OuterCriterion criterion, bool minibatch)
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 120);
        using var problem = new MlpInnerProblem(new Mlp([784, 6, 10], activation), train, validation, batchSize: 50, seed: 4, outerCriterion: criterion) { ValidationBatchSize = 40 };
        HyperparameterSet set = Set(l2, [784, 6, 10], entries: 1, initScale: false);
        var options = new ReverseModeOptions { Steps = 1 };
        var method = new GreedyOneStep(options, validationMinibatches: minibatch);
        // Finite differences of the one-step outer loss: the whole validation set, or the step's 40-row minibatch.
        IInnerProblem judged = minibatch ? new FirstBatchOuterLoss(problem) : problem;

        double[] closedForm = method.Compute(problem, set).Flatten(set);
        double[] numeric = FiniteDifferences.Gradient(u => new GreedyOneStep(options).Compute(judged, set.WithUnconstrained(u)).OuterLoss, set.FlattenUnconstrained(), 1e-5);

        output.WriteLine($"{activation}, {l2}, {criterion}, minibatch {minibatch}: max relative error vs finite differences {ReverseModeTests.MaxRelativeError(numeric, closedForm):E3}");
        Assert.Equal(1, method.ClosedFormSteps);
        FiniteDifferences.AssertClose(numeric, closedForm, 1e-4);
        Assert.Contains(closedForm, g => Math.Abs(g) > 1e-8);
    }

    [Fact]
    public void ValidationBatchSize_DefaultIsTheBatchSize_SetValueSelectsTheRowsAndIsClamped()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(100, 60);
        using var byDefault = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 3);
        using var small = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 3) { ValidationBatchSize = 7 };
        using var large = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 3) { ValidationBatchSize = 500 };
        using var scope = torch.NewDisposeScope();
        HyperparameterTensors h = new HyperparameterSet().Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 2), 1e-3).CreateTensors();
        Tensor[] w = byDefault.InitialWeights(h);

        // Step 2 of 7-row batches is validation rows 14 … 20; its loss equals that of a problem whose validation set is those rows.
        using var rows = new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation.Subset([.. Enumerable.Range(14, 7)]), batchSize: 20, seed: 3);
        double expected = rows.OuterLoss(w, h).item<double>();

        Assert.Equal(20, byDefault.ValidationBatchSize);
        Assert.Equal(7, small.ValidationBatchSize);
        Assert.Equal(60, large.ValidationBatchSize);
        Assert.Equal(expected, ((IInnerProblem)small).OuterLossOnBatch(w, h, 2).item<double>(), 12);
        Assert.Equal(large.OuterLoss(w, h).item<double>(), ((IInnerProblem)large).OuterLossOnBatch(w, h, 5).item<double>(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlpInnerProblem(new Mlp([784, 4, 10], Activation.Tanh), train, validation, batchSize: 20, seed: 3) { ValidationBatchSize = 0 });
    }

    [Fact]
    public void Compute_EveryStepFraction_DifferentiatesTheFirstStepsThenEveryKth()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 120);
        using var problem = new MlpInnerProblem(new Mlp([784, 6, 10], Activation.Relu), train, validation, batchSize: 50, seed: 4);
        HyperparameterSet set = Set("per-layer", [784, 6, 10]);
        var options = new ReverseModeOptions { Steps = 10 };

        // f = 0.3 of T = 10: steps 0, 1, 2 differentiated, then every 4th counted from step 3: 3 and 7.
        HypergradientResult widened = new GreedyOneStep(options, updateInterval: 4, everyStepFraction: 0.3).Compute(problem, set);
        HypergradientResult every = new GreedyOneStep(options).Compute(problem, set);
        HypergradientResult sparse = new GreedyOneStep(options, updateInterval: 4).Compute(problem, set);
        var tuned = new GreedyOneStep(options, 0.05, [MlpInnerProblem.L2Name], validationMinibatches: true, updateInterval: 4, outerStep: GreedyOuterStep.Adam, everyStepFraction: 0.3);
        tuned.Compute(problem, set);
        var tunedSparse = new GreedyOneStep(options, 0.05, [MlpInnerProblem.L2Name], validationMinibatches: true, updateInterval: 4, outerStep: GreedyOuterStep.Adam);
        tunedSparse.Compute(problem, set);

        Assert.Equal(5, widened.Cost.HessianVectorProducts);
        Assert.Equal(10, every.Cost.HessianVectorProducts);
        Assert.Equal(3, sparse.Cost.HessianVectorProducts);
        Assert.Equal(every.OuterLoss, widened.OuterLoss, 10);
        double[] start = set.UnconstrainedValues(MlpInnerProblem.L2Name);
        double[] moved = tuned.TunedHyperparameters!.UnconstrainedValues(MlpInnerProblem.L2Name);
        double[] movedSparse = tunedSparse.TunedHyperparameters!.UnconstrainedValues(MlpInnerProblem.L2Name);
        // Five normalized steps of about β each against three.
        Assert.All(Enumerable.Range(0, 2), l => Assert.True(Math.Abs(moved[l] - start[l]) > Math.Abs(movedSparse[l] - start[l]), $"layer {l}: the widened schedule moved log L2 by {moved[l] - start[l]:F4}, every 4th step alone by {movedSparse[l] - start[l]:F4}"));
        Assert.Equal("everyStepFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyOneStep(everyStepFraction: 1.5)).ParamName);
        Assert.Equal("everyStepFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new GreedyOneStep(everyStepFraction: double.NaN)).ParamName);
    }

    // A learning rate and a momentum schedule of three entries (one with a single step), an init scale per layer unless left
    // out (the one-step hypergradient holds the weights fixed, so its init-scale entries are 0 where the final loss's are not),
    // and the L2 form.
    private static HyperparameterSet Set(string l2, int[] sizes, int entries = 3, bool initScale = true)
    {
        int layers = sizes.Length - 1;
        HyperparameterSet set = new HyperparameterSet()
            .Add(new Hyperparameter("learning_rate", HyperparameterTransform.Log, entries), [.. new[] { 0.3, 0.2, 0.25 }.Take(entries)])
            .Add(new Hyperparameter("momentum", HyperparameterTransform.Logit, entries), [.. new[] { 0.8, 0.7, 0.75 }.Take(entries)]);
        if (initScale)
        {
            set = set.Add(new Hyperparameter(MlpInnerProblem.InitScaleName, HyperparameterTransform.Log, layers), [.. Enumerable.Range(0, layers).Select(l => 1.1 - (0.1 * l))]);
        }

        for (int l = 0; l < layers; l++)
        {
            switch (l2)
            {
                case "per-layer":
                    break;
                case "per-weight":
                    set = set.Add(new Hyperparameter(MlpInnerProblem.PerWeightL2Name(l), HyperparameterTransform.Log, sizes[l + 1], sizes[l]), [.. Enumerable.Range(0, sizes[l + 1] * sizes[l]).Select(i => 0.02 * (1 + (0.5 * Math.Sin(i + l))))]);
                    break;
                case "per-unit":
                    set = set.Add(new Hyperparameter(MlpInnerProblem.PerInputUnitL2Name(l), HyperparameterTransform.Log, sizes[l]), [.. Enumerable.Range(0, sizes[l]).Select(i => 0.02 * (1 + (0.5 * Math.Cos(i + l))))]);
                    break;
                default:
                    throw new ArgumentException($"Unknown L2 form {l2}.", nameof(l2));
            }
        }

        return l2 == "per-layer"
            ? set.Add(new Hyperparameter(MlpInnerProblem.L2Name, HyperparameterTransform.Log, layers), [.. Enumerable.Range(0, layers).Select(l => 0.03 * (l + 1))])
            : set;
    }

    /// <summary>A problem whose whole outer loss is the first validation minibatch of another (for finite differences of the one-step minibatch loss).</summary>
    private sealed class FirstBatchOuterLoss(IInnerProblem inner) : IInnerProblem
    {
        public IReadOnlyList<long[]> WeightShapes => inner.WeightShapes;

        public Tensor[] InitialWeights(HyperparameterTensors hyperparameters) => inner.InitialWeights(hyperparameters);

        public Tensor TrainingLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters, int? step) => inner.TrainingLoss(weights, hyperparameters, step);

        public Tensor OuterLoss(IReadOnlyList<Tensor> weights, HyperparameterTensors hyperparameters) => inner.OuterLossOnBatch(weights, hyperparameters, 0);
    }
}
