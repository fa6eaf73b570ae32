using System.Globalization;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Bayesian;

/// <summary>Cholesky factorization of a covariance matrix with jitter retries.</summary>
internal static class Cholesky
{
    /// <summary>The jitters tried in turn after a plain factorization fails, relative to the mean of the diagonal.</summary>
    public static readonly double[] Jitters = [1e-8, 1e-6, 1e-4, 1e-2];

    /// <summary>
    /// The lower Cholesky factor of <paramref name="matrix"/>; if libtorch reports it not positive definite,
    /// retries with <c>jitter · mean(diag) · I</c> added, for each jitter of <see cref="Jitters"/> in turn.
    /// Differentiable: autograd flows through the factor (and the jitter is a constant).
    /// </summary>
    /// <param name="matrix">A symmetric matrix, shape [n, n], float64.</param>
    /// <param name="jitter">The relative jitter that succeeded (0 when none was needed).</param>
    /// <returns>The factor, shape [n, n], in the current dispose scope.</returns>
    /// <exception cref="NotPositiveDefiniteException">Every retry failed, or the matrix has a non-finite entry.</exception>
    public static torch.Tensor Factor(torch.Tensor matrix, out double jitter)
    {
        long n = matrix.shape[0];
        if (matrix.dim() != 2 || matrix.shape[1] != n)
        {
            throw new ArgumentException($"Expected a square matrix, got shape [{string.Join(", ", matrix.shape)}].", nameof(matrix));
        }

        jitter = 0;
        if (TryFactor(matrix, out torch.Tensor? factor))
        {
            return factor!;
        }

        double scale;
        using (torch.no_grad())
        {
            if (!matrix.isfinite().all().item<bool>())
            {
                throw new NotPositiveDefiniteException(string.Create(CultureInfo.InvariantCulture, $"The {n}x{n} covariance matrix has a non-finite entry; no jitter can make it positive definite (check the inputs and the kernel's hyperparameters)."));
            }

            scale = Math.Max(matrix.diagonal().mean().item<double>(), 1e-12);
        }

        using torch.Tensor identity = torch.eye(n, dtype: matrix.dtype, device: matrix.device);
        foreach (double j in Jitters)
        {
            using torch.Tensor scaledIdentity = identity.Times(j * scale);
            using torch.Tensor jittered = matrix.Plus(scaledIdentity);
            if (TryFactor(jittered, out factor))
            {
                jitter = j;
                return factor!;
            }
        }

        throw new NotPositiveDefiniteException(string.Create(
            CultureInfo.InvariantCulture,
            $"The {n}x{n} covariance matrix is not positive definite even with jitter {string.Join(", ", Jitters.Select(j => j.ToString("0e0", CultureInfo.InvariantCulture)))} times its mean diagonal {scale:G4} added: inputs repeat with too little noise, or the length scales are degenerate."));
    }

    private static bool TryFactor(torch.Tensor matrix, out torch.Tensor? factor)
    {
        (torch.Tensor l, torch.Tensor info) = torch.linalg.cholesky_ex(matrix);
        using (info)
        {
            if (info.item<int>() == 0)
            {
                factor = l;
                return true;
            }
        }

        l.Dispose();
        factor = null;
        return false;
    }
}
