using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>Sets libtorch's grad mode on this thread and restores the previous mode when disposed.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool previous;
    private readonly int threadId;
    private bool disposed;

    internal GradModeScope(bool enabled)
    {
        previous = Autograd.IsGradEnabled;
        threadId = Environment.CurrentManagedThreadId;
        NativeMethods.Check(NativeMethods.hg_set_grad_enabled(enabled ? 1 : 0));
    }

    /// <summary>Restores the grad mode that held before the scope began.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread than the one it began on (an <c>await</c> inside the scope).</exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (Environment.CurrentManagedThreadId != threadId)
        {
            throw new InvalidOperationException("A grad-mode scope was disposed on another thread than the one it began on; libtorch's grad mode is per thread, so do not await inside Autograd.NoGrad().");
        }

        NativeMethods.Check(NativeMethods.hg_set_grad_enabled(previous ? 1 : 0));
    }
}
