namespace MLNet.HyperGrad.Bench;

/// <summary>
/// Classic test functions that are NOT the four test functions of the bench's BayesianOptimizationBenchmark.Functions (Branin,
/// Hartmann-6, Rosenbrock-4, Ackley-5): a validation family for choosing a learned black-box tuner among meta-trained networks
/// without looking at the test functions (issue 14). Bounds and minima as in Surjanovic and Bingham's Virtual Library of
/// Simulation Experiments; dimensions 2-5, as the test family's 2-6.
/// </summary>
internal static class ValidationFunctions
{
    /// <summary>The family: name, box, the global minimum's value, the function.</summary>
    internal static readonly (string Name, double[] Lower, double[] Upper, double Min, Func<double[], double> F)[] Functions =
    [
        ("levy4", Box(4, -10), Box(4, 10), 0.0, Levy),
        ("griewank5", Box(5, -600), Box(5, 600), 0.0, Griewank),
        ("styblinski-tang4", Box(4, -5), Box(4, 5), -39.16616570377142 * 4, StyblinskiTang),
        ("rastrigin3", Box(3, -5.12), Box(3, 5.12), 0.0, Rastrigin),
        ("hartmann3", Box(3, 0), Box(3, 1), -3.86278214782076, Hartmann3),
        ("michalewicz5", Box(5, 0), Box(5, Math.PI), -4.687658, Michalewicz),
        ("six-hump-camel2", [-3, -2], [3, 2], -1.031628453489877, SixHumpCamel),
        ("goldstein-price2", Box(2, -2), Box(2, 2), 3.0, GoldsteinPrice),
    ];

    private static readonly double[] H3Alpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] H3A = { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } };

    private static readonly double[,] H3P =
    {
        { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 },
    };

    private static double[] Box(int d, double value) => [.. Enumerable.Repeat(value, d)];

    internal static double Levy(double[] x)
    {
        double W(int i) => 1 + ((x[i] - 1) / 4);
        int d = x.Length;
        double first = Math.Sin(Math.PI * W(0));
        double sum = first * first;
        for (int i = 0; i + 1 < d; i++)
        {
            double s = Math.Sin((Math.PI * W(i)) + 1);
            sum += (W(i) - 1) * (W(i) - 1) * (1 + (10 * s * s));
        }

        double last = Math.Sin(2 * Math.PI * W(d - 1));
        return sum + ((W(d - 1) - 1) * (W(d - 1) - 1) * (1 + (last * last)));
    }

    internal static double Griewank(double[] x)
    {
        double sum = 0;
        double product = 1;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i] * x[i] / 4000;
            product *= Math.Cos(x[i] / Math.Sqrt(i + 1));
        }

        return sum - product + 1;
    }

    internal static double StyblinskiTang(double[] x) => 0.5 * x.Sum(v => (v * v * v * v) - (16 * v * v) + (5 * v));

    internal static double Rastrigin(double[] x) => (10 * x.Length) + x.Sum(v => (v * v) - (10 * Math.Cos(2 * Math.PI * v)));

    internal static double Hartmann3(double[] x) => Hartmann(x, H3Alpha, H3A, H3P);

    /// <summary>The Hartmann family, −Σ_i α_i exp(−Σ_j A_ij (x_j − P_ij)²), shared by Hartmann-3 here and the test family's Hartmann-6.</summary>
    internal static double Hartmann(double[] x, double[] alpha, double[,] a, double[,] p)
    {
        double sum = 0;
        for (int i = 0; i < alpha.Length; i++)
        {
            double inner = 0;
            for (int j = 0; j < x.Length; j++)
            {
                inner += a[i, j] * (x[j] - p[i, j]) * (x[j] - p[i, j]);
            }

            sum += alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    internal static double Michalewicz(double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Sin(x[i]) * Math.Pow(Math.Sin((i + 1) * x[i] * x[i] / Math.PI), 20);
        }

        return -sum;
    }

    internal static double SixHumpCamel(double[] x)
    {
        double a = x[0] * x[0];
        return ((4 - (2.1 * a) + (a * a / 3)) * a) + (x[0] * x[1]) + ((-4 + (4 * x[1] * x[1])) * x[1] * x[1]);
    }

    internal static double GoldsteinPrice(double[] x)
    {
        (double a, double b) = (x[0], x[1]);
        double first = 1 + ((a + b + 1) * (a + b + 1) * (19 - (14 * a) + (3 * a * a) - (14 * b) + (6 * a * b) + (3 * b * b)));
        double second = 30 + ((2 * a) - (3 * b)) * ((2 * a) - (3 * b)) * (18 - (32 * a) + (12 * a * a) + (48 * b) - (36 * a * b) + (27 * b * b));
        return first * second;
    }
}
