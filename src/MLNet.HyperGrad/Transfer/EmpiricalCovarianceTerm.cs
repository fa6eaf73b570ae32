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
    public EmpiricalCovarianceTerm(double[][] points, double[] loadings, int taskCount, double weight, double kernelWeight)
    {
        if (points.Length < 2 || taskCount < 2 || loadings.Length != points.Length * taskCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An empirical-covariance term needs at least 2 shared points and 2 tasks with [points x tasks] loadings; got {points.Length} points, {taskCount} tasks, {loadings.Length} loadings."));
        }

        if (!(weight >= 0) || !double.IsFinite(weight) || !(kernelWeight > 0) || !double.IsFinite(kernelWeight))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The empirical-covariance weight must be finite and at least 0 and the kernel weight finite and positive; got {weight} and {kernelWeight}."));
        }

        Points = points;
        Loadings = loadings;
        TaskCount = taskCount;
        Weight = weight;
        KernelWeight = kernelWeight;
    }

    /// <summary>Gets the shared points S [m][d].</summary>
    public double[][] Points { get; }

    /// <summary>Gets the loadings [m, T], row-major.</summary>
    public double[] Loadings { get; }

    /// <summary>Gets T, the number of source tasks.</summary>
    public int TaskCount { get; }

    /// <summary>Gets λ, the weight of the empirical term.</summary>
    public double Weight { get; }

    /// <summary>Gets s, the factor on the pre-trained kernel.</summary>
    public double KernelWeight { get; }

    /// <summary>Builds the term from the source tasks' standardized values <paramref name="values"/> [T][m] at the shared points <paramref name="points"/> [m][d], under the pre-trained θ.</summary>
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

    /// <summary>φ(x) for <paramref name="x"/> [n, d]: [n, T].</summary>
    public torch.Tensor Features(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor s = GaussianProcess.ToMatrix(Points, model.Dimension);
        torch.Tensor a = torch.tensor(Loadings, [Points.Length, TaskCount], torch.float64);
        return model.Covariance(theta, x, s).matmul(a).MoveToOuterDisposeScope();
    }

    /// <summary>The covariance <c>s·k_θ(a, b) + λ φ(a)φ(b)ᵀ</c> for [n, d] and [p, d]: [n, p].</summary>
    public torch.Tensor Covariance(PriorModel model, torch.Tensor theta, torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor k = model.Covariance(theta, a, b).Times(KernelWeight).Plus(Features(model, theta, a).matmul(Features(model, theta, b).t()).Times(Weight));
        return k.MoveToOuterDisposeScope();
    }

    /// <summary>The variance <c>s·k_θ(x, x) + λ |φ(x)|²</c> for [n, d]: [n].</summary>
    public torch.Tensor Variance(PriorModel model, torch.Tensor theta, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor v = model.Variance(theta, x).Times(KernelWeight).Plus(Features(model, theta, x).Square().sum(-1).Times(Weight));
        return v.MoveToOuterDisposeScope();
    }
}
