using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise negation.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Neg() => Wrap(NativeMethods.hg_tensor_neg(Handle, out nint r), r);

    /// <summary>Elementwise exponential.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Exp() => Wrap(NativeMethods.hg_tensor_exp(Handle, out nint r), r);

    /// <summary>Elementwise natural logarithm.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Log() => Wrap(NativeMethods.hg_tensor_log(Handle, out nint r), r);

    /// <summary>Elementwise log(1 + x), accurate near zero.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Log1p() => Wrap(NativeMethods.hg_tensor_log1p(Handle, out nint r), r);

    /// <summary>Elementwise exp(x) - 1, accurate near zero.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Expm1() => Wrap(NativeMethods.hg_tensor_expm1(Handle, out nint r), r);

    /// <summary>Elementwise square root.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Sqrt() => Wrap(NativeMethods.hg_tensor_sqrt(Handle, out nint r), r);

    /// <summary>Elementwise reciprocal square root.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Rsqrt() => Wrap(NativeMethods.hg_tensor_rsqrt(Handle, out nint r), r);

    /// <summary>Elementwise absolute value.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Abs() => Wrap(NativeMethods.hg_tensor_abs(Handle, out nint r), r);

    /// <summary>Elementwise sign (-1, 0 or 1).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Sign() => Wrap(NativeMethods.hg_tensor_sign(Handle, out nint r), r);

    /// <summary>Elementwise square.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Square() => Wrap(NativeMethods.hg_tensor_square(Handle, out nint r), r);

    /// <summary>Elementwise 1 / x.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Reciprocal() => Wrap(NativeMethods.hg_tensor_reciprocal(Handle, out nint r), r);

    /// <summary>Elementwise sine.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Sin() => Wrap(NativeMethods.hg_tensor_sin(Handle, out nint r), r);

    /// <summary>Elementwise cosine.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Cos() => Wrap(NativeMethods.hg_tensor_cos(Handle, out nint r), r);

    /// <summary>Elementwise floor.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Floor() => Wrap(NativeMethods.hg_tensor_floor(Handle, out nint r), r);

    /// <summary>Elementwise ceiling.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Ceil() => Wrap(NativeMethods.hg_tensor_ceil(Handle, out nint r), r);

    /// <summary>Elementwise rounding, half to even.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Round() => Wrap(NativeMethods.hg_tensor_round(Handle, out nint r), r);

    /// <summary>Elementwise error function.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Erf() => Wrap(NativeMethods.hg_tensor_erf(Handle, out nint r), r);

    /// <summary>Elementwise max(x, 0).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Relu() => Wrap(NativeMethods.hg_tensor_relu(Handle, out nint r), r);

    /// <summary>Elementwise hyperbolic tangent.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Tanh() => Wrap(NativeMethods.hg_tensor_tanh(Handle, out nint r), r);

    /// <summary>Elementwise logistic function.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Sigmoid() => Wrap(NativeMethods.hg_tensor_sigmoid(Handle, out nint r), r);

    /// <summary>Elementwise logical negation (a bool tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor LogicalNot() => Wrap(NativeMethods.hg_tensor_logical_not(Handle, out nint r), r);

    /// <summary>Elementwise test for NaN (a bool tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor IsNaN() => Wrap(NativeMethods.hg_tensor_isnan(Handle, out nint r), r);

    /// <summary>Elementwise test for finite values (a bool tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor IsFinite() => Wrap(NativeMethods.hg_tensor_isfinite(Handle, out nint r), r);

    /// <summary>The sum of all elements (a zero-dimensional tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Sum() => Wrap(NativeMethods.hg_tensor_sum_all(Handle, out nint r), r);

    /// <summary>The mean of all elements (a zero-dimensional tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Mean() => Wrap(NativeMethods.hg_tensor_mean_all(Handle, out nint r), r);

    /// <summary>The largest element (a zero-dimensional tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Max() => Wrap(NativeMethods.hg_tensor_max_all(Handle, out nint r), r);

    /// <summary>The smallest element (a zero-dimensional tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Min() => Wrap(NativeMethods.hg_tensor_min_all(Handle, out nint r), r);

    /// <summary>The product of all elements (a zero-dimensional tensor).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Prod() => Wrap(NativeMethods.hg_tensor_prod_all(Handle, out nint r), r);

    /// <summary>Elementwise product.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Mul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_mul(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise true division.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Div(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_div(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise power.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Pow(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_pow(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise maximum.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Maximum(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_maximum(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise minimum.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Minimum(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_minimum(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise division rounded toward negative infinity (exact on int64).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor FloorDivide(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_floor_divide(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise remainder with the divisor's sign (Python's %).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Remainder(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_remainder(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise equality (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Eq(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_eq(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise inequality (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Ne(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_ne(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise less-than (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Lt(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_lt(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise less-or-equal (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Le(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_le(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise greater-than (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Gt(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_gt(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise greater-or-equal (a bool tensor).</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Ge(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_ge(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise logical and.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor LogicalAnd(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_logical_and(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Elementwise logical or.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor LogicalOr(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_logical_or(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Matrix product with NumPy's rules for vectors and batches.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_matmul(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Product of two matrices, [n, k] by [k, m].</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Mm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_mm(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Outer product of two vectors.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Outer(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(NativeMethods.hg_tensor_outer(Handle, other.Handle, out nint r), r);
    }

    /// <summary>Adds a number to every element.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Add(Scalar value) => Wrap(NativeMethods.hg_tensor_add_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Subtracts a number from every element.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Sub(Scalar value) => Wrap(NativeMethods.hg_tensor_sub_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Subtracts every element from a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor RSub(Scalar value) => Wrap(NativeMethods.hg_tensor_rsub_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Multiplies every element by a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Mul(Scalar value) => Wrap(NativeMethods.hg_tensor_mul_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Divides every element by a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Div(Scalar value) => Wrap(NativeMethods.hg_tensor_div_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Divides a number by every element.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor RDiv(Scalar value) => Wrap(NativeMethods.hg_tensor_rdiv_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Raises every element to a power.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Pow(Scalar value) => Wrap(NativeMethods.hg_tensor_pow_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Raises a number to the power of every element.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor RPow(Scalar value) => Wrap(NativeMethods.hg_tensor_rpow_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Divides by a number, rounding toward negative infinity (exact on int64).</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor FloorDivide(Scalar value) => Wrap(NativeMethods.hg_tensor_floor_divide_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Remainder of division by a number, with the divisor's sign.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Remainder(Scalar value) => Wrap(NativeMethods.hg_tensor_remainder_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise equality with a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Eq(Scalar value) => Wrap(NativeMethods.hg_tensor_eq_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise inequality with a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Ne(Scalar value) => Wrap(NativeMethods.hg_tensor_ne_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise less-than a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Lt(Scalar value) => Wrap(NativeMethods.hg_tensor_lt_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise less-or-equal to a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Le(Scalar value) => Wrap(NativeMethods.hg_tensor_le_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise greater-than a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Gt(Scalar value) => Wrap(NativeMethods.hg_tensor_gt_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise greater-or-equal to a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Ge(Scalar value) => Wrap(NativeMethods.hg_tensor_ge_scalar(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise max(x, value).</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor ClampMin(Scalar value) => Wrap(NativeMethods.hg_tensor_clamp_min(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise min(x, value).</summary>
    /// <param name="value">The number.</param>
    /// <returns>A new tensor.</returns>
    public Tensor ClampMax(Scalar value) => Wrap(NativeMethods.hg_tensor_clamp_max(Handle, value.FloatingValue, value.IntegralValue, value.Kind, out nint r), r);

    /// <summary>Elementwise sum, <c>this + alpha * other</c>.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <param name="alpha">The multiplier of <paramref name="other"/>; 1 by default.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Add(Tensor other, Scalar? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        Scalar a = alpha ?? 1;
        return Wrap(NativeMethods.hg_tensor_add(Handle, other.Handle, a.FloatingValue, a.IntegralValue, a.Kind, out nint r), r);
    }

    /// <summary>Elementwise difference, <c>this - alpha * other</c>.</summary>
    /// <param name="other">The other operand; shapes broadcast.</param>
    /// <param name="alpha">The multiplier of <paramref name="other"/>; 1 by default.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Sub(Tensor other, Scalar? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        Scalar a = alpha ?? 1;
        return Wrap(NativeMethods.hg_tensor_sub(Handle, other.Handle, a.FloatingValue, a.IntegralValue, a.Kind, out nint r), r);
    }

    /// <summary>Chooses elementwise between two tensors.</summary>
    /// <param name="condition">A bool tensor; where true, take <paramref name="whenTrue"/>.</param>
    /// <param name="whenTrue">Values where the condition holds.</param>
    /// <param name="whenFalse">Values elsewhere.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(whenTrue);
        ArgumentNullException.ThrowIfNull(whenFalse);
        return Wrap(NativeMethods.hg_tensor_where(condition.Handle, whenTrue.Handle, whenFalse.Handle, out nint r), r);
    }

    /// <summary>Softplus, <c>log(1 + exp(beta x)) / beta</c>, linear above the threshold.</summary>
    /// <param name="beta">The sharpness; 1 by default.</param>
    /// <param name="threshold">Above <c>beta x</c> = threshold the function is the identity; 20 by default.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Softplus(double beta = 1, double threshold = 20) =>
        Wrap(NativeMethods.hg_tensor_softplus(Handle, beta, threshold, out nint r), r);

    /// <summary>Clamps every element into [min, max].</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Clamp(Scalar min, Scalar max)
    {
        using Tensor low = ClampMin(min);
        return low.ClampMax(max);
    }

    /// <summary>Sums over some dimensions.</summary>
    /// <param name="dimensions">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Sum(long[] dimensions, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_sum_dims(Handle, d, dimensions.Length, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>Averages over some dimensions.</summary>
    /// <param name="dimensions">The dimensions to reduce; negative counts from the end.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Mean(long[] dimensions, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_mean_dims(Handle, d, dimensions.Length, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>The log of the sum of exponentials over some dimensions, computed stably.</summary>
    /// <param name="dimensions">The dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor LogSumExp(long[] dimensions, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_logsumexp(Handle, d, dimensions.Length, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>The maximum over some dimensions.</summary>
    /// <param name="dimensions">The dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Amax(long[] dimensions, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_amax(Handle, d, dimensions.Length, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>The minimum over some dimensions.</summary>
    /// <param name="dimensions">The dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Amin(long[] dimensions, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_amin(Handle, d, dimensions.Length, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>The variance over some dimensions.</summary>
    /// <param name="dimensions">The dimensions to reduce.</param>
    /// <param name="unbiased">Divide by n - 1 rather than n.</param>
    /// <param name="keepDim">Keep reduced dimensions with size 1.</param>
    /// <returns>A new tensor.</returns>
    public unsafe Tensor Var(long[] dimensions, bool unbiased = true, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        fixed (long* d = dimensions)
        {
            return Wrap(NativeMethods.hg_tensor_var_dims(Handle, d, dimensions.Length, unbiased ? 1 : 0, keepDim ? 1 : 0, out nint r), r);
        }
    }

    /// <summary>The index of the largest element along a dimension.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="keepDim">Keep the dimension with size 1.</param>
    /// <returns>An int64 tensor.</returns>
    public Tensor ArgMax(long dimension, bool keepDim = false) =>
        Wrap(NativeMethods.hg_tensor_argmax(Handle, dimension, keepDim ? 1 : 0, out nint r), r);

    /// <summary>The index of the smallest element along a dimension.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <param name="keepDim">Keep the dimension with size 1.</param>
    /// <returns>An int64 tensor.</returns>
    public Tensor ArgMin(long dimension, bool keepDim = false) =>
        Wrap(NativeMethods.hg_tensor_argmin(Handle, dimension, keepDim ? 1 : 0, out nint r), r);

    /// <summary>Cumulative sum along a dimension.</summary>
    /// <param name="dimension">The dimension.</param>
    /// <returns>A new tensor.</returns>
    public Tensor CumSum(long dimension) => Wrap(NativeMethods.hg_tensor_cumsum(Handle, dimension, out nint r), r);

    /// <summary>In place: <c>this += alpha * other</c>.</summary>
    /// <param name="other">The other operand; shapes broadcast to this tensor's.</param>
    /// <param name="alpha">The multiplier; 1 by default.</param>
    /// <returns>This tensor.</returns>
    public Tensor Add_(Tensor other, Scalar? alpha = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        Scalar a = alpha ?? 1;
        NativeMethods.Check(NativeMethods.hg_tensor_add_(Handle, other.Handle, a.FloatingValue, a.IntegralValue, a.Kind));
        return this;
    }

    /// <summary>In place: <c>this += value</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>This tensor.</returns>
    public Tensor Add_(Scalar value)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_add_scalar_(Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }

    /// <summary>In place: <c>this *= other</c>.</summary>
    /// <param name="other">The other operand.</param>
    /// <returns>This tensor.</returns>
    public Tensor Mul_(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.Check(NativeMethods.hg_tensor_mul_(Handle, other.Handle));
        return this;
    }

    /// <summary>In place: <c>this *= value</c>.</summary>
    /// <param name="value">The number.</param>
    /// <returns>This tensor.</returns>
    public Tensor Mul_(Scalar value)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_mul_scalar_(Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }

    /// <summary>In place: <c>this /= other</c>.</summary>
    /// <param name="other">The other operand.</param>
    /// <returns>This tensor.</returns>
    public Tensor Div_(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NativeMethods.Check(NativeMethods.hg_tensor_div_(Handle, other.Handle));
        return this;
    }

    /// <summary>In place: <c>this += value * t1 * t2</c>.</summary>
    /// <param name="t1">The first factor.</param>
    /// <param name="t2">The second factor.</param>
    /// <param name="value">The multiplier.</param>
    /// <returns>This tensor.</returns>
    public Tensor AddCMul_(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        NativeMethods.Check(NativeMethods.hg_tensor_addcmul_(Handle, t1.Handle, t2.Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }

    /// <summary>In place: <c>this += value * t1 / t2</c>.</summary>
    /// <param name="t1">The numerator.</param>
    /// <param name="t2">The denominator.</param>
    /// <param name="value">The multiplier.</param>
    /// <returns>This tensor.</returns>
    public Tensor AddCDiv_(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        NativeMethods.Check(NativeMethods.hg_tensor_addcdiv_(Handle, t1.Handle, t2.Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }

    /// <summary>In place: copies another tensor's values into this one (broadcasting, converting).</summary>
    /// <param name="source">The values.</param>
    /// <returns>This tensor.</returns>
    public Tensor Copy_(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        NativeMethods.Check(NativeMethods.hg_tensor_copy_(Handle, source.Handle));
        return this;
    }

    /// <summary>In place: sets every element to zero.</summary>
    /// <returns>This tensor.</returns>
    public Tensor Zero_()
    {
        NativeMethods.Check(NativeMethods.hg_tensor_zero_(Handle));
        return this;
    }

    /// <summary>In place: sets every element to a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>This tensor.</returns>
    public Tensor Fill_(Scalar value)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_fill_(Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }

    /// <summary>In place: raises every element below a value to it.</summary>
    /// <param name="value">The lower bound.</param>
    /// <returns>This tensor.</returns>
    public Tensor ClampMin_(Scalar value)
    {
        NativeMethods.Check(NativeMethods.hg_tensor_clamp_min_(Handle, value.FloatingValue, value.IntegralValue, value.Kind));
        return this;
    }
}
