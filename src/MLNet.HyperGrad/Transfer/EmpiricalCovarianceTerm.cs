using System.Globalization;
using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The empirical-covariance term of a pre-trained prior (issue 11's empirical KL, carried into the kernel): where the source
/// tasks share points, the prior covariance becomes <c>s·k_θ(x, x') + λ·φ(x)ᵀφ(x')</c>, with
/// <c>φ(x) = k_θ(x, S) (K_SS + σ²I)⁻¹ Rᵀ / √(T − 1)</c>: R [T, m] the source tasks' standardized losses at the shared points S
/// less their mean across tasks. At the shared points <c>φ(S)ᵀφ(S)</c> is (a smoothed) empirical covariance across tasks, so
/// the covariance is configuration-specific (small where all tasks agree, strongly correlated where they move together);
/// elsewhere <c>φ</c> interpolates it with the pre-trained kernel, so it is a valid kernel for any point.
/// </summary>
/// <remarks>Holds plain arrays: <see cref="Points"/> [m][d] and <see cref="Loadings"/> <c>(K_SS + σ²I)⁻¹ Rᵀ / √(T − 1)</c>, row-major [m, T].</remarks>
internal sealed class EmpiricalCovarianceTerm
{
    /// <summary>How close (largest absolute slot difference) a point must be to a shared point to be read as that point (exact mode).</summary>
    internal const double MatchTolerance = 1e-9;

    private readonly object interpolationLock = new();
    private double[]? interpolation;

    public EmpiricalCovarianceTerm(double[][] points, double[] loadings, int taskCount, double weight, double kernelWeight, EmpiricalMoments? exact = null)
    {
        if (points.Length < 2 || taskCount < 2 || loadings.Length != points.Length * taskCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An empirical-covariance term needs at least 2 shared points and 2 tasks with [points x tasks] loadings; got {points.Length} points, {taskCount} tasks, {loadings.Length} loadings."));
        }

        if (!(weight >= 0) || !double.IsFinite(weight) || !(kernelWeight > 0) || !double.IsFinite(kernelWeight))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The empirical-covariance weight must be finite and at least 0 and the kernel weight finite and positive; got {weight} and {kernelWeight}."));
        }

        if (exact is not null && (exact.MeanCorrection.Length != points.Length || exact.MeanCorrection.Any(v => !double.IsFinite(v)) || !(exact.Shrinkage >= 0 && exact.Shrinkage < 1)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An exact empirical term needs one finite mean correction per shared point ({points.Length}) and a shrinkage in [0, 1); got {exact.MeanCorrection.Length} corrections and shrinkage {exact.Shrinkage}."));
        }

        Points = points;
        Loadings = loadings;
        TaskCount = taskCount;
        Weight = weight;
        KernelWeight = kernelWeight;
        Exact = exact;
        MeanVariance = Enumerable.Range(0, points.Length).Average(i => Enumerable.Range(0, taskCount).Sum(t => loadings[(i * taskCount) + t] * loadings[(i * taskCount) + t]));
    }

    /// <summary>Gets the shared points S [m][d].</summary>
    public double[][] Points { get; }

    /// <summary>Gets the loadings [m, T], row-major: <c>(K_SS + σ²I)⁻¹ Rᵀ / √(T − 1)</c>, or in exact mode <c>Rᵀ / √(T − 1)</c>.</summary>
    public double[] Loadings { get; }

    /// <summary>Gets T, the number of source tasks.</summary>
    public int TaskCount { get; }

    /// <summary>Gets λ, the weight of the empirical term.</summary>
    public double Weight { get; }

    /// <summary>Gets s, the factor on the pre-trained kernel.</summary>
    public double KernelWeight { get; }

    /// <summary>Gets the exact-mode moments (<see cref="GpPriorPretrainingOptions.EmpiricalMoments"/>), or null for the kernel-smoothed term.</summary>
    public EmpiricalMoments? Exact { get; }

    /// <summary>Gets v̄, the mean over the shared points of the empirical variance (exact mode: of <c>RᵀR/(T − 1)</c>'s diagonal).</summary>
    public double MeanVariance { get; }

    /// <summary>Builds the kernel-smoothed term from the source tasks' standardized values <paramref name="values"/> [T][m] at the shared points <paramref name="points"/> [m][d], under the pre-trained θ.</summary>
    public static EmpiricalCovarianceTerm Build(PriorModel model, double[] theta, double[][] points, double[][] values, double weight, double kernelWeight)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int m = points.Length;
        int t = values.Length;
        torch.Tensor s = GaussianProcess.ToMatrix(points, model.Dimension);
        torch.Tensor th = torch.tensor(theta, torch.float64);
        torch.Tensor k = model.Covariance(th, s, s).Plus(torch.eye(m, dtype: torch.float64) * model.NoiseVariance(th));
        torch.Tensor l = Cholesky.Factor(k, out _);
        torch.Tensor y = torch.tensor(values.SelectMany(v => v).ToArray(), [t, m], torch.float64);
        torch.Tensor residual = y - y.mean([0], keepdim: true);
        torch.Tensor loadings = torch.cholesky_solve(residual.t(), l).Over(Math.Sqrt(t - 1));
        return new EmpiricalCovarianceTerm(points, loadings.contiguous().data<double>().ToArray(), t, weight, kernelWeight);
    }

    /// <summary>
    /// Builds the exact term (<see cref="GpPriorPretrainingOptions.EmpiricalMoments"/>): at the shared points the prior mean becomes the
    /// tasks' empirical mean of <paramref name="values"/> [T][m] and the empirical part of the covariance their empirical covariance
    /// (divisor T − 1), shrunk by <paramref name="shrinkage"/> α towards v̄·I; without <paramref name="useEmpiricalMean"/> the pre-trained mean is kept (zero correction).
    /// With meta-features (<paramref name="contexts"/> [T][c], standardized) the correction is taken from the source tasks' average
    /// pre-trained mean <c>(1/T) Σ_t m(S, z_t)</c>, so that a new task's mean at S is the empirical mean plus its own deviation
    /// <c>m(S, z) − (1/T) Σ_t m(S, z_t)</c>.
    /// </summary>
    public static EmpiricalCovarianceTerm BuildExact(PriorModel model, double[] theta, double[][] points, double[][] values, double shrinkage, double weight, double kernelWeight, bool kernelOffSharedPointsOnly = false, bool useEmpiricalMean = true, double[][]? contexts = null)
    {
        int m = points.Length;
        int t = values.Length;
        double[] mean = [.. Enumerable.Range(0, m).Select(i => values.Average(v => v[i]))];
        double[] loadings = new double[m * t];
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < t; k++)
            {
                loadings[(i * t) + k] = (values[k][i] - mean[i]) / Math.Sqrt(t - 1);
            }
        }

        double[] modelMean;
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            torch.Tensor th = torch.tensor(theta, torch.float64);
            torch.Tensor s = GaussianProcess.ToMatrix(points, model.Dimension);
            modelMean = contexts is null
                ? model.Mean(th, s).data<double>().ToArray()
                : model.Mean(th, s.unsqueeze(0), GpPriorPretraining.ContextTensor(contexts).unsqueeze(1)).mean([0]).data<double>().ToArray();
        }

        return new EmpiricalCovarianceTerm(points, loadings, t, weight, kernelWeight, new EmpiricalMoments([.. mean.Select((v, i) => useEmpiricalMean ? v - modelMean[i] : 0.0)], shrinkage, kernelOffSharedPointsOnly));
    }

    /// <summary>
    /// The interpolation weights W(x) [n, m] of <paramref name="x"/> [n, d] over the shared points: in exact mode the indicator of
    /// the shared point a row equals (within <see cref="MatchTolerance"/> per slot), else <c>k_θ(x, S)(K_SS + σ²I)⁻¹</c>; in the
    /// kernel-smoothed mode <c>k_θ(x, S)</c> (its <c>(K_SS + σ²I)⁻¹</c> is in <see cref="Loadings"/>).
    /// </summary>
    public torch.Tensor Weights(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor s = GaussianProcess.ToMatrix(Points, model.Dimension);
        if (Exact is null)
        {
            return model.Covariance(theta, x, s).MoveToOuterDisposeScope();
        }

        torch.Tensor indicator;
        torch.Tensor matched;
        bool allMatched;
        using (torch.no_grad())
        {
            indicator = (x.detach().unsqueeze(1) - s.unsqueeze(0)).abs().amax([-1]).IsLessThan(MatchTolerance + 1e-15).to_type(torch.float64);
            matched = indicator.sum([-1], keepdim: true).IsGreaterThan(0.5);
            allMatched = matched.all().item<bool>();
        }

        if (allMatched)
        {
            // Candidate mode over the shared points: the indicator alone (the weights do not depend on x there).
            return indicator.MoveToOuterDisposeScope();
        }

        torch.Tensor smooth = model.Covariance(theta, x, s).matmul(torch.tensor(Interpolation(model, theta), [Points.Length, Points.Length], torch.float64));
        return torch.where(matched, indicator, smooth).MoveToOuterDisposeScope();
    }

    /// <summary>φ(x) for <paramref name="x"/> [n, d]: [n, T].</summary>
    public torch.Tensor Features(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor a = torch.tensor(Loadings, [Points.Length, TaskCount], torch.float64);
        return Weights(model, theta, x).matmul(a).MoveToOuterDisposeScope();
    }

    /// <summary>The correction the exact term adds to the pre-trained mean at <paramref name="x"/> [n, d]: <c>W(x)(μ_S − m_θ(S))</c> [n]; zeros without the exact term.</summary>
    public torch.Tensor MeanCorrection(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        if (Exact is null)
        {
            return torch.zeros(x.shape[0], dtype: torch.float64).MoveToOuterDisposeScope();
        }

        return torch.mv(Weights(model, theta, x), torch.tensor(Exact.MeanCorrection, torch.float64)).MoveToOuterDisposeScope();
    }

    /// <summary>The covariance <c>s·k_θ(a, b) + λ φ(a)φ(b)ᵀ</c> (exact mode: <c>s·k_θ(a, b) + λ[(1 − α) φ(a)φ(b)ᵀ + α v̄ W(a)W(b)ᵀ]</c>) for [n, d] and [p, d]: [n, p].</summary>
    public torch.Tensor Covariance(PriorModel model, torch.Tensor theta, torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor k;
        if (Exact is null)
        {
            k = model.Covariance(theta, a, b).Times(KernelWeight).Plus(Features(model, theta, a).matmul(Features(model, theta, b).t()).Times(Weight));
        }
        else
        {
            torch.Tensor loadings = torch.tensor(Loadings, [Points.Length, TaskCount], torch.float64);
            torch.Tensor wa = Weights(model, theta, a);
            torch.Tensor wb = Weights(model, theta, b);
            torch.Tensor empirical = wa.matmul(loadings).matmul(wb.matmul(loadings).t()).Times(1 - Exact.Shrinkage).Plus(wa.matmul(wb.t()).Times(Exact.Shrinkage * MeanVariance));
            k = KernelCovariance(model, theta, a, b).Times(KernelWeight).Plus(empirical.Times(Weight));
        }

        return k.MoveToOuterDisposeScope();
    }

    /// <summary>The variance <c>s·k_θ(x, x) + λ |φ(x)|²</c> (exact mode: <c>s·k_θ(x, x) + λ[(1 − α)|φ(x)|² + α v̄ |W(x)|²]</c>) for [n, d]: [n].</summary>
    public torch.Tensor Variance(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor v;
        if (Exact is null)
        {
            v = model.Variance(theta, x).Times(KernelWeight).Plus(Features(model, theta, x).Square().sum(-1).Times(Weight));
        }
        else
        {
            torch.Tensor w = Weights(model, theta, x);
            torch.Tensor phi = w.matmul(torch.tensor(Loadings, [Points.Length, TaskCount], torch.float64));
            torch.Tensor empirical = phi.Square().sum(-1).Times(1 - Exact.Shrinkage).Plus(w.Square().sum(-1).Times(Exact.Shrinkage * MeanVariance));
            torch.Tensor kernel = model.Variance(theta, x);
            if (Exact.KernelOffSharedPointsOnly)
            {
                torch.Tensor kxs = model.Covariance(theta, x, GaussianProcess.ToMatrix(Points, model.Dimension));
                kernel = kernel - (kxs.matmul(torch.tensor(Interpolation(model, theta), [Points.Length, Points.Length], torch.float64)) * kxs).sum(-1);
            }

            v = kernel.Times(KernelWeight).Plus(empirical.Times(Weight));
        }

        return v.MoveToOuterDisposeScope();
    }

    /// <summary>The kernel part before the factor s: <c>k_θ(a, b)</c>, or with <see cref="EmpiricalMoments.KernelOffSharedPointsOnly"/> its residual given the shared points <c>k(a, b) − k(a, S)(K_SS + σ²I)⁻¹k(S, b)</c>.</summary>
    public torch.Tensor KernelCovariance(PriorModel model, torch.Tensor theta, torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor k = model.Covariance(theta, a, b);
        if (Exact is { KernelOffSharedPointsOnly: true })
        {
            torch.Tensor s = GaussianProcess.ToMatrix(Points, model.Dimension);
            torch.Tensor p = torch.tensor(Interpolation(model, theta), [Points.Length, Points.Length], torch.float64);
            k = k - model.Covariance(theta, a, s).matmul(p).matmul(model.Covariance(theta, s, b));
        }

        return k.MoveToOuterDisposeScope();
    }

    /// <summary>This term with other weights (λ, s), everything else shared.</summary>
    public EmpiricalCovarianceTerm WithWeights(double weight, double kernelWeight) => new(Points, Loadings, TaskCount, weight, kernelWeight, Exact);

    /// <summary><c>(K_SS + σ²I)⁻¹</c> [m, m] row-major under θ, computed once (the term belongs to one prior, whose θ is fixed).</summary>
    private double[] Interpolation(PriorModel model, torch.Tensor theta)
    {
        lock (interpolationLock)
        {
            if (interpolation is null)
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                torch.Tensor th = theta.detach();
                torch.Tensor s = GaussianProcess.ToMatrix(Points, model.Dimension);
                torch.Tensor k = model.Covariance(th, s, s).Plus(torch.eye(Points.Length, dtype: torch.float64) * model.NoiseVariance(th));
                torch.Tensor l = Cholesky.Factor(k, out _);
                interpolation = torch.cholesky_solve(torch.eye(Points.Length, dtype: torch.float64), l).contiguous().data<double>().ToArray();
            }

            return interpolation;
        }
    }
}
