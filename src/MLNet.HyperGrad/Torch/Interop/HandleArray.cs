namespace MLNet.HyperGrad.Torch.Interop;

/// <summary>Passes a list of tensors to the shim as a pinned array of raw handles.</summary>
internal static unsafe class HandleArray
{
    internal delegate T Call<T>(nint* handles, long count);

    internal static T With<T>(IReadOnlyList<Tensor> tensors, Call<T> call)
    {
        int n = tensors.Count;
        nint[] raw = new nint[n];
        for (int i = 0; i < n; i++)
        {
            Tensor t = tensors[i] ?? throw new ArgumentException($"Tensor {i} of the list is null.", nameof(tensors));
            raw[i] = t.Handle.DangerousGetHandle();
        }

        try
        {
            fixed (nint* p = raw)
            {
                return call(p, n);
            }
        }
        finally
        {
            GC.KeepAlive(tensors);
        }
    }

    /// <summary>Raw handles of a list in which null entries stay zero.</summary>
    internal static nint[] RawOrZero(IReadOnlyList<Tensor?> tensors)
    {
        nint[] raw = new nint[tensors.Count];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = tensors[i]?.Handle.DangerousGetHandle() ?? 0;
        }

        return raw;
    }
}
