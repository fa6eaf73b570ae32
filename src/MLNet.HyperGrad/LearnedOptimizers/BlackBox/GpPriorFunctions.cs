using MLNet.HyperGrad.Torch;
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
    private Tensor? minimum;
    private double regretFloor;

    private GpPriorFunctions(Tensor omega, Tensor phase, Tensor weight, double[] lengthScales)
    {
        this.omega = omega;
        this.phase = phase;
        this.weight = weight;
        LengthScales = lengthScales;
        amplitude = Math.Sqrt(2.0 / omega.shape[1]);
    }

    /// <summary>Gets the number of functions B.</summary>
    public long Count => omega.shape[0];

    /// <summary>Gets the functions' dtype.</summary>
    public ScalarType Dtype => omega.dtype;

    /// <summary>Gets the dimension d.</summary>
    public long Dimension => omega.shape[2];

    /// <summary>Gets the length scales ℓ drawn, one per function and dimension, row-major [B, d] (function b's are b·d … b·d + d − 1).</summary>
    public IReadOnlyList<double> LengthScales { get; }

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
        Tensor chi = torch.randn([count, features, 5], ScalarType.Float64, generator: generator).Square().sum([2], keepdim: true);
        Tensor scale = logScale.exp();
        Tensor omega = z / scale * HeldScalars.Divide(5.0, chi).sqrt();
        Tensor phase = torch.empty([count, features], ScalarType.Float64).uniform_(0, 2 * Math.PI, generator);
        Tensor weight = torch.randn([count, features], ScalarType.Float64, generator: generator);
        return new GpPriorFunctions(
            omega.to(dtype).DetachFromDisposeScope(),
            phase.to(dtype).DetachFromDisposeScope(),
            weight.to(dtype).DetachFromDisposeScope(),
            scale.contiguous().data<double>().ToArray());
    }

    /// <summary>f_b(x_b) for each function b: points [B, d] in the functions' dtype, values [B]; differentiable in x.</summary>
    public Tensor Evaluate(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor projected = omega.bmm(x.unsqueeze(2)).squeeze(2).Plus(phase);
        return (projected.cos() * weight).sum(1).Times(amplitude).MoveToOuterDisposeScope();
    }

    /// <summary>Gets the estimated minimum of each function, [B], once <see cref="EstimateMinimum"/> ran; otherwise null.</summary>
    public Tensor? Minimum => minimum;

    /// <summary>f_b at K points per function: points [B, K, d], values [B, K].</summary>
    public Tensor EvaluateMany(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor projected = omega.bmm(x.transpose(1, 2)).Plus(phase.unsqueeze(2));
        return (projected.cos() * weight.unsqueeze(2)).sum(1).Times(amplitude).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Estimates each function's minimum on the cube (the best of <paramref name="candidates"/> uniform points, then
    /// <paramref name="steps"/> projected Adam steps from the best <paramref name="starts"/> of them) and switches
    /// <see cref="Objective"/> to the log regret ln(max(f − min, 0) + <paramref name="floor"/>).
    /// </summary>
    /// <param name="candidates">Uniform points per function.</param>
    /// <param name="starts">Points refined per function.</param>
    /// <param name="steps">Adam steps of the refinement (step 0.01 of the cube).</param>
    /// <param name="floor">The regret floor δ &gt; 0 inside the logarithm.</param>
    /// <param name="generator">The seeded generator of the candidates.</param>
    public void EstimateMinimum(int candidates, int starts, int steps, double floor, torch.Generator generator)
    {
        if (candidates < 1 || starts < 1 || starts > candidates || steps < 0 || !(floor > 0) || !double.IsFinite(floor))
        {
            throw new ArgumentException(BlackBoxLstm.Invariant($"The minimum estimate needs 1 ≤ starts ≤ candidates, steps ≥ 0 and a positive floor; got candidates {candidates}, starts {starts}, steps {steps}, floor {floor}."));
        }

        using var scope = torch.NewDisposeScope();
        long b = Count, d = Dimension;
        Tensor x = torch.rand([b, candidates, d], ScalarType.Float64, generator: generator).to(Dtype);
        Tensor values;
        using (torch.no_grad())
        {
            values = EvaluateMany(x);
        }

        Tensor best = values.min(1).values;
        Tensor top = values.topk(starts, 1, largest: false).indexes;
        Tensor z = x.gather(1, top.unsqueeze(2).expand(b, starts, d)).detach().clone();
        Tensor m = torch.zeros_like(z), v = torch.zeros_like(z);
        const double rate = 0.01, beta1 = 0.9, beta2 = 0.999;
        for (int t = 1; t <= steps; t++)
        {
            using var step = torch.NewDisposeScope();
            Tensor leaf = z.detach().requires_grad_(true);
            Tensor g = TorchAutograd.Grad(EvaluateMany(leaf).sum(), leaf);
            using (torch.no_grad())
            {
                m.TimesInPlace(beta1).PlusScaledInPlace(g, 1 - beta1);
                HeldScalars.With(1 - beta2, value => v.TimesInPlace(beta2).addcmul_(g, g, value));
                Tensor moved = (leaf - (m.Over(1 - Math.Pow(beta1, t)).Times(rate) / v.Over(1 - Math.Pow(beta2, t)).sqrt().Plus(1e-8))).ClampBetween(0.0, 1.0);
                z.copy_(moved);
            }
        }

        using (torch.no_grad())
        {
            best = torch.minimum(best, EvaluateMany(z).min(1).values);
        }

        minimum?.Dispose();
        minimum = best.detach().DetachFromDisposeScope();
        regretFloor = floor;
    }

    /// <summary>
    /// The meta-training objective at points [B, d]: f(x), or after <see cref="EstimateMinimum"/> the log regret
    /// ln(max(f(x) − min, 0) + δ); differentiable in x. A monotone transform of f, so the network's rank inputs are the same.
    /// </summary>
    public Tensor Objective(Tensor x)
    {
        if (minimum is null)
        {
            return Evaluate(x);
        }

        using var scope = torch.NewDisposeScope();
        return (Evaluate(x) - minimum).ClampMinimum(0.0).Plus(regretFloor).log().MoveToOuterDisposeScope();
    }

    /// <summary>Frees the functions' tensors.</summary>
    public void Dispose()
    {
        omega.Dispose();
        phase.Dispose();
        weight.Dispose();
        minimum?.Dispose();
    }
}
