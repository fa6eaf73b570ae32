using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>A <see cref="GaussianProcess"/>'s posterior in plain doubles: training points, weights and the inverse covariance copied out of the tensors once.</summary>
/// <remarks>
/// With <c>kᵢ = s·c(r²(x, xᵢ))</c>, <c>α = (K + σ²I)⁻¹(y - μ)</c> and <c>w = (K + σ²I)⁻¹k</c>: mean <c>μ + kᵀα</c>,
/// variance <c>s - kᵀw</c> (floored at 1e-12 as the tensor path is), and, with
/// <c>∂kᵢ/∂xⱼ = s·c'(r²)·2(xⱼ - xᵢⱼ)/ℓⱼ²</c> on ordinal dimensions, gradients <c>Σᵢ αᵢ ∂kᵢ/∂x</c> and
/// <c>-2 Σᵢ wᵢ ∂kᵢ/∂x</c>.
/// </remarks>
internal sealed class ScalarPosterior
{
    private readonly IKernel kernel;
    private readonly double outputScale;
    private readonly double mean;
    private readonly int n;
    private readonly int d;
    private readonly double[] train;
    private readonly double[] alpha;
    private readonly double[] inverse;
    private readonly double[] inverseSquaredLengths;
    private readonly bool[] categorical;
    private readonly double[] k;
    private readonly double[] slope;
    private readonly double[] w;

    /// <summary>Copies what the posterior needs out of a model's tensors.</summary>
    public ScalarPosterior(GaussianProcess model, torch.Tensor trainX, torch.Tensor factor, torch.Tensor alphaTensor, torch.Tensor lengthScales)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        kernel = model.Kernel;
        outputScale = model.Hyperparameters.OutputScale;
        mean = model.Hyperparameters.Mean;
        n = model.Count;
        d = model.Dimension;
        train = trainX.contiguous().data<double>().ToArray();
        alpha = alphaTensor.contiguous().data<double>().ToArray();
        inverse = torch.cholesky_inverse(factor).contiguous().data<double>().ToArray();
        inverseSquaredLengths = [.. lengthScales.data<double>().ToArray().Select(l => 1.0 / (l * l))];
        categorical = [.. model.IsCategorical];
        k = new double[n];
        slope = new double[n];
        w = new double[n];
    }

    /// <summary>The mean and variance at <paramref name="x"/>, their gradients written into the spans.</summary>
    public (double Mean, double Variance) Evaluate(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        double mu = mean;
        for (int i = 0; i < n; i++)
        {
            double r2 = 0;
            int row = i * d;
            for (int j = 0; j < d; j++)
            {
                double difference = x[j] - train[row + j];
                double squared = difference * difference;
                r2 += (categorical[j] ? (squared > 1e-18 ? 1.0 : 0.0) : squared) * inverseSquaredLengths[j];
            }

            (double value, double derivative) = kernel.CorrelationAndSlope(r2);
            k[i] = outputScale * value;
            slope[i] = outputScale * derivative;
            mu += alpha[i] * k[i];
        }

        double explained = 0;
        ReadOnlySpan<double> kSpan = k;
        for (int i = 0; i < n; i++)
        {
            double sum = Dot(inverse.AsSpan(i * n, n), kSpan);
            w[i] = sum;
            explained += sum * k[i];
        }

        double variance = outputScale - explained;
        bool floored = variance <= 1e-12;
        meanGradient.Clear();
        varianceGradient.Clear();
        for (int i = 0; i < n; i++)
        {
            int row = i * d;
            for (int j = 0; j < d; j++)
            {
                if (categorical[j])
                {
                    continue;
                }

                double dk = slope[i] * 2.0 * (x[j] - train[row + j]) * inverseSquaredLengths[j];
                meanGradient[j] += alpha[i] * dk;
                if (!floored)
                {
                    varianceGradient[j] -= 2.0 * w[i] * dk;
                }
            }
        }

        return (mu, floored ? 1e-12 : variance);
    }

    /// <summary>The dot product of two spans of equal length, vectorized (the O(n²) part of every evaluation).</summary>
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var accumulator = Vector<double>.Zero;
            ReadOnlySpan<Vector<double>> va = MemoryMarshal.Cast<double, Vector<double>>(a);
            ReadOnlySpan<Vector<double>> vb = MemoryMarshal.Cast<double, Vector<double>>(b);
            for (int v = 0; v < va.Length; v++)
            {
                accumulator += va[v] * vb[v];
            }

            sum = Vector.Sum(accumulator);
            i = va.Length * Vector<double>.Count;
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
