namespace MLNet.HyperGrad.Hypergradients;

/// <summary>Conjugate gradient for A x = b with A symmetric, given only products A·p (Hessian-vector products).</summary>
internal static class ConjugateGradient
{
    /// <summary>Solves A x = b from x = 0 until ‖b − A x‖ ≤ tolerance, a non-positive curvature pᵀAp ≤ 0 is met, or the iterations run out.</summary>
    /// <param name="multiply">p ↦ A p.</param>
    /// <param name="b">The right-hand side.</param>
    /// <param name="tolerance">The residual norm to reach.</param>
    /// <param name="maxIterations">The most products.</param>
    /// <returns>The solution, the products spent, and the final residual norm.</returns>
    public static (double[] X, int Products, double Residual) Solve(Func<double[], double[]> multiply, double[] b, double tolerance, int maxIterations)
    {
        double[] x = new double[b.Length];
        double[] r = (double[])b.Clone();
        double[] p = (double[])b.Clone();
        double rr = Dot(r, r);
        int products = 0;
        while (Math.Sqrt(rr) > tolerance && products < maxIterations)
        {
            double[] ap = multiply(p);
            products++;
            double curvature = Dot(p, ap);
            if (curvature <= 0)
            {
                if (products == 1)
                {
                    x = (double[])b.Clone();
                }

                break;
            }

            double alpha = rr / curvature;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }

            double next = Dot(r, r);
            double beta = next / rr;
            rr = next;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = r[i] + (beta * p[i]);
            }
        }

        return (x, products, Math.Sqrt(rr));
    }

    public static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
