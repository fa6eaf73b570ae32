using MLNet.HyperGrad.Bayesian;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Transfer;

/// <summary>
/// The posterior of a new task under a fixed pre-trained prior, with an output map refitted on the task:
/// <c>z(x) = a + b·f(x)</c>, <c>f ~ GP(m, k)</c> of the prior, observed with noise σ², in the task's standardized units.
/// </summary>
/// <remarks>
/// Equivalent to a GP with mean <c>a + b·m(x)</c>, covariance <c>b²·k(x, x')</c> and noise σ². Without a refit
/// <c>b = 1</c>, σ² is the prior's, and <c>a = 0</c>, or, centred on the prior, <c>a₀ = mean(z − m(x))</c> over the points
/// marked as observed (the refit's offset prior is then N(a₀, 1) instead of N(0, 1)). Owns its tensors; dispose it.
/// </remarks>
internal sealed class PriorPosterior : IDisposable
{
    private readonly PretrainedGpPrior prior;
    private readonly torch.Tensor? trainX;
    private readonly torch.Tensor? factor;
    private readonly torch.Tensor? alpha;

    /// <param name="prior">The fixed prior.</param>
    /// <param name="inputs">The task's points (canonical unit-cube coordinates).</param>
    /// <param name="targets">Their standardized losses.</param>
    /// <param name="refit">Whether to refit the offset, scale and noise once <paramref name="refitFrom"/> points are held.</param>
    /// <param name="refitFrom">The number of points from which the refit runs.</param>
    /// <param name="centreOn">Null for offset 0 (prior N(0, 1) in the refit); otherwise, per point, whether it enters the centring offset a₀ (observed trials, not constant-liar stand-ins).</param>
    public PriorPosterior(PretrainedGpPrior prior, IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, bool refit, int refitFrom = 3, IReadOnlyList<bool>? centreOn = null)
    {
        this.prior = prior;
        Offset = 0;
        Scale = 1;
        NoiseVariance = prior.NoiseVariance;
        if (inputs.Count == 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        torch.Tensor x = prior.Matrix(inputs);
        torch.Tensor z = torch.tensor(targets.ToArray(), torch.float64);
        torch.Tensor priorMean;
        torch.Tensor priorCovariance;
        using (torch.no_grad())
        {
            priorMean = prior.MeanTensor(x);
            priorCovariance = prior.CovarianceTensor(x, x);
        }

        double centre = 0;
        if (centreOn is not null)
        {
            double[] m = priorMean.data<double>().ToArray();
            double sum = 0;
            int count = 0;
            for (int i = 0; i < inputs.Count; i++)
            {
                if (centreOn[i])
                {
                    sum += targets[i] - m[i];
                    count++;
                }
            }

            centre = count > 0 ? sum / count : 0;
            Offset = centre;
        }

        if (refit && inputs.Count >= refitFrom)
        {
            (Offset, Scale, NoiseVariance) = Refit(priorMean, priorCovariance, z, prior.NoiseVariance, centre);
        }

        using (torch.no_grad())
        {
            torch.Tensor k = priorCovariance.Times(Scale * Scale).Plus(torch.eye(inputs.Count, dtype: torch.float64).Times(NoiseVariance));
            torch.Tensor l = Cholesky.Factor(k, out _);
            torch.Tensor residual = (z.Minus(Offset) - priorMean.Times(Scale)).unsqueeze(1);
            alpha = torch.cholesky_solve(residual, l).squeeze(1).DetachFromDisposeScope();
            factor = l.DetachFromDisposeScope();
            trainX = x.DetachFromDisposeScope();
        }
    }

    /// <summary>Gets the output offset a (standardized units).</summary>
    public double Offset { get; }

    /// <summary>Gets the output scale b (a factor on the prior's standard deviation).</summary>
    public double Scale { get; }

    /// <summary>Gets the noise variance σ².</summary>
    public double NoiseVariance { get; }

    /// <summary>The posterior mean and variance of the latent <c>z</c> at <paramref name="x"/> [m, d]: each [m], differentiable in <paramref name="x"/>.</summary>
    public (torch.Tensor Mean, torch.Tensor Variance) Posterior(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor mean = prior.MeanTensor(x).Times(Scale).Plus(Offset);
        torch.Tensor priorVariance = prior.VarianceTensor(x).Times(Scale * Scale);
        if (trainX is null)
        {
            return (mean.MoveToOuterDisposeScope(), priorVariance.MoveToOuterDisposeScope());
        }

        torch.Tensor kx = prior.CovarianceTensor(x, trainX).Times(Scale * Scale);
        mean = mean.Plus(torch.mv(kx, alpha!));
        torch.Tensor v = torch.linalg.solve_triangular(factor!, kx.t(), upper: false);
        torch.Tensor variance = (priorVariance - v.Square().sum(dim: 0)).ClampMinimum(1e-12);
        return (mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope());
    }

    /// <summary>The posterior at points given as arrays (no gradient).</summary>
    public (double[] Mean, double[] Variance) Predict(IReadOnlyList<double[]> points)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        (torch.Tensor mean, torch.Tensor variance) = Posterior(prior.Matrix(points));
        return (mean.data<double>().ToArray(), variance.data<double>().ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        trainX?.Dispose();
        factor?.Dispose();
        alpha?.Dispose();
    }

    /// <summary>MAP of <c>[a, ln b, ln σ²]</c>: the task's likelihood with priors a ~ N(<paramref name="centre"/>, 1), ln b ~ N(0, 1), by projected L-BFGS.</summary>
    private static (double Offset, double Scale, double Noise) Refit(torch.Tensor priorMean, torch.Tensor priorCovariance, torch.Tensor z, double priorNoise, double centre)
    {
        double[] lower = [centre - 3.0, Math.Log(0.1), Math.Log(1e-6)];
        double[] upper = [centre + 3.0, Math.Log(10.0), 0.0];
        double[] start = [centre, 0.0, Math.Clamp(Math.Log(priorNoise), lower[2], upper[2])];
        (double[] best, double bestValue, _) = ProjectedLbfgs.Minimize(values => RefitObjective(priorMean, priorCovariance, z, centre, values), start, lower, upper, maxIterations: 50, gradientTolerance: 1e-5);
        return double.IsFinite(bestValue) ? (best[0], Math.Exp(best[1]), Math.Exp(best[2])) : (centre, 1.0, priorNoise);
    }

    /// <summary>
    /// The refit's negative log posterior of <c>[a, ln b, ln σ²]</c> (up to a constant) and its autograd gradient: the task's
    /// Gaussian likelihood of <c>z ~ N(a + b·m, b²·K + σ²·I)</c> plus <c>(a − centre)²/2 + (ln b)²/2</c>; +∞ and a zero
    /// gradient where the covariance does not factor.
    /// </summary>
    internal static (double Value, double[] Gradient) RefitObjective(torch.Tensor priorMean, torch.Tensor priorCovariance, torch.Tensor z, double centre, double[] values)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor eye = torch.eye(z.shape[0], dtype: torch.float64);
        torch.Tensor p = torch.tensor(values, torch.float64).requires_grad_(true);
        torch.Tensor a = p[0];
        torch.Tensor b = p[1].exp();
        torch.Tensor noise = p[2].exp();
        torch.Tensor k = (priorCovariance * b.Square()).Plus(eye * noise);
        torch.Tensor l;
        try
        {
            l = Cholesky.Factor(k, out _);
        }
        catch (NotPositiveDefiniteException)
        {
            return (double.PositiveInfinity, new double[values.Length]);
        }

        torch.Tensor residual = (z - a - (priorMean * b)).unsqueeze(1);
        torch.Tensor whitened = torch.linalg.solve_triangular(l, residual, upper: false);
        torch.Tensor loss = whitened.Square().sum().Times(0.5).Plus(l.diagonal().log().sum()).Plus(a.Minus(centre).Square().Times(0.5)).Plus(p[1].Square().Times(0.5));
        double value = loss.item<double>();
        if (!double.IsFinite(value))
        {
            return (double.PositiveInfinity, new double[values.Length]);
        }

        return (value, TorchAutograd.Grad(loss, p).data<double>().ToArray());
    }
}
