using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Hypergradients;
using MLNet.HyperGrad.Models;
using Xunit.Abstractions;

namespace MLNet.HyperGrad.Tests.Hypergradients;

public sealed class AdaptiveStepOuterOptimizerTests(ITestOutputHelper output)
{
    private static readonly Hyperparameter Theta = new(MlpInnerProblem.L2Name, HyperparameterTransform.Log, 1);
    private static readonly Hyperparameter Pair = new("learning_rate", HyperparameterTransform.Log, 2);

    private static HypergradientResult Result(double loss, double[] gradient, string name, double? tolerance = null) =>
        new(loss, new Dictionary<string, double[]>(StringComparer.Ordinal) { [name] = gradient }, new HypergradientCost()) { Tolerance = tolerance };

    /// <summary>f(u) = a·(u − c)² in the unconstrained value u of <see cref="Theta"/>.</summary>
    private static (double Loss, double Gradient) Quadratic(HyperparameterSet set, double a, double c)
    {
        double u = set.UnconstrainedValues(Theta.Name)[0];
        return (a * (u - c) * (u - c), 2 * a * (u - c));
    }

    [Fact]
    public void Step_FirstStep_MovesByTheInitialStepLengthAgainstTheGradient()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Pair, [0.1, 0.2]);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 0.5);

        HyperparameterSet next = optimizer.Step(set, Result(1.0, [3.0, -4.0], Pair.Name));

        double[] before = set.FlattenUnconstrained();
        double[] after = next.FlattenUnconstrained();
        Assert.Equal(before[0] - 0.3, after[0], 12);
        Assert.Equal(before[1] + 0.4, after[1], 12);
        Assert.Equal(10.0, optimizer.Lipschitz, 12);
        Assert.Equal(1, optimizer.StepCount);
    }

    [Fact]
    public void Step_OneDimensionalQuadratic_ConvergesToItsMinimum()
    {
        const double a = 0.5;
        const double c = -7;
        HyperparameterSet set = new HyperparameterSet().Add(Theta, Math.Exp(-2));
        var optimizer = new AdaptiveStepOuterOptimizer();
        var losses = new List<double>();
        for (int k = 0; k < 60; k++)
        {
            (double loss, double gradient) = Quadratic(set, a, c);
            losses.Add(loss);
            set = optimizer.Step(set, Result(loss, [gradient], Theta.Name));
        }

        double u = set.UnconstrainedValues(Theta.Name)[0];
        output.WriteLine($"after 60 steps u = {u:F8}, L = {optimizer.Lipschitz:F4}, losses {string.Join(", ", losses.Take(8).Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))} …");
        Assert.Equal(c, u, 6);
    }

    [Fact]
    public void Step_SufficientDecrease_ShrinksLAndTheStepGrows()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1.0);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 1, shrink: 0.5, grow: 2);
        HyperparameterSet second = optimizer.Step(set, Result(10.0, [2.0], Theta.Name));
        Assert.Equal(2.0, optimizer.Lipschitz, 12);

        // The loss fell by 5 over a step of length 1: far more than (L/2)·1² = 1.
        HyperparameterSet third = optimizer.Step(second, Result(5.0, [2.0], Theta.Name));

        Assert.Equal(1, optimizer.LastJudgement);
        Assert.Equal(1.0, optimizer.Lipschitz, 12);
        Assert.Equal(second.UnconstrainedValues(Theta.Name)[0] - 2.0, third.UnconstrainedValues(Theta.Name)[0], 12);
    }

    [Fact]
    public void Step_LossRises_GrowsLAndTheStepShrinks()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1.0);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 1, shrink: 0.5, grow: 2);
        HyperparameterSet second = optimizer.Step(set, Result(10.0, [2.0], Theta.Name));

        HyperparameterSet third = optimizer.Step(second, Result(10.5, [-2.0], Theta.Name));

        Assert.Equal(-1, optimizer.LastJudgement);
        Assert.Equal(4.0, optimizer.Lipschitz, 12);
        Assert.Equal(second.UnconstrainedValues(Theta.Name)[0] + 0.5, third.UnconstrainedValues(Theta.Name)[0], 12);
    }

    [Fact]
    public void Step_SmallDecrease_KeepsL()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1.0);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 1, shrink: 0.5, grow: 2);
        HyperparameterSet second = optimizer.Step(set, Result(10.0, [2.0], Theta.Name));

        // Fell by 0.5 over a step of length 1: less than (L/2)·1² = 1.
        optimizer.Step(second, Result(9.5, [2.0], Theta.Name));

        Assert.Equal(0, optimizer.LastJudgement);
        Assert.Equal(2.0, optimizer.Lipschitz, 12);
    }

    [Fact]
    public void Step_ShortfallWithinTheTolerances_CountsAsASufficientDecrease()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1.0);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 0.01, shrink: 0.5, grow: 2);
        HyperparameterSet second = optimizer.Step(set, Result(10.0, [2.0], Theta.Name, tolerance: 1e-3));

        // A fall of 0.0095 after a step of 0.01 (L = 200, (L/2)·Δ² = 0.01): short of sufficient, but within the tolerances ε_{k−1} + ε_k + ε_{k−1}·Δ.
        optimizer.Step(second, Result(10.0 - 0.0095, [2.0], Theta.Name, tolerance: 1e-3));
        Assert.Equal(1, optimizer.LastJudgement);

        var exact = new AdaptiveStepOuterOptimizer(initialStepLength: 0.01, shrink: 0.5, grow: 2);
        HyperparameterSet again = exact.Step(set, Result(10.0, [2.0], Theta.Name));
        exact.Step(again, Result(10.0 - 0.0095, [2.0], Theta.Name));
        Assert.Equal(0, exact.LastJudgement);
    }

    [Fact]
    public void Step_BoundedHyperparameter_StaysWithinItsBounds()
    {
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1e-3);
        var optimizer = new AdaptiveStepOuterOptimizer(initialStepLength: 5).Bound(Theta.Name, 1e-4, 1e-2);
        for (int k = 0; k < 10; k++)
        {
            set = optimizer.Step(set, Result(1.0 - (0.1 * k), [-1.0], Theta.Name));
        }

        Assert.Equal(1e-2, set.Values(Theta.Name)[0], 12);
    }

    [Fact]
    public void Step_NonFiniteLoss_ThrowsNamingTheLoss()
    {
        var optimizer = new AdaptiveStepOuterOptimizer();
        HyperparameterSet set = new HyperparameterSet().Add(Theta, 1.0);

        var error = Assert.Throws<ArgumentException>(() => optimizer.Step(set, Result(double.NaN, [1.0], Theta.Name)));

        Assert.Equal("outerLoss", error.ParamName);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ArgumentsOutOfRange_ThrowNamingThem()
    {
        Assert.Equal("initialStepLength", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveStepOuterOptimizer(initialStepLength: 0)).ParamName);
        Assert.Equal("shrink", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveStepOuterOptimizer(shrink: 1.5)).ParamName);
        Assert.Equal("grow", Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveStepOuterOptimizer(grow: 0.5)).ParamName);
    }

    [Fact]
    public void Reset_AfterSteps_ForgetsLAndTheLayout()
    {
        var optimizer = new AdaptiveStepOuterOptimizer();
        optimizer.Step(new HyperparameterSet().Add(Theta, 1.0), Result(1.0, [1.0], Theta.Name));

        optimizer.Reset();
        optimizer.Step(new HyperparameterSet().Add(Pair, [1.0, 1.0]), Result(1.0, [3.0, 4.0], Pair.Name));

        Assert.Equal(5.0, optimizer.Lipschitz, 12);
        Assert.Equal(1, optimizer.StepCount);
    }

    /// <summary>HOAG on softmax regression (Fashion-MNIST, 200 training / 200 validation rows) from θ = −2, both outer optimizers for the same few steps.</summary>
    [Fact]
    public void Step_HoagOnSoftmaxRegression_DecreasesTheValidationLossMonotonicallyAndEndsBelowAdam()
    {
        (TabularDataset train, TabularDataset validation) = FashionMnistSplits.Take(200, 200);
        using var problem = new MlpInnerProblem(new Mlp([784, 10]), train, validation, batchSize: 200, seed: 2);
        const int steps = 4;
        List<double> Run(IOuterOptimizer optimizer)
        {
            var method = new ImplicitDifferentiation();
            HyperparameterSet set = new HyperparameterSet().Add(Theta, Math.Exp(-2));
            var losses = new List<double>();
            for (int k = 0; k <= steps; k++)
            {
                HypergradientResult r = method.Compute(problem, set);
                losses.Add(r.OuterLoss);
                if (k < steps)
                {
                    set = optimizer.Step(set, r);
                }
            }

            return losses;
        }

        List<double> adaptive = Run(new AdaptiveStepOuterOptimizer());
        List<double> adam = Run(new HyperparameterAdam(0.5, beta1: 0.5));

        output.WriteLine($"validation CE by outer step, HOAG step rule: {string.Join(", ", adaptive.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        output.WriteLine($"validation CE by outer step, Adam 0.5:      {string.Join(", ", adam.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int k = 1; k < adaptive.Count; k++)
        {
            Assert.True(adaptive[k] < adaptive[k - 1], $"the validation CE rose at outer step {k}: {adaptive[k - 1]:F6} → {adaptive[k]:F6}");
        }

        Assert.True(adaptive[^1] < adam[^1], $"after {steps} steps: HOAG step rule {adaptive[^1]:F6}, Adam {adam[^1]:F6}");
    }
}
