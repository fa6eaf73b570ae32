using System.Globalization;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Exact Gaussian-process regression in float64: constant mean, an ARD <see cref="IKernel"/>, Gaussian noise.</summary>
/// <remarks>
/// <para>
/// The model of Rasmussen and Williams (2006, algorithm 2.1), as BoTorch's <c>SingleTaskGP</c> and Optuna's
/// <c>GPSampler</c> use it: <c>f ~ GP(μ, s·k(r²))</c> with <c>r²(x, x') = Σᵢ dᵢ(x, x')² / ℓᵢ²</c>, where
/// <c>dᵢ = xᵢ - x'ᵢ</c> for an ordinal dimension and, for a categorical one, <c>dᵢ² = 1</c> when the values differ
/// and 0 when equal (Optuna's Hamming distance, so that the arbitrary order of choices adds no structure);
/// <c>y = f(x) + ε</c>, <c>ε ~ N(0, σ²)</c>. Inputs lie in the unit cube; targets are expected standardized
/// (the tuner warps and standardizes them).
/// </para>
/// <para>
/// Building the model factors <c>K + σ²I</c> once (Cholesky with jitter retries: 1e-8, 1e-6, 1e-4, 1e-2 times
/// the mean diagonal, then <see cref="NotPositiveDefiniteException"/>) and solves for <c>α = (K + σ²I)⁻¹(y - μ)</c>;
/// <see cref="Posterior"/> then costs two matrix products and a triangular solve, and is differentiable in its
/// inputs under autograd (the acquisition optimizer follows that gradient). The model owns its tensors; dispose it.
/// </para>
/// </remarks>
public sealed class GaussianProcess : IDisposable
{
    private readonly torch.Tensor trainX;
    private readonly torch.Tensor lengthScales;
    private readonly torch.Tensor? categoricalMask;
    private readonly torch.Tensor factor;
    private readonly torch.Tensor alpha;
    private ScalarPosterior? scalar;
    private bool disposed;

    /// <summary>Conditions a Gaussian process on observations.</summary>
    /// <param name="kernel">The correlation function.</param>
    /// <param name="inputs">The observed points, <c>n</c> rows of <c>d</c> values each, in the unit cube.</param>
    /// <param name="targets">The observed values, <c>n</c> finite numbers (standardized units).</param>
    /// <param name="hyperparameters">The hyperparameters; <c>d</c> length scales.</param>
    /// <param name="categorical">Which of the <c>d</c> dimensions are categorical (Hamming distance); null when none are.</param>
    /// <exception cref="ArgumentException">No observation, ragged or non-finite inputs, non-finite targets, or sizes that disagree; the message names the argument and the sizes.</exception>
    /// <exception cref="NotPositiveDefiniteException">The covariance matrix could not be factored.</exception>
    public GaussianProcess(IKernel kernel, IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, GaussianProcessHyperparameters hyperparameters, IReadOnlyList<bool>? categorical = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        int d = hyperparameters.LengthScales.Count;
        CheckData(inputs, targets, d, categorical);
        Kernel = kernel;
        Hyperparameters = hyperparameters;
        Count = inputs.Count;
        Dimension = d;
        IsCategorical = categorical is null ? new bool[d] : [.. categorical];
        using var scope = torch.NewDisposeScope();
        trainX = ToMatrix(inputs, d).DetachFromDisposeScope();
        lengthScales = torch.tensor(hyperparameters.LengthScales.ToArray(), torch.float64).DetachFromDisposeScope();
        categoricalMask = IsCategorical.Any(c => c) ? torch.tensor(IsCategorical.ToArray()).DetachFromDisposeScope() : null;
        torch.Tensor y = torch.tensor(targets.ToArray(), torch.float64);
        torch.Tensor k = Covariance(kernel, trainX, trainX, lengthScales, hyperparameters.OutputScale, categoricalMask)
            .Plus(torch.eye(Count, dtype: torch.float64).Times(hyperparameters.NoiseVariance));
        factor = Cholesky.Factor(k, out double jitter).DetachFromDisposeScope();
        Jitter = jitter;
        torch.Tensor residual = y.Minus(hyperparameters.Mean).unsqueeze(1);
        alpha = torch.cholesky_solve(residual, factor).squeeze(1).DetachFromDisposeScope();
    }

    /// <summary>Gets the correlation function.</summary>
    public IKernel Kernel { get; }

    /// <summary>Gets the hyperparameters.</summary>
    public GaussianProcessHyperparameters Hyperparameters { get; }

    /// <summary>Gets the number of observations <c>n</c>.</summary>
    public int Count { get; }

    /// <summary>Gets the input dimension <c>d</c>.</summary>
    public int Dimension { get; }

    /// <summary>Gets which dimensions are categorical.</summary>
    public IReadOnlyList<bool> IsCategorical { get; }

    /// <summary>Gets the relative jitter the Cholesky factorization needed (0 when none).</summary>
    public double Jitter { get; }

    /// <summary>The posterior mean and variance of the latent function at <paramref name="x"/>, differentiable in <paramref name="x"/>.</summary>
    /// <param name="x">Candidates, shape [m, d], float64, in the unit cube.</param>
    /// <returns>The mean, shape [m], and the variance of <c>f</c> (noise excluded), shape [m], at least 1e-12; in the current dispose scope.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not [m, d] float64.</exception>
    public (torch.Tensor Mean, torch.Tensor Variance) Posterior(torch.Tensor x)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Dimension || x.dtype != torch.float64)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected candidates of shape [m, {Dimension}] and dtype Float64, got [{string.Join(", ", x.shape)}] {x.dtype}."), nameof(x));
        }

        using var scope = torch.NewDisposeScope();
        torch.Tensor kx = categoricalMask is null && !x.requires_grad
            ? Kernel.Correlation(ScaledSquaredDistanceByProducts(x)).Times(Hyperparameters.OutputScale)
            : Covariance(Kernel, x, trainX, lengthScales, Hyperparameters.OutputScale, categoricalMask);
        torch.Tensor mean = torch.mv(kx, alpha).Plus(Hyperparameters.Mean);
        torch.Tensor v = torch.linalg.solve_triangular(factor, kx.t(), upper: false);
        torch.Tensor variance = HeldScalars.Subtract(Hyperparameters.OutputScale, v.Square().sum(dim: 0)).ClampMinimum(1e-12);
        return (mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <c>r²</c> between candidates and the training points as <c>‖a‖² + ‖b‖² - 2abᵀ</c> on length-scaled inputs (one
    /// matrix product instead of an [m, n, d] tensor of differences), clamped at 0 against rounding: for scoring many
    /// candidates without gradients on ordinal dimensions. Rounding makes r² near 0 accurate to about 1e-15 in the
    /// unit cube, far below anything the correlation resolves.
    /// </summary>
    private torch.Tensor ScaledSquaredDistanceByProducts(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor a = x / lengthScales;
        torch.Tensor b = trainX / lengthScales;
        torch.Tensor r2 = a.Square().sum(1, keepdim: true).Plus(b.Square().sum(1).unsqueeze(0)) - torch.matmul(a, b.t()).Times(2.0);
        return r2.ClampMinimum(0.0).MoveToOuterDisposeScope();
    }

    /// <summary>The posterior mean and variance of the latent function at one point, with their gradients in the point, in plain doubles.</summary>
    /// <remarks>
    /// The same quantities as <see cref="Posterior"/> (to rounding), without tensors: gradient refinement evaluates a
    /// handful of points some forty times, where tensor overhead, not arithmetic, would dominate. The first call
    /// computes <c>(K + σ²I)⁻¹</c> from the factor (n² doubles, kept); each call then costs O(n² + n·d).
    /// Categorical dimensions get a zero gradient (their distance is a step).
    /// </remarks>
    /// <param name="x">The point, d values in the unit cube.</param>
    /// <param name="meanGradient">Receives the gradient of the mean, d values.</param>
    /// <param name="varianceGradient">Receives the gradient of the variance, d values (zeros where the variance is at its floor 1e-12).</param>
    /// <returns>The mean and the variance, at least 1e-12.</returns>
    /// <exception cref="ArgumentException">A span does not have d values.</exception>
    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGradient, Span<double> varianceGradient)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (x.Length != Dimension || meanGradient.Length != Dimension || varianceGradient.Length != Dimension)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a point and two gradients of {Dimension} values; got {x.Length}, {meanGradient.Length} and {varianceGradient.Length}."), nameof(x));
        }

        scalar ??= new ScalarPosterior(this, trainX, factor, alpha, lengthScales);
        return scalar.Evaluate(x, meanGradient, varianceGradient);
    }

    /// <summary>The posterior mean and variance at points given as arrays (no gradient).</summary>
    /// <param name="points">The points, each of <c>d</c> values in the unit cube.</param>
    /// <returns>The mean and the variance at each point.</returns>
    public (double[] Mean, double[] Variance) Predict(IReadOnlyList<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return ([], []);
        }

        CheckRows(points, Dimension, nameof(points));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        (torch.Tensor mean, torch.Tensor variance) = Posterior(ToMatrix(points, Dimension));
        return (mean.data<double>().ToArray(), variance.data<double>().ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        trainX.Dispose();
        lengthScales.Dispose();
        categoricalMask?.Dispose();
        factor.Dispose();
        alpha.Dispose();
    }

    /// <summary>The covariance <c>s·k(r²(a, b))</c>, shape [n, m], differentiable in every tensor argument.</summary>
    internal static torch.Tensor Covariance(IKernel kernel, torch.Tensor a, torch.Tensor b, torch.Tensor lengthScales, torch.Tensor outputScale, torch.Tensor? categoricalMask)
    {
        using var scope = torch.NewDisposeScope();
        return (kernel.Correlation(ScaledSquaredDistance(a, b, lengthScales, categoricalMask)) * outputScale).MoveToOuterDisposeScope();
    }

    /// <summary>The covariance with a plain output scale.</summary>
    internal static torch.Tensor Covariance(IKernel kernel, torch.Tensor a, torch.Tensor b, torch.Tensor lengthScales, double outputScale, torch.Tensor? categoricalMask)
    {
        using var scope = torch.NewDisposeScope();
        return kernel.Correlation(ScaledSquaredDistance(a, b, lengthScales, categoricalMask)).Times(outputScale).MoveToOuterDisposeScope();
    }

    /// <summary><c>r²</c> between the rows of <paramref name="a"/> [n, d] and <paramref name="b"/> [m, d]: shape [n, m].</summary>
    internal static torch.Tensor ScaledSquaredDistance(torch.Tensor a, torch.Tensor b, torch.Tensor lengthScales, torch.Tensor? categoricalMask)
    {
        using var scope = torch.NewDisposeScope();
        return (SquaredDifferences(a, b, categoricalMask) / lengthScales.Square()).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Per-dimension squared differences of the rows of <paramref name="a"/> [n, d] and <paramref name="b"/> [m, d], shape [n, m, d]; a categorical dimension gives 1 where the values differ and 0 where equal.</summary>
    internal static torch.Tensor SquaredDifferences(torch.Tensor a, torch.Tensor b, torch.Tensor? categoricalMask)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor squared = (a.unsqueeze(1) - b.unsqueeze(0)).Square();
        if (categoricalMask is not null)
        {
            squared = torch.where(categoricalMask, squared.IsGreaterThan(1e-18).to(torch.float64), squared);
        }

        return squared.MoveToOuterDisposeScope();
    }

    /// <summary>Rows as a float64 tensor of shape [n, d].</summary>
    internal static torch.Tensor ToMatrix(IReadOnlyList<double[]> rows, int d)
    {
        double[] flat = new double[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            Array.Copy(rows[i], 0, flat, i * d, d);
        }

        return torch.tensor(flat, [rows.Count, d], torch.float64);
    }

    /// <summary>Checks observations: at least one, rows of <paramref name="d"/> finite values, as many finite targets.</summary>
    internal static void CheckData(IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, int d, IReadOnlyList<bool>? categorical)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("A Gaussian process needs at least one observation; got none.", nameof(inputs));
        }

        if (targets.Count != inputs.Count)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected one target per input ({inputs.Count}); got {targets.Count}."), nameof(targets));
        }

        CheckRows(inputs, d, nameof(inputs));
        for (int i = 0; i < targets.Count; i++)
        {
            if (!double.IsFinite(targets[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Target {i} is {targets[i]}; every target must be finite."), nameof(targets));
            }
        }

        if (categorical is not null && categorical.Count != d)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected {d} categorical flags (one per dimension); got {categorical.Count}."), nameof(categorical));
        }
    }

    private static void CheckRows(IReadOnlyList<double[]> rows, int d, string argument)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            double[] row = rows[i] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {i} is null."), argument);
            if (row.Length != d)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {i} has {row.Length} values; expected {d} (one per dimension)."), argument);
            }

            for (int j = 0; j < d; j++)
            {
                if (!double.IsFinite(row[j]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {i}, dimension {j} is {row[j]}; every input must be finite."), argument);
                }
            }
        }
    }
}
