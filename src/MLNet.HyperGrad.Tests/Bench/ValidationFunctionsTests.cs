using MLNet.HyperGrad.Bench;

namespace MLNet.HyperGrad.Tests.Bench;

/// <summary>The learned tuner's validation family (bench): each function takes its stated minimum at its known minimizer, and nowhere in its box goes below it.</summary>
public sealed class ValidationFunctionsTests
{
    public static TheoryData<string, double[]> Minimizers => new()
    {
        { "levy4", [1, 1, 1, 1] },
        { "griewank5", [0, 0, 0, 0, 0] },
        { "styblinski-tang4", [-2.903534, -2.903534, -2.903534, -2.903534] },
        { "rastrigin3", [0, 0, 0] },
        { "hartmann3", [0.114614, 0.555649, 0.852547] },
        { "six-hump-camel2", [0.0898, -0.7126] },
        { "goldstein-price2", [0, -1] },
    };

    [Theory]
    [MemberData(nameof(Minimizers))]
    public void Function_AtItsKnownMinimizer_TakesTheStatedMinimum(string name, double[] minimizer)
    {
        var function = ValidationFunctions.Functions.Single(f => f.Name == name);

        Assert.Equal(function.Lower.Length, minimizer.Length);
        Assert.Equal(function.Min, function.F(minimizer), 1e-4);
    }

    [Fact]
    public void Functions_RandomPointsInTheBox_NoneBelowTheStatedMinimum()
    {
        var random = new Random(7);
        foreach (var function in ValidationFunctions.Functions)
        {
            double lowest = double.PositiveInfinity;
            for (int i = 0; i < 20_000; i++)
            {
                double[] x = [.. function.Lower.Select((low, j) => low + (random.NextDouble() * (function.Upper[j] - low)))];
                lowest = Math.Min(lowest, function.F(x));
            }

            Assert.True(lowest >= function.Min - 1e-9, $"{function.Name}: {lowest} below the stated minimum {function.Min}");
            Assert.True(lowest > function.Min, $"{function.Name}: random points reached the minimum exactly ({lowest})");
        }
    }

    [Fact]
    public void Functions_NoneIsATestFunction()
    {
        // The test functions of bench learned-bo (BayesianOptimizationBenchmark.Functions). Hartmann-3 is another function
        // than Hartmann-6 (its own constants, 3 dimensions).
        string[] testFunctions = ["branin", "hartmann6", "rosenbrock4", "ackley5"];
        Assert.All(ValidationFunctions.Functions, f => Assert.DoesNotContain(f.Name, testFunctions));
    }
}
