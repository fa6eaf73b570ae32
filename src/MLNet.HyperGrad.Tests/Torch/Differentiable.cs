using MLNet.HyperGrad.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>Checks the autograd gradient of a scalar function of several float64 tensors against central differences.</summary>
internal static class Differentiable
{
    /// <summary>
    /// Asserts that <see cref="TorchAutograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}?, bool?, bool, bool)"/>
    /// of <paramref name="objective"/> at <paramref name="point"/> (split into <paramref name="shapes"/>) matches central differences.
    /// </summary>
    /// <returns>The analytic gradient, flattened.</returns>
    public static double[] AssertGradientMatches(Func<Tensor[], Tensor> objective, IReadOnlyList<long[]> shapes, double[] point, double relativeTolerance = 1e-6)
    {
        double ValueAt(double[] x)
        {
            using var scope = torch.NewDisposeScope();
            return Float64.Value(objective(Float64.Unflatten(shapes, x)));
        }

        using var scope = torch.NewDisposeScope();
        Tensor[] inputs = Float64.Unflatten(shapes, point, requiresGrad: true);
        double[] analytic = Float64.Flatten(TorchAutograd.Grad([objective(inputs)], inputs));
        double[] expected = FiniteDifferences.Gradient(ValueAt, point);
        FiniteDifferences.AssertClose(expected, analytic, relativeTolerance);
        return analytic;
    }
}
