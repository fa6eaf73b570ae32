namespace MLNet.HyperGrad.Tests;

/// <summary>Central finite differences in float64, the reference for every analytic gradient.</summary>
internal static class FiniteDifferences
{
    /// <summary>The gradient of f at x by central differences, (f(x+h e_i) - f(x-h e_i)) / 2h.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double[] plus = (double[])x.Clone();
            double[] minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            g[i] = (f(plus) - f(minus)) / (2 * h);
        }

        return g;
    }

    /// <summary>The directional derivative of a vector function along v: (F(x + h v) - F(x - h v)) / 2h.</summary>
    public static double[] Directional(Func<double[], double[]> f, double[] x, double[] v, double h = 1e-5)
    {
        double[] plus = x.Zip(v, (a, b) => a + (h * b)).ToArray();
        double[] minus = x.Zip(v, (a, b) => a - (h * b)).ToArray();
        return f(plus).Zip(f(minus), (a, b) => (a - b) / (2 * h)).ToArray();
    }

    /// <summary>Asserts two vectors agree to a relative tolerance of their largest entry.</summary>
    public static void AssertClose(double[] expected, double[] actual, double relativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-12, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= relativeTolerance * scale,
                $"entry {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {relativeTolerance * scale:R})");
        }
    }
}
