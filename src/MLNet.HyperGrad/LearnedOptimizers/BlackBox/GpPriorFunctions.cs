using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>
/// A batch of B random functions on the unit cube [0, 1]^d drawn from a zero-mean, unit-variance Gaussian-process prior
/// with the Matérn-5/2 kernel, as random Fourier features (Rahimi and Recht 2007): f(x) = √(2/M) Σ_m w_m cos(ω_m·x + φ_m)
/// with w_m ~ N(0, 1), φ_m ~ U(0, 2π) and ω_m drawn from the kernel's spectral density, a multivariate Student-t with
/// 5 degrees of freedom and scale 1/ℓ per dimension: ω = (z / ℓ) √(5 / u), z ~ N(0, I), u ~ χ²₅.
/// </summary>
/// <remarks>Each function has its own length scale per dimension, log-uniform in [ℓ_min, ℓ_max]. The functions are
/// smooth and differentiable, so a loss through f(x) has a gradient with respect to the proposals x.</remarks>
internal sealed class GpPriorFunctions : IDisposable
{
    private readonly Tensor omega;
    private readonly Tensor phase;
    private readonly Tensor weight;
    private readonly double amplitude;

    private GpPriorFunctions(Tensor omega, Tensor phase, Tensor weight)
    {
        this.omega = omega;
        this.phase = phase;
        this.weight = weight;
        amplitude = Math.Sqrt(2.0 / omega.shape[1]);
    }

    /// <summary>Gets the number of functions B.</summary>
    public long Count => omega.shape[0];

    /// <summary>Gets the functions' dtype.</summary>
    public ScalarType Dtype => omega.dtype;

    /// <summary>Gets the dimension d.</summary>
    public long Dimension => omega.shape[2];

    /// <summary>Draws B functions.</summary>
    /// <param name="count">B ≥ 1.</param>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="lengthScaleMin">ℓ_min &gt; 0.</param>
    /// <param name="lengthScaleMax">ℓ_max ≥ ℓ_min.</param>
    /// <param name="features">M ≥ 1 Fourier features per function.</param>
    /// <param name="generator">The seeded generator.</param>
    /// <param name="dtype">float32 or float64.</param>
    public static GpPriorFunctions Sample(long count, long dimension, double lengthScaleMin, double lengthScaleMax, long features, torch.Generator generator, ScalarType dtype)
    {
        if (count < 1 || dimension < 1 || features < 1)
        {
            throw new ArgumentException(BlackBoxLstm.Invariant($"GP prior functions need B ≥ 1, d ≥ 1 and M ≥ 1; got B {count}, d {dimension}, M {features}."));
        }

        if (!(lengthScaleMin > 0) || !(lengthScaleMax >= lengthScaleMin) || !double.IsFinite(lengthScaleMax))
        {
            throw new ArgumentException(BlackBoxLstm.Invariant($"The length scales need 0 < min ≤ max < ∞; got min {lengthScaleMin}, max {lengthScaleMax}."));
        }

        using var scope = torch.NewDisposeScope();
        Tensor logScale = torch.empty([count, 1, dimension], ScalarType.Float64).uniform_(Math.Log(lengthScaleMin), Math.Log(lengthScaleMax), generator);
        Tensor z = torch.randn([count, features, dimension], ScalarType.Float64, generator: generator);
        Tensor chi = torch.randn([count, features, 5], ScalarType.Float64, generator: generator).square().sum([2], keepdim: true);
        Tensor omega = z / logScale.exp() * (5.0 / chi).sqrt();
        Tensor phase = torch.empty([count, features], ScalarType.Float64).uniform_(0, 2 * Math.PI, generator);
        Tensor weight = torch.randn([count, features], ScalarType.Float64, generator: generator);
        return new GpPriorFunctions(
            omega.to(dtype).DetachFromDisposeScope(),
            phase.to(dtype).DetachFromDisposeScope(),
            weight.to(dtype).DetachFromDisposeScope());
    }

    /// <summary>f_b(x_b) for each function b: points [B, d] in the functions' dtype, values [B]; differentiable in x.</summary>
    public Tensor Evaluate(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor projected = omega.bmm(x.unsqueeze(2)).squeeze(2) + phase;
        return ((projected.cos() * weight).sum(1) * amplitude).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the functions' tensors.</summary>
    public void Dispose()
    {
        omega.Dispose();
        phase.Dispose();
        weight.Dispose();
    }
}
