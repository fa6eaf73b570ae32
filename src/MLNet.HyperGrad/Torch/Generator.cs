using MLNet.HyperGrad.Torch.Interop;

namespace MLNet.HyperGrad.Torch;

/// <summary>A seeded random engine (libtorch's CPU generator) for reproducible tensors.</summary>
/// <remarks>
/// Random tensors are always drawn on the CPU from this engine and then moved to their device,
/// so one seed gives the same numbers on a CPU and on a GPU. Not thread-safe: one per worker.
/// </remarks>
public sealed class Generator : IDisposable
{
    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The seed.</param>
    public Generator(ulong seed)
    {
        NativeMethods.Check(NativeMethods.hg_generator_new(seed, out nint raw));
        Handle = new GeneratorHandle(raw);
        Seed = seed;
    }

    /// <summary>Gets the seed the generator was created with or last reset to.</summary>
    public ulong Seed { get; private set; }

    internal GeneratorHandle Handle { get; }

    /// <summary>Restarts the stream from a seed.</summary>
    /// <param name="seed">The seed.</param>
    public void Reset(ulong seed)
    {
        ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
        NativeMethods.Check(NativeMethods.hg_generator_set_seed(Handle, seed));
        Seed = seed;
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();

    /// <summary>The raw handle for a native call, or zero for libtorch's default generator.</summary>
    internal static nint Raw(Generator? generator)
    {
        if (generator is null)
        {
            return 0;
        }

        ObjectDisposedException.ThrowIf(generator.Handle.IsClosed, generator);
        return generator.Handle.DangerousGetHandle();
    }
}
