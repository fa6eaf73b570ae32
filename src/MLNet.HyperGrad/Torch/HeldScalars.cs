using TorchSharp;

namespace MLNet.HyperGrad.Torch;

/// <summary>
/// Tensor arithmetic with .NET numbers whose TorchSharp <see cref="Scalar"/>s stay reachable until the native op returns
/// and are then released deterministically.
/// </summary>
/// <remarks>
/// The trap (TorchSharp 0.107): a <see cref="Scalar"/> is a finalizable wrapper of a native <c>c10::Scalar*</c> with no
/// <c>SafeHandle</c> and no <c>GC.KeepAlive</c> in the ops that take it. <c>t + 1.0</c>, <c>t * 2.0</c>,
/// <c>t.clamp_min(1e-9)</c> and even <c>a + b</c> on two tensors (TorchSharp's <c>add(Tensor)</c> is
/// <c>add(target, 1)</c>, an implicit <c>int</c> → <see cref="Scalar"/> alpha) create a temporary <see cref="Scalar"/>,
/// read its handle and call into libtorch. From that read on the JIT may treat the temporary as dead; a thread inside a
/// P/Invoke does not stop a collection, so another thread's garbage collection can find it unreachable and the finalizer
/// thread can free the native scalar while libtorch still reads it: the process dies with
/// <c>Expected false to be true ... Exception raised from toDouble at c10/core/Scalar.h</c> (or reads a wrong number).
/// Here every scalar is either a static root (the alpha 1) or created explicitly and disposed after the op (a
/// <c>using</c> local is reachable until its <c>Dispose</c>). <c>bench scalar-stress</c> reproduces the crash on the plain
/// operators and shows these helpers survive it (bench/RESULTS.md, "Transfer (issue 11) ... H35").
/// <para>Tensor − tensor, tensor · tensor and tensor / tensor take no scalar and are safe as operators. TorchSharp methods that
/// create a temporary themselves are traps too: <c>square()</c> (<c>pow(2)</c>), <c>add(Tensor)</c> and <c>add_(Tensor)</c>
/// (alpha 1), <c>softplus(double, double)</c>, <c>addcdiv(a, b)</c> (value 1), <c>elu</c>, <c>linalg.vector_norm(ord)</c>;
/// use <see cref="Square"/>, <see cref="Plus(torch.Tensor, torch.Tensor)"/>, <see cref="Softplus"/> and the like instead.</para>
/// </remarks>
internal static class HeldScalars
{
    /// <summary>The integer 1 passed as the alpha of every add: a static root, so never finalized (c10 scalars are immutable, so sharing it across threads is safe).</summary>
    private static readonly Scalar AlphaOne = 1.ToScalar();

    /// <summary>Counts, per thread, the scalars these helpers created and disposed (for tests: every one created is disposed when its op returns).</summary>
    [ThreadStatic]
    private static long created;

    [ThreadStatic]
    private static long disposed;

    /// <summary>Gets the number of scalars these helpers created on the calling thread so far.</summary>
    internal static long Created => created;

    /// <summary>Gets the number of those scalars disposed on the calling thread so far.</summary>
    internal static long Disposed => disposed;

    /// <summary><c>left + right</c> (same as the operator, with the alpha held).</summary>
    internal static torch.Tensor Plus(this torch.Tensor left, torch.Tensor right) => left.add(right, AlphaOne);

    /// <summary><c>left + right</c>.</summary>
    internal static torch.Tensor Plus(this torch.Tensor left, double right)
    {
        using var held = new Held(right);
        return left.add(held.Scalar, AlphaOne);
    }

    /// <summary><c>left − right</c>.</summary>
    internal static torch.Tensor Minus(this torch.Tensor left, double right)
    {
        using var held = new Held(right);
        return left.sub(held.Scalar);
    }

    /// <summary><c>left · right</c>.</summary>
    internal static torch.Tensor Times(this torch.Tensor left, double right)
    {
        using var held = new Held(right);
        return left.mul(held.Scalar);
    }

    /// <summary><c>left / right</c>.</summary>
    internal static torch.Tensor Over(this torch.Tensor left, double right)
    {
        using var held = new Held(right);
        return left.div(held.Scalar);
    }

    /// <summary><c>left − right</c> for a number on the left.</summary>
    internal static torch.Tensor Subtract(double left, torch.Tensor right)
    {
        using var held = new Held(left);
        using torch.Tensor negated = right.neg();
        return negated.add(held.Scalar, AlphaOne);
    }

    /// <summary><c>left / right</c> for a number on the left.</summary>
    internal static torch.Tensor Divide(double left, torch.Tensor right)
    {
        using var held = new Held(left);
        using torch.Tensor reciprocal = right.reciprocal();
        return reciprocal.mul(held.Scalar);
    }

    /// <summary><c>max(tensor, min)</c> element-wise.</summary>
    internal static torch.Tensor ClampMinimum(this torch.Tensor tensor, double min)
    {
        using var held = new Held(min);
        return tensor.clamp_min(held.Scalar);
    }

    /// <summary><c>min(tensor, max)</c> element-wise.</summary>
    internal static torch.Tensor ClampMaximum(this torch.Tensor tensor, double max)
    {
        using var held = new Held(max);
        return tensor.clamp_max(held.Scalar);
    }

    /// <summary><c>min(max(tensor, min), max)</c> element-wise.</summary>
    internal static torch.Tensor ClampBetween(this torch.Tensor tensor, double min, double max)
    {
        using var low = new Held(min);
        using var high = new Held(max);
        return tensor.clamp(low.Scalar, high.Scalar);
    }

    /// <summary><c>tensor^exponent</c> element-wise.</summary>
    internal static torch.Tensor Power(this torch.Tensor tensor, double exponent)
    {
        using var held = new Held(exponent);
        return tensor.pow(held.Scalar);
    }

    /// <summary><c>tensor^exponent</c> element-wise for an integer exponent (an integer scalar, as TorchSharp's implicit conversion of an <c>int</c> gives).</summary>
    internal static torch.Tensor Power(this torch.Tensor tensor, long exponent)
    {
        using var held = new Held(exponent);
        return tensor.pow(held.Scalar);
    }

    /// <summary><c>tensor²</c> element-wise: what TorchSharp's <c>square()</c> computes (<c>pow(2)</c>), with the 2 held (its own <c>square()</c> creates a temporary).</summary>
    internal static torch.Tensor Square(this torch.Tensor tensor) => tensor.Power(2L);

    /// <summary>
    /// libtorch's own softplus kernel, called with held scalars. TorchSharp 0.107's public <c>softplus(double, double)</c> converts β
    /// and the threshold to temporary <see cref="Scalar"/>s inside TorchSharp, where no caller can hold them; it calls the private
    /// <c>softplus1(Scalar, Scalar)</c>, found here by reflection. Null if a TorchSharp version lacks it: then <see cref="Softplus"/>
    /// composes the function from other ops (a test checks that the kernel is found, because the composition rounds differently in
    /// the last bit, so meta-training would no longer reproduce the shipped learned tuner's network).
    /// </summary>
    internal static readonly Func<torch.Tensor, Scalar, Scalar, torch.Tensor>? SoftplusKernel = typeof(torch.Tensor)
        .GetMethod("softplus1", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, [typeof(Scalar), typeof(Scalar)])
        ?.CreateDelegate<Func<torch.Tensor, Scalar, Scalar, torch.Tensor>>();

    /// <summary>
    /// <c>softplus(x) = log(1 + eˣ)</c>, and <c>x</c> itself above 20 (libtorch's <c>softplus</c> with β = 1 and threshold 20), by
    /// libtorch's kernel with β and the threshold held (<see cref="SoftplusKernel"/>); without the kernel, composed from other ops
    /// (the exponential's input is clamped at 20, so the unused branch stays finite and its zero-weighted gradient is not NaN).
    /// </summary>
    internal static torch.Tensor Softplus(torch.Tensor x)
    {
        if (SoftplusKernel is not null)
        {
            using var beta = new Held(1.0);
            using var threshold = new Held(20.0);
            return SoftplusKernel(x, beta.Scalar, threshold.Scalar);
        }

        using var scope = torch.NewDisposeScope();
        return torch.where(x.IsGreaterThan(20.0), x, x.ClampMaximum(20.0).exp().log1p()).MoveToOuterDisposeScope();
    }

    /// <summary><c>tensor *= value</c> in place; returns <paramref name="tensor"/>.</summary>
    internal static torch.Tensor TimesInPlace(this torch.Tensor tensor, double value)
    {
        using var held = new Held(value);
        return tensor.mul_(held.Scalar);
    }

    /// <summary><c>tensor += other</c> in place (the alpha held); returns <paramref name="tensor"/>.</summary>
    internal static torch.Tensor PlusInPlace(this torch.Tensor tensor, torch.Tensor other) => tensor.add_(other, AlphaOne);

    /// <summary><c>tensor += alpha·other</c> in place; returns <paramref name="tensor"/>.</summary>
    internal static torch.Tensor PlusScaledInPlace(this torch.Tensor tensor, torch.Tensor other, double alpha)
    {
        using var held = new Held(alpha);
        return tensor.add_(other, held.Scalar);
    }

    /// <summary><c>tensor + alpha·other</c>.</summary>
    internal static torch.Tensor PlusScaled(this torch.Tensor tensor, torch.Tensor other, double alpha)
    {
        using var held = new Held(alpha);
        return tensor.add(other, held.Scalar);
    }

    /// <summary><c>tensor += value</c> in place; returns <paramref name="tensor"/>.</summary>
    internal static torch.Tensor PlusInPlace(this torch.Tensor tensor, double value)
    {
        using var held = new Held(value);
        return tensor.add_(held.Scalar, AlphaOne);
    }

    /// <summary><c>tensor &gt; value</c> element-wise (a bool tensor).</summary>
    internal static torch.Tensor IsGreaterThan(this torch.Tensor tensor, double value)
    {
        using var held = new Held(value);
        return tensor.gt(held.Scalar);
    }

    /// <summary><c>tensor ≥ value</c> element-wise (a bool tensor).</summary>
    internal static torch.Tensor IsAtLeast(this torch.Tensor tensor, double value)
    {
        using var held = new Held(value);
        return tensor.ge(held.Scalar);
    }

    /// <summary><c>tensor &lt; value</c> element-wise (a bool tensor).</summary>
    internal static torch.Tensor IsLessThan(this torch.Tensor tensor, double value)
    {
        using var held = new Held(value);
        return tensor.lt(held.Scalar);
    }

    /// <summary>Runs an op that takes a scalar not covered above (e.g. <c>masked_fill</c>, <c>torch.full</c>) with <paramref name="value"/> held until it returns.</summary>
    internal static T With<T>(double value, Func<Scalar, T> op)
    {
        using var held = new Held(value);
        return op(held.Scalar);
    }

    /// <summary>One explicitly created scalar, reachable until disposed.</summary>
    private readonly struct Held : IDisposable
    {
        public Held(double value)
        {
            Scalar = value.ToScalar();
            created++;
        }

        public Held(long value)
        {
            Scalar = value.ToScalar();
            created++;
        }

        public Scalar Scalar { get; }

        public void Dispose()
        {
            Scalar.Dispose();
            disposed++;
        }
    }
}
