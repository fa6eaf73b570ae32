using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tuners;

/// <summary>
/// A trust region's box inside the unit cube and the affine map <c>x = lower + u · (upper − lower)</c> that lets the
/// acquisition optimizer, which searches the unit cube, search the box instead.
/// </summary>
internal sealed class LocalBox
{
    private LocalBox(double[] lower, double[] upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>Gets the lower corner.</summary>
    public double[] Lower { get; }

    /// <summary>Gets the upper corner.</summary>
    public double[] Upper { get; }

    /// <summary>The box of <paramref name="region"/> around <paramref name="center"/>.</summary>
    public static LocalBox Around(TrustRegion region, double[] center, IReadOnlyList<double> lengthScales, bool[] bounded)
    {
        (double[] lower, double[] upper) = region.Box(center, lengthScales, bounded);
        return new LocalBox(lower, upper);
    }

    /// <summary>Maps box coordinates u ∈ [0, 1]ᵈ to the cube.</summary>
    public double[] ToCube(double[] u) => [.. u.Select((v, j) => Math.Clamp(Lower[j] + (v * (Upper[j] - Lower[j])), Lower[j], Upper[j]))];

    /// <summary>Turns a value and gradient in cube coordinates into the gradient in box coordinates (each coordinate times the box's width).</summary>
    public (double Value, double[] Gradient) ChainToBox((double Value, double[] Gradient) inCube) =>
        (inCube.Value, [.. inCube.Gradient.Select((g, j) => g * (Upper[j] - Lower[j]))]);

    /// <summary>Maps a batch of box coordinates [m, d] to the cube, differentiably.</summary>
    public torch.Tensor ToCube(torch.Tensor u)
    {
        using torch.Tensor lower = torch.tensor(Lower, dtype: torch.float64);
        using torch.Tensor width = torch.tensor(Lower.Select((l, j) => Upper[j] - l).ToArray(), dtype: torch.float64);
        return (u * width).Plus(lower);
    }

    /// <summary>Maps a cube point to box coordinates, clamped into the box.</summary>
    public double[] FromCube(double[] x) => [.. x.Select((v, j) => Upper[j] > Lower[j] ? Math.Clamp((v - Lower[j]) / (Upper[j] - Lower[j]), 0, 1) : 0)];

    /// <summary>The length scales in box coordinates (a coordinate narrowed by the box is longer there).</summary>
    public double[] Scales(IReadOnlyList<double> lengthScales) =>
        [.. lengthScales.Select((l, j) => l / Math.Max(Upper[j] - Lower[j], 1e-12))];
}
