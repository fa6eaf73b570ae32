using MLNet.HyperGrad.Bayesian;

namespace MLNet.HyperGrad.Tests.Bayesian;

public sealed class ProjectedLbfgsTests
{
    [Fact]
    public void Minimize_Rosenbrock_ReachesTheMinimum()
    {
        (double[] x, double f, _) = ProjectedLbfgs.Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5], 200);
        Assert.Equal(1.0, x[0], 4);
        Assert.Equal(1.0, x[1], 4);
        Assert.True(f < 1e-8, $"f = {f}");
    }

    [Fact]
    public void Minimize_MinimumOutsideTheBox_EndsOnTheActiveBound()
    {
        // Unconstrained minimum at (1, 1); the box stops x at 0.5, where the best y is x² = 0.25.
        (double[] x, _, _) = ProjectedLbfgs.Minimize(Rosenbrock, [0.0, 0.0], [-2, -2], [0.5, 2], 200);
        Assert.Equal(0.5, x[0], 12);
        Assert.Equal(0.25, x[1], 3);
    }

    private static (double, double[]) Rosenbrock(double[] p)
    {
        double a = 1 - p[0];
        double b = p[1] - (p[0] * p[0]);
        return ((a * a) + (100 * b * b), [(-2 * a) - (400 * p[0] * b), 200 * b]);
    }
}
