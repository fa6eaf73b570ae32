using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>The parametric GP prior as a function of one flat float64 parameter vector θ: mean, feature map, Matérn-5/2 ARD covariance (optionally with a configuration-dependent scale), noise.</summary>
/// <remarks>
/// <para>
/// Layout of θ: the mean's parameters (<see cref="PriorMeanKind.Constant"/>: <c>[c]</c>; <see cref="PriorMeanKind.Linear"/>:
/// <c>[w (d), c]</c>; <see cref="PriorMeanKind.Mlp"/>: <c>[W (H·d, row-major [H, d]), b (H), v (H), c]</c>), then, with a
/// kernel on features, <c>[U (H·d), e (H)]</c>, then, with a scale function, <c>[S (H·d), f (H), u (H), c_s]</c>, then the log
/// length scales (<c>d</c>, or <c>H</c> on features), the log output scale and the log noise variance. Length scales are clamped
/// to [0.01, 100], the output scale to [0.01, 100], the noise variance to [1e-5, 1] (standardized units), so that no Adam step can
/// make the covariance singular.
/// </para>
/// <para>
/// With <see cref="MetaFeatureCount"/> c &gt; 0 (<see cref="GpPriorPretrainingOptions.MetaFeatureInput"/>, MLP mean only) the mean
/// also reads a task's standardized meta-features z: its hidden layer is <c>tanh(Wx + W_z z + b)</c>, and <c>W_z</c> (H·c,
/// row-major [H, c]) follows the mean's constant in θ, so the layout of everything else is that of c = 0. For a fixed z the mean is
/// an MLP mean of x alone with the bias <c>b + W_z z</c> (<see cref="FoldMetaFeatures"/>).
/// </para>
/// <para>
/// With a scale function the covariance is <c>k(x, x') = σ² g(x) g(x') · Matérn(x, x')</c> with
/// <c>g(x) = 0.01 + softplus(uᵀ tanh(Sx + f) + c_s)</c>: the prior standard deviation of the standardized loss depends on the
/// configuration (small where all earlier tasks agree, large where they differ), while the correlation stays Matérn's.
/// <c>g</c> starts near 1 (<c>c_s = ln(e − 1)</c>, small <c>u</c>).
/// </para>
/// </remarks>
internal sealed class PriorModel
{
    private const double MinLogScale = -4.605170185988091; // ln 0.01
    private const double MaxLogScale = 4.605170185988091; // ln 100
    private const double MinLogNoise = -11.512925464970229; // ln 1e-5
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>The floor of the scale function g(x), so that no configuration has zero prior variance.</summary>
    internal const double ScaleFloor = 0.01;

    public PriorModel(int dimension, PriorMeanKind meanKind, int hiddenWidth, bool kernelOnFeatures, bool inputDependentScale = false, int metaFeatureCount = 0)
    {
        if (dimension < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The input dimension must be at least 1, got {dimension}."), nameof(dimension));
        }

        if (metaFeatureCount < 0 || (metaFeatureCount > 0 && meanKind != PriorMeanKind.Mlp))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Meta-features enter only an MLP mean, as a count of at least 0; got {metaFeatureCount} with a {meanKind} mean."), nameof(metaFeatureCount));
        }

        Dimension = dimension;
        MeanKind = meanKind;
        HiddenWidth = hiddenWidth;
        KernelOnFeatures = kernelOnFeatures;
        InputDependentScale = inputDependentScale;
        MetaFeatureCount = metaFeatureCount;
        MeanCount = meanKind switch
        {
            PriorMeanKind.Constant => 1,
            PriorMeanKind.Linear => dimension + 1,
            _ => (hiddenWidth * dimension) + (2 * hiddenWidth) + 1 + (hiddenWidth * metaFeatureCount),
        };
        FeatureOffset = MeanCount;
        int featureCount = kernelOnFeatures ? (hiddenWidth * dimension) + hiddenWidth : 0;
        ScaleOffset = FeatureOffset + featureCount;
        int scaleCount = inputDependentScale ? (hiddenWidth * dimension) + (2 * hiddenWidth) + 1 : 0;
        LengthScaleOffset = ScaleOffset + scaleCount;
        LengthScaleCount = kernelOnFeatures ? hiddenWidth : dimension;
        OutputScaleIndex = LengthScaleOffset + LengthScaleCount;
        NoiseIndex = OutputScaleIndex + 1;
        Count = NoiseIndex + 1;
    }

    public int Dimension { get; }

    public PriorMeanKind MeanKind { get; }

    public int HiddenWidth { get; }

    public bool KernelOnFeatures { get; }

    /// <summary>Gets a value indicating whether the covariance has the configuration-dependent scale g(x).</summary>
    public bool InputDependentScale { get; }

    /// <summary>Gets c, the number of standardized meta-features the MLP mean reads beside the configuration (0: none).</summary>
    public int MetaFeatureCount { get; }

    /// <summary>Gets the offset of <c>W_z</c> [H, c] in θ (after the mean's constant).</summary>
    public int MetaFeatureWeightOffset => (HiddenWidth * Dimension) + (2 * HiddenWidth) + 1;

    /// <summary>Gets the length of θ.</summary>
    public int Count { get; }

    public int MeanCount { get; }

    public int FeatureOffset { get; }

    public int ScaleOffset { get; }

    public int LengthScaleOffset { get; }

    public int LengthScaleCount { get; }

    public int OutputScaleIndex { get; }

    public int NoiseIndex { get; }

    /// <summary>The seeded starting θ: small random weights (mean near 0), length scales 0.5 on inputs or 1 on features, output scale 1, noise 0.1.</summary>
    public double[] Initial(Random random)
    {
        double[] theta = new double[Count];
        int d = Dimension;
        int h = HiddenWidth;
        if (MeanKind == PriorMeanKind.Mlp)
        {
            Fill(theta, 0, h * d, random, 2.0 / Math.Sqrt(d));
            Fill(theta, h * d, h, random, 0.5);
            Fill(theta, (h * d) + h, h, random, 0.1 / Math.Sqrt(h));
        }

        if (KernelOnFeatures)
        {
            Fill(theta, FeatureOffset, h * d, random, 2.0 / Math.Sqrt(d));
            Fill(theta, FeatureOffset + (h * d), h, random, 0.5);
        }

        if (InputDependentScale)
        {
            Fill(theta, ScaleOffset, h * d, random, 2.0 / Math.Sqrt(d));
            Fill(theta, ScaleOffset + (h * d), h, random, 0.5);
            Fill(theta, ScaleOffset + (h * d) + h, h, random, 0.1 / Math.Sqrt(h));
            theta[ScaleOffset + (h * d) + (2 * h)] = Math.Log(Math.E - 1 - ScaleFloor);
        }

        for (int i = 0; i < LengthScaleCount; i++)
        {
            theta[LengthScaleOffset + i] = KernelOnFeatures ? 0.0 : Math.Log(0.5);
        }

        theta[OutputScaleIndex] = 0.0;
        theta[NoiseIndex] = Math.Log(0.1);
        if (MetaFeatureCount > 0)
        {
            // Drawn last, so every other parameter starts as without meta-features (same seed); the pre-activation's variance
            // from c standardized features is then about 1.
            Fill(theta, MetaFeatureWeightOffset, h * MetaFeatureCount, random, 1.0 / Math.Sqrt(MetaFeatureCount));
        }

        return theta;
    }

    /// <summary>
    /// The model and θ of the mean at fixed standardized meta-features <paramref name="z"/>: an MLP mean of x alone (c = 0) whose
    /// hidden bias is <c>b + W_z z</c>, every other parameter unchanged.
    /// </summary>
    public (PriorModel Model, double[] Theta) FoldMetaFeatures(double[] theta, double[] z)
    {
        if (MetaFeatureCount == 0 || z.Length != MetaFeatureCount || theta.Length != Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Folding needs a model with meta-features, {MetaFeatureCount} values and θ of {Count}; got {z.Length} values and θ of {theta.Length}."), nameof(z));
        }

        int h = HiddenWidth;
        int d = Dimension;
        var folded = new PriorModel(Dimension, MeanKind, HiddenWidth, KernelOnFeatures, InputDependentScale);
        double[] result = [.. theta.Take(MetaFeatureWeightOffset), .. theta.Skip(MetaFeatureWeightOffset + (h * MetaFeatureCount))];
        for (int i = 0; i < h; i++)
        {
            double shift = 0;
            for (int j = 0; j < MetaFeatureCount; j++)
            {
                shift += theta[MetaFeatureWeightOffset + (i * MetaFeatureCount) + j] * z[j];
            }

            result[(h * d) + i] += shift;
        }

        return (folded, result);
    }

    /// <summary>The prior mean at <paramref name="x"/> [..., d]: shape [...].</summary>
    /// <param name="theta">θ.</param>
    /// <param name="x">The points [..., d].</param>
    /// <param name="metaFeatures">With <see cref="MetaFeatureCount"/> c &gt; 0, the tasks' standardized meta-features shaped as the
    /// points with c in place of d and the point dimension 1 (broadcast): [g, 1, c] for points [g, b, d]; else null.</param>
    public torch.Tensor Mean(torch.Tensor theta, torch.Tensor x, torch.Tensor? metaFeatures = null)
    {
        using var scope = torch.NewDisposeScope();
        int d = Dimension;
        int h = HiddenWidth;
        if ((MetaFeatureCount > 0) != (metaFeatures is not null))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"This prior mean reads {MetaFeatureCount} meta-features; they were {(metaFeatures is null ? "not given" : "given")}."));
        }

        torch.Tensor result;
        if (MeanKind == PriorMeanKind.Mlp)
        {
            torch.Tensor preActivation = Affine(x, theta.narrow(0, 0, h * d).reshape(h, d), theta.narrow(0, h * d, h));
            if (metaFeatures is not null)
            {
                preActivation = preActivation.Plus((metaFeatures.unsqueeze(-2) * theta.narrow(0, MetaFeatureWeightOffset, h * MetaFeatureCount).reshape(h, MetaFeatureCount)).sum(-1));
            }

            result = (torch.tanh(preActivation) * theta.narrow(0, (h * d) + h, h)).sum(-1).Plus(theta[(h * d) + (2 * h)]);
        }
        else
        {
            result = MeanKind switch
            {
                PriorMeanKind.Constant => torch.zeros_like(x.select(-1, 0)).Plus(theta[0]),
                _ => (x * theta.narrow(0, 0, d)).sum(-1).Plus(theta[d]),
            };
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>What the kernel sees of <paramref name="x"/> [..., d]: the inputs, or the features [..., H].</summary>
    public torch.Tensor Features(torch.Tensor theta, torch.Tensor x)
    {
        if (!KernelOnFeatures)
        {
            return x.alias();
        }

        using var scope = torch.NewDisposeScope();
        int d = Dimension;
        int h = HiddenWidth;
        torch.Tensor u = theta.narrow(0, FeatureOffset, h * d).reshape(h, d);
        torch.Tensor e = theta.narrow(0, FeatureOffset + (h * d), h);
        return torch.tanh(Affine(x, u, e)).MoveToOuterDisposeScope();
    }

    /// <summary>The scale function g at <paramref name="x"/> [..., d]: [...] (ones without a scale function).</summary>
    public torch.Tensor Scale(torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (!InputDependentScale)
        {
            return torch.ones_like(x.select(-1, 0)).MoveToOuterDisposeScope();
        }

        int d = Dimension;
        int h = HiddenWidth;
        int o = ScaleOffset;
        torch.Tensor hidden = torch.tanh(Affine(x, theta.narrow(0, o, h * d).reshape(h, d), theta.narrow(0, o + (h * d), h)));
        torch.Tensor raw = (hidden * theta.narrow(0, o + (h * d) + h, h)).sum(-1).Plus(theta[o + (h * d) + (2 * h)]);
        return HeldScalars.Softplus(raw).Plus(ScaleFloor).MoveToOuterDisposeScope();
    }

    /// <summary>The prior variance (noise excluded) at <paramref name="x"/> [..., d]: σ² g(x)², shape [...].</summary>
    public torch.Tensor Variance(torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return (Scale(theta, x).Square() * OutputScale(theta)).MoveToOuterDisposeScope();
    }

    /// <summary><c>x Wᵀ + e</c> for <paramref name="x"/> [..., d], <paramref name="w"/> [h, d]: [..., h].</summary>
    /// <remarks>
    /// Broadcast products and a sum instead of a BLAS product: MKL's GEMM may pick a kernel by the memory alignment of its
    /// operands, so the same inputs could give results differing in the last bits from one call to the next, and a seeded
    /// pre-training (or tuner) would not repeat itself exactly. The layers are small, so this costs little.
    /// </remarks>
    private static torch.Tensor Affine(torch.Tensor x, torch.Tensor w, torch.Tensor e)
    {
        using var scope = torch.NewDisposeScope();
        return (x.unsqueeze(-2) * w).sum(-1).Plus(e).MoveToOuterDisposeScope();
    }

    public torch.Tensor LengthScales(torch.Tensor theta) => theta.narrow(0, LengthScaleOffset, LengthScaleCount).ClampBetween(MinLogScale, MaxLogScale).exp();

    public torch.Tensor OutputScale(torch.Tensor theta) => theta[OutputScaleIndex].ClampBetween(MinLogScale, MaxLogScale).exp();

    public torch.Tensor NoiseVariance(torch.Tensor theta) => theta[NoiseIndex].ClampBetween(MinLogNoise, 0.0).exp();

    /// <summary>The noise-free covariance between the rows of features <paramref name="fa"/> [..., n, f] and <paramref name="fb"/> [..., m, f]: [..., n, m].</summary>
    public torch.Tensor CovarianceOfFeatures(torch.Tensor theta, torch.Tensor fa, torch.Tensor fb)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor scaledA = fa / LengthScales(theta);
        torch.Tensor scaledB = fb / LengthScales(theta);
        torch.Tensor r2 = (scaledA.unsqueeze(-2) - scaledB.unsqueeze(-3)).Square().sum(-1);
        return (Matern52Kernel.Instance.Correlation(r2) * OutputScale(theta)).MoveToOuterDisposeScope();
    }

    /// <summary>The noise-free covariance between the rows of <paramref name="a"/> [..., n, d] and <paramref name="b"/> [..., m, d]: [..., n, m].</summary>
    public torch.Tensor Covariance(torch.Tensor theta, torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor k = CovarianceOfFeatures(theta, Features(theta, a), Features(theta, b));
        if (InputDependentScale)
        {
            k = k * Scale(theta, a).unsqueeze(-1) * Scale(theta, b).unsqueeze(-2);
        }

        return k.MoveToOuterDisposeScope();
    }

    /// <summary>The negative log marginal likelihood of each of a batch of tasks: inputs [g, b, d], standardized targets [g, b] → [g]; with meta-features, the tasks' standardized meta-features [g, c].</summary>
    public torch.Tensor NegativeLogLikelihood(torch.Tensor theta, torch.Tensor x, torch.Tensor y, torch.Tensor? metaFeatures = null)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[1];
        torch.Tensor k = Covariance(theta, x, x).Plus(torch.eye(b, dtype: torch.float64) * NoiseVariance(theta));
        torch.Tensor l = Factor(k);
        torch.Tensor residual = (y - Mean(theta, x, metaFeatures?.unsqueeze(-2))).unsqueeze(-1);
        torch.Tensor whitened = torch.linalg.solve_triangular(l, residual, upper: false);
        torch.Tensor nll = whitened.Square().sum([-2, -1]).Times(0.5).Plus(l.diagonal(dim1: -2, dim2: -1).log().sum(-1)).Plus(0.5 * b * LogTwoPi);
        return nll.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// HyperBO's empirical KL divergence <c>KL(N(μ̂, Σ̂) ‖ N(m(X), K(X, X) + σ²I))</c> at shared points <paramref name="x"/> [m, d], from
    /// the tasks' standardized values there <paramref name="y"/> [t, m] (μ̂ their mean, Σ̂ their covariance with divisor t), without
    /// the constant <c>-½ log det Σ̂</c> (Σ̂ is singular when t ≤ m; the constant does not move the fit). With meta-features
    /// <paramref name="metaFeatures"/> [t, c] each task has its own mean <c>m_t</c>, and the trace and Mahalanobis terms
    /// (<c>(1/t) Σ_t (y_t − m)ᵀK⁻¹(y_t − m)</c> for one mean) become <c>(1/t) Σ_t (y_t − m_t)ᵀK⁻¹(y_t − m_t)</c>.
    /// </summary>
    public torch.Tensor EmpiricalKl(torch.Tensor theta, torch.Tensor x, torch.Tensor y, torch.Tensor? metaFeatures = null)
    {
        using var scope = torch.NewDisposeScope();
        long m = x.shape[0];
        long t = y.shape[0];
        torch.Tensor k = Covariance(theta, x, x).Plus(torch.eye(m, dtype: torch.float64) * NoiseVariance(theta));
        torch.Tensor l = Factor(k);
        torch.Tensor quadratic;
        if (metaFeatures is null)
        {
            torch.Tensor empiricalMean = y.mean([0]);
            torch.Tensor centred = y - empiricalMean;
            torch.Tensor trace = torch.linalg.solve_triangular(l, centred.t(), upper: false).Square().sum().Over(t);
            torch.Tensor difference = (Mean(theta, x) - empiricalMean).unsqueeze(1);
            quadratic = trace.Plus(torch.linalg.solve_triangular(l, difference, upper: false).Square().sum());
        }
        else
        {
            torch.Tensor residual = y - Mean(theta, x.unsqueeze(0), metaFeatures.unsqueeze(1));
            quadratic = torch.linalg.solve_triangular(l, residual.t(), upper: false).Square().sum().Over(t);
        }

        torch.Tensor kl = quadratic.Plus(l.diagonal().log().sum().Times(2.0)).Minus(m).Times(0.5);
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>The lower Cholesky factor of a batch of covariance matrices [..., n, n], with the jitter retries of <see cref="Cholesky"/>.</summary>
    public static torch.Tensor Factor(torch.Tensor k)
    {
        if (k.dim() == 2)
        {
            return Cholesky.Factor(k, out _);
        }

        (torch.Tensor l, torch.Tensor info) = torch.linalg.cholesky_ex(k);
        using (info)
        {
            if (!info.any().item<bool>())
            {
                return l;
            }
        }

        l.Dispose();
        double scale;
        using (torch.no_grad())
        {
            scale = Math.Max(k.diagonal(dim1: -2, dim2: -1).mean().item<double>(), 1e-12);
        }

        using torch.Tensor identity = torch.eye(k.shape[^1], dtype: k.dtype);
        foreach (double j in Cholesky.Jitters)
        {
            using torch.Tensor scaledIdentity = identity.Times(j * scale);
            using torch.Tensor jittered = k.Plus(scaledIdentity);
            (l, info) = torch.linalg.cholesky_ex(jittered);
            using (info)
            {
                if (!info.any().item<bool>())
                {
                    return l;
                }
            }

            l.Dispose();
        }

        throw new NotPositiveDefiniteException(string.Create(CultureInfo.InvariantCulture, $"A batch of {k.shape[0]} covariance matrices of size {k.shape[^1]} is not positive definite even with jitter up to 1e-2 times the mean diagonal {scale:G4}."));
    }

    private static void Fill(double[] theta, int offset, int count, Random random, double std)
    {
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            theta[offset + i] = std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
