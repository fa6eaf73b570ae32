using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>Dense linear algebra (PyTorch's <c>torch.linalg</c>), differentiable, batched over leading dimensions.</summary>
public static class Linalg
{
    /// <summary>The Cholesky factor of a symmetric positive-definite matrix.</summary>
    /// <param name="a">Shape [..., n, n].</param>
    /// <param name="upper">Return U with A = UᵀU instead of L with A = LLᵀ.</param>
    /// <returns>The triangular factor.</returns>
    /// <exception cref="TorchException">The matrix is not positive-definite.</exception>
    public static Tensor Cholesky(Tensor a, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(NativeMethods.hg_linalg_cholesky(a.Handle, upper ? 1 : 0, out nint r), r);
    }

    /// <summary>Solves A X = B given the Cholesky factor of A.</summary>
    /// <param name="b">Right-hand sides, shape [..., n, k].</param>
    /// <param name="factor">The Cholesky factor of A, shape [..., n, n].</param>
    /// <param name="upper">Whether the factor is upper triangular.</param>
    /// <returns>X, shape [..., n, k].</returns>
    public static Tensor CholeskySolve(Tensor b, Tensor factor, bool upper = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(factor);
        return Tensor.Wrap(NativeMethods.hg_linalg_cholesky_solve(b.Handle, factor.Handle, upper ? 1 : 0, out nint r), r);
    }

    /// <summary>Solves a triangular system A X = B (or X A = B).</summary>
    /// <param name="a">The triangular matrix, shape [..., n, n].</param>
    /// <param name="b">Right-hand sides.</param>
    /// <param name="upper">Whether A is upper triangular.</param>
    /// <param name="left">Solve A X = B (true) or X A = B (false).</param>
    /// <param name="unitTriangular">Assume ones on the diagonal.</param>
    /// <returns>X.</returns>
    public static Tensor SolveTriangular(Tensor a, Tensor b, bool upper, bool left = true, bool unitTriangular = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.Wrap(NativeMethods.hg_linalg_solve_triangular(a.Handle, b.Handle, upper ? 1 : 0, left ? 1 : 0, unitTriangular ? 1 : 0, out nint r), r);
    }

    /// <summary>Solves a square system A X = B.</summary>
    /// <param name="a">Shape [..., n, n].</param>
    /// <param name="b">Shape [..., n, k] or [..., n].</param>
    /// <returns>X.</returns>
    public static Tensor Solve(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.Wrap(NativeMethods.hg_linalg_solve(a.Handle, b.Handle, out nint r), r);
    }

    /// <summary>The inverse of a square matrix.</summary>
    /// <param name="a">Shape [..., n, n].</param>
    /// <returns>The inverse.</returns>
    public static Tensor Inverse(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(NativeMethods.hg_linalg_inv(a.Handle, out nint r), r);
    }

    /// <summary>The log-determinant of a square matrix (NaN if the determinant is negative).</summary>
    /// <param name="a">Shape [..., n, n].</param>
    /// <returns>The log-determinant.</returns>
    public static Tensor LogDet(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return Tensor.Wrap(NativeMethods.hg_linalg_logdet(a.Handle, out nint r), r);
    }

    /// <summary>The eigen-decomposition of a symmetric matrix.</summary>
    /// <param name="a">Shape [..., n, n], symmetric (the lower triangle is read).</param>
    /// <returns>Eigenvalues ascending, shape [..., n]; eigenvectors as columns, shape [..., n, n].</returns>
    public static (Tensor Values, Tensor Vectors) Eigh(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        NativeMethods.Check(NativeMethods.hg_linalg_eigh(a.Handle, out nint values, out nint vectors));
        return (new Tensor(values), new Tensor(vectors));
    }
}
