using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Fits a <see cref="GaussianProcess"/>'s hyperparameters: MAP of the log marginal likelihood by autograd and box-bounded L-BFGS.</summary>
/// <remarks>
/// <para>
/// The variables are <c>θ = [ln ℓ₁ … ln ℓ_d, ln s, ln σ², μ]</c>, bounded to <c>ℓ ∈ [0.01, 100]</c>,
/// <c>s ∈ [0.01, 100]</c>, <c>σ² ∈ [MinNoiseVariance, 1]</c> and <c>μ ∈ [-10, 10]</c> (standardized targets). The
/// objective is <c>-(log p(y | X, θ) + log p(θ))</c>, its gradient in closed form from the Cholesky factor and its inverse
/// (checked against autograd, <see cref="TorchAutograd"/>, in the tests), minimized by a projected L-BFGS with at most
/// <see cref="GaussianProcessFitOptions.MaxIterations"/> iterations per start, stopped once the projected gradient
/// is below <see cref="GaussianProcessFitOptions.GradientTolerance"/> (Optuna's <c>gtol</c>, 1e-2).
/// </para>
/// <para>
/// The priors are Optuna 5's <c>default_log_prior</c> (optuna/_gp/prior.py), so the comparison with its
/// <c>GPSampler</c> is like for like: on each inverse squared length scale <c>λ = 1/ℓ²</c>, <c>-(0.1/λ + 0.1·λ)</c>
/// (mode at ℓ = 1, penalizing both very short and very long scales); a Gamma(2, 1) on the output scale <c>s</c>;
/// a Gamma(1.1, 30) on the noise variance (mass near zero, for nearly deterministic objectives). Like Optuna's,
/// the densities are on the natural scale while the search is over logarithms (no Jacobian term).
/// </para>
/// <para>
/// Starts: the warm start (the previous fit, when given) or <see cref="GaussianProcessHyperparameters.Default"/>,
/// then, only when there is no warm start, <see cref="GaussianProcessFitOptions.RandomRestarts"/> seeded random starts (ln ℓ uniform in
/// [ln 0.1, ln 2], ln s in [ln 0.5, ln 2], ln σ² in [ln 1e-5, ln 0.1], μ = 0); the best objective wins.
/// A start at which the covariance will not factor even with jitter scores +∞ and is skipped.
/// </para>
/// </remarks>
public static class GaussianProcessFit
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>Fits hyperparameters to observations.</summary>
    /// <param name="kernel">The correlation function.</param>
    /// <param name="inputs">The observed points, <c>n</c> rows of <c>d</c> values in the unit cube.</param>
    /// <param name="targets">The observed values, standardized.</param>
    /// <param name="options">The settings; null uses the defaults.</param>
    /// <param name="warmStart">The previous fit, tried first; null starts from the defaults.</param>
    /// <param name="seed">The seed of the random restarts.</param>
    /// <param name="categorical">Which dimensions are categorical; null when none.</param>
    /// <returns>The hyperparameters with the best objective.</returns>
    /// <exception cref="ArgumentException">The data or the options are invalid, or the warm start has the wrong dimension.</exception>
    /// <exception cref="NotPositiveDefiniteException">No start gave a covariance matrix that factors.</exception>
    public static GaussianProcessHyperparameters Fit(
        IKernel kernel,
        IReadOnlyList<double[]> inputs,
        IReadOnlyList<double> targets,
        GaussianProcessFitOptions? options = null,
        GaussianProcessHyperparameters? warmStart = null,
        int seed = 0,
        IReadOnlyList<bool>? categorical = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new GaussianProcessFitOptions();
        options.Validate();
        int d = inputs.Count > 0 && inputs[0] is not null ? inputs[0].Length : 0;
        GaussianProcess.CheckData(inputs, targets, d, categorical);
        if (warmStart is not null && warmStart.LengthScales.Count != d)
        {
            throw new ArgumentException($"The warm start has {warmStart.LengthScales.Count} length scales; the inputs have {d} dimensions.", nameof(warmStart));
        }

        using var objective = new MarginalLikelihoodObjective(kernel, inputs, targets, categorical, options.UsePrior);
        (double[] lower, double[] upper) = Bounds(d, options.MinNoiseVariance);
        var starts = new List<double[]> { ToTheta(warmStart ?? GaussianProcessHyperparameters.Default(d)) };
        var random = new Random(seed);
        for (int r = 0; r < (warmStart is null ? options.RandomRestarts : 0); r++)
        {
            double[] theta = new double[d + 3];
            for (int i = 0; i < d; i++)
            {
                theta[i] = Math.Log(0.1) + (random.NextDouble() * Math.Log(20.0));
            }

            theta[d] = Math.Log(0.5) + (random.NextDouble() * Math.Log(4.0));
            theta[d + 1] = Math.Log(1e-5) + (random.NextDouble() * Math.Log(1e4));
            starts.Add(theta);
        }

        double[]? best = null;
        double bestValue = double.PositiveInfinity;
        foreach (double[] start in starts)
        {
            (double[] x, double value, _) = ProjectedLbfgs.Minimize(objective.Evaluate, start, lower, upper, options.MaxIterations, gradientTolerance: options.GradientTolerance);
            if (value < bestValue)
            {
                best = x;
                bestValue = value;
            }
        }

        if (best is null)
        {
            throw new NotPositiveDefiniteException($"No start of the Gaussian-process fit ({starts.Count} tried) gave a covariance matrix that factors; {inputs.Count} observations in {d} dimensions.");
        }

        return FromTheta(best, d);
    }

    /// <summary>The bounds of θ.</summary>
    internal static (double[] Lower, double[] Upper) Bounds(int d, double minNoise)
    {
        double[] lower = new double[d + 3];
        double[] upper = new double[d + 3];
        for (int i = 0; i < d; i++)
        {
            lower[i] = Math.Log(1e-2);
            upper[i] = Math.Log(1e2);
        }

        lower[d] = Math.Log(1e-2);
        upper[d] = Math.Log(1e2);
        lower[d + 1] = Math.Log(minNoise);
        upper[d + 1] = 0;
        lower[d + 2] = -10;
        upper[d + 2] = 10;
        return (lower, upper);
    }

    /// <summary>θ of hyperparameters.</summary>
    internal static double[] ToTheta(GaussianProcessHyperparameters h)
    {
        int d = h.LengthScales.Count;
        double[] theta = new double[d + 3];
        for (int i = 0; i < d; i++)
        {
            theta[i] = Math.Log(h.LengthScales[i]);
        }

        theta[d] = Math.Log(h.OutputScale);
        theta[d + 1] = Math.Log(h.NoiseVariance);
        theta[d + 2] = h.Mean;
        return theta;
    }

    /// <summary>Hyperparameters of θ.</summary>
    internal static GaussianProcessHyperparameters FromTheta(double[] theta, int d)
        => new([.. theta.Take(d).Select(Math.Exp)], Math.Exp(theta[d]), Math.Exp(theta[d + 1]), theta[d + 2]);

    /// <summary>The negative log marginal likelihood plus negative log prior as a function of θ, with its autograd gradient.</summary>
    internal sealed class MarginalLikelihoodObjective : IDisposable
    {
        private readonly IKernel kernel;
        private readonly torch.Tensor x;
        private readonly torch.Tensor y;
        private readonly torch.Tensor eye;
        private readonly torch.Tensor? categoricalMask;
        private readonly torch.Tensor squaredDifferences;
        private readonly bool usePrior;
        private readonly int d;
        private readonly int n;

        /// <summary>Holds the data as tensors.</summary>
        public MarginalLikelihoodObjective(IKernel kernel, IReadOnlyList<double[]> inputs, IReadOnlyList<double> targets, IReadOnlyList<bool>? categorical, bool usePrior)
        {
            this.kernel = kernel;
            this.usePrior = usePrior;
            n = inputs.Count;
            d = inputs[0].Length;
            using var scope = torch.NewDisposeScope();
            x = GaussianProcess.ToMatrix(inputs, d).DetachFromDisposeScope();
            y = torch.tensor(targets.ToArray(), torch.float64).DetachFromDisposeScope();
            eye = torch.eye(n, dtype: torch.float64).DetachFromDisposeScope();
            categoricalMask = categorical is not null && categorical.Any(c => c) ? torch.tensor(categorical.ToArray()).DetachFromDisposeScope() : null;
            squaredDifferences = GaussianProcess.SquaredDifferences(x, x, categoricalMask).DetachFromDisposeScope();
        }

        /// <summary>The objective and its gradient at θ; +∞ (and a zero gradient) when the covariance will not factor.</summary>
        /// <remarks>
        /// The gradient is in closed form, without autograd: with <c>K = s·k(r²) + σ²I</c> factored once,
        /// <c>α = K⁻¹(y - μ)</c> and <c>W = K⁻¹ - ααᵀ</c>, the negative log likelihood's derivative in any θⱼ is
        /// <c>½ Σ W ∘ ∂K/∂θⱼ</c> (Rasmussen and Williams 2006, eq. 5.9): for <c>ln ℓᵢ</c>,
        /// <c>-ℓᵢ⁻² Σ (W ∘ s·k'(r²)) ∘ Dᵢ²</c>; for <c>ln s</c>, <c>½ Σ W ∘ s·k(r²)</c>; for <c>ln σ²</c>, <c>½ σ² tr W</c>;
        /// for <c>μ</c>, <c>-Σ α</c>; plus the priors' derivatives. One evaluation then costs a factorization, its
        /// inverse and O(n²·d) products, against the graph and the Cholesky backward pass of autograd (the reference
        /// that <see cref="Loss"/> keeps, and that a test compares with).
        /// </remarks>
        public (double Value, double[] Gradient) Evaluate(double[] theta)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            double[] inverseSquared = new double[d];
            for (int i = 0; i < d; i++)
            {
                inverseSquared[i] = Math.Exp(-2.0 * theta[i]);
            }

            double outputScale = Math.Exp(theta[d]);
            double noise = Math.Exp(theta[d + 1]);
            double mean = theta[d + 2];
            torch.Tensor r2 = torch.matmul(squaredDifferences, torch.tensor(inverseSquared, torch.float64));
            (torch.Tensor correlation, torch.Tensor slope) = CorrelationAndSlope(r2);
            torch.Tensor l;
            try
            {
                l = Cholesky.Factor(correlation.Times(outputScale).Plus(eye.Times(noise)), out _);
            }
            catch (NotPositiveDefiniteException)
            {
                return (double.PositiveInfinity, new double[theta.Length]);
            }

            torch.Tensor residual = y.Minus(mean).unsqueeze(1);
            torch.Tensor alpha = torch.cholesky_solve(residual, l);
            double value = (0.5 * (residual * alpha).sum().item<double>()) + l.diagonal().log().sum().item<double>() + (0.5 * n * LogTwoPi);
            if (!double.IsFinite(value))
            {
                return (double.PositiveInfinity, new double[theta.Length]);
            }

            torch.Tensor w = torch.cholesky_inverse(l) - torch.matmul(alpha, alpha.t());
            double[] byLengthScale = torch.matmul((w * slope).reshape(n * n), squaredDifferences.reshape(n * n, d)).data<double>().ToArray();
            double[] gradient = new double[theta.Length];
            for (int i = 0; i < d; i++)
            {
                gradient[i] = -outputScale * inverseSquared[i] * byLengthScale[i];
            }

            gradient[d] = 0.5 * outputScale * (w * correlation).sum().item<double>();
            gradient[d + 1] = 0.5 * noise * w.diagonal().sum().item<double>();
            gradient[d + 2] = -alpha.sum().item<double>();
            if (usePrior)
            {
                for (int i = 0; i < d; i++)
                {
                    value += 0.1 * ((1.0 / inverseSquared[i]) + inverseSquared[i]);
                    gradient[i] += 0.2 * ((1.0 / inverseSquared[i]) - inverseSquared[i]);
                }

                value -= (theta[d] - outputScale) + ((0.1 * theta[d + 1]) - (30.0 * noise));
                gradient[d] += outputScale - 1.0;
                gradient[d + 1] += (30.0 * noise) - 0.1;
            }

            return double.IsFinite(value) ? (value, gradient) : (double.PositiveInfinity, new double[theta.Length]);
        }

        /// <summary>The objective and its gradient at θ by autograd through <see cref="Loss"/>: the reference the closed form is tested against.</summary>
        internal (double Value, double[] Gradient) EvaluateByAutograd(double[] theta)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor t = torch.tensor(theta, torch.float64).requires_grad_(true);
            torch.Tensor loss;
            try
            {
                loss = Loss(t);
            }
            catch (NotPositiveDefiniteException)
            {
                return (double.PositiveInfinity, new double[theta.Length]);
            }

            double value = loss.item<double>();
            if (!double.IsFinite(value))
            {
                return (double.PositiveInfinity, new double[theta.Length]);
            }

            return (value, TorchAutograd.Grad(loss, t).data<double>().ToArray());
        }

        /// <summary>The objective at θ, a scalar tensor differentiable in <paramref name="theta"/> (shape [d + 3]).</summary>
        public torch.Tensor Loss(torch.Tensor theta)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor logLengthScales = theta[..d];
            torch.Tensor lengthScales = logLengthScales.exp();
            torch.Tensor outputScale = theta[d].exp();
            torch.Tensor noise = theta[d + 1].exp();
            torch.Tensor mean = theta[d + 2];
            // r² = Σⱼ Dⱼ²/ℓⱼ² from the per-dimension squared differences computed once per fit: one product per evaluation.
            torch.Tensor r2 = torch.matmul(squaredDifferences, logLengthScales.Times(-2.0).exp());
            torch.Tensor k = (kernel.Correlation(r2) * outputScale).Plus(eye * noise);
            torch.Tensor l = Cholesky.Factor(k, out _);
            torch.Tensor residual = (y - mean).unsqueeze(1);
            torch.Tensor alpha = torch.cholesky_solve(residual, l);
            torch.Tensor logLikelihood = ((residual * alpha).sum().Times(-0.5) - l.diagonal().log().sum()).Minus(0.5 * n * LogTwoPi);
            torch.Tensor objective = -logLikelihood;
            if (usePrior)
            {
                torch.Tensor inverseSquared = logLengthScales.Times(-2.0).exp();
                torch.Tensor logPrior = (-HeldScalars.Divide(0.1, inverseSquared).Plus(inverseSquared.Times(0.1)).sum())
                    .Plus(theta[d] - outputScale)
                    .Plus(theta[d + 1].Times(0.1) - noise.Times(30.0));
                objective = objective - logPrior;
            }

            return objective.MoveToOuterDisposeScope();
        }

        /// <summary>The kernel's correlations at <paramref name="r2"/> and their derivatives in r², elementwise (one autograd pass on an elementwise graph, so any <see cref="IKernel"/> works).</summary>
        private (torch.Tensor Correlation, torch.Tensor Slope) CorrelationAndSlope(torch.Tensor r2)
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor correlation;
            torch.Tensor slope;
            using (torch.enable_grad())
            {
                torch.Tensor input = r2.detach().requires_grad_(true);
                torch.Tensor output = kernel.Correlation(input);
                slope = TorchAutograd.Grad(output.sum(), input);
                correlation = output.detach();
            }

            return (correlation.MoveToOuterDisposeScope(), slope.MoveToOuterDisposeScope());
        }

        /// <inheritdoc />
        public void Dispose()
        {
            x.Dispose();
            y.Dispose();
            eye.Dispose();
            categoricalMask?.Dispose();
            squaredDifferences.Dispose();
        }
    }
}
