using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_neg(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_exp(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_log(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_log1p(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_expm1(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sqrt(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_rsqrt(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_abs(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sign(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_square(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_reciprocal(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sin(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_cos(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_floor(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ceil(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_round(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_erf(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_relu(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_tanh(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sigmoid(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_logical_not(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_isnan(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_isfinite(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sum_all(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mean_all(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_max_all(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_min_all(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_prod_all(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mul(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_div(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_pow(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_maximum(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_minimum(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_floor_divide(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_remainder(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_eq(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ne(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_lt(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_le(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_gt(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ge(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_logical_and(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_logical_or(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_matmul(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mm(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_outer(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_add_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sub_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_rsub_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mul_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_div_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_rdiv_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_pow_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_rpow_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_floor_divide_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_remainder_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_eq_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ne_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_lt_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_le_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_gt_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_ge_scalar(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_clamp_min(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_clamp_max(TensorHandle a, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_copy_(TensorHandle a, TensorHandle b);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mul_(TensorHandle a, TensorHandle b);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_div_(TensorHandle a, TensorHandle b);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_add_scalar_(TensorHandle a, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mul_scalar_(TensorHandle a, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_fill_(TensorHandle a, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_clamp_min_(TensorHandle a, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sum_dims(TensorHandle a, long* dims, long ndims, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_mean_dims(TensorHandle a, long* dims, long ndims, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_logsumexp(TensorHandle a, long* dims, long ndims, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_amax(TensorHandle a, long* dims, long ndims, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_amin(TensorHandle a, long* dims, long ndims, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_add(TensorHandle a, TensorHandle b, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_sub(TensorHandle a, TensorHandle b, double sd, long si, int sk, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_where(TensorHandle condition, TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_addmm(TensorHandle bias, TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_softplus(TensorHandle a, double beta, double threshold, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_add_(TensorHandle a, TensorHandle b, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_addcdiv_(TensorHandle a, TensorHandle t1, TensorHandle t2, double sd, long si, int sk);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_zero_(TensorHandle a);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_var_dims(TensorHandle a, long* dims, long ndims, int unbiased, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_argmax(TensorHandle a, long dim, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_argmin(TensorHandle a, long dim, int keepdim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_cumsum(TensorHandle a, long dim, out nint result);
}
