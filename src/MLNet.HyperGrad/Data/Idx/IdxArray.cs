namespace MLNet.HyperGrad.Data.Idx;

/// <summary>An n-dimensional array of unsigned bytes read from an IDX file (the MNIST format).</summary>
/// <remarks>Instances are immutable: <see cref="Shape"/> returns a copy and <see cref="Data"/> is read-only.</remarks>
public sealed class IdxArray
{
    private readonly long[] shape;
    private readonly byte[] data;

    /// <summary>Creates an array, taking ownership of both arrays (callers in this assembly do not keep them).</summary>
    internal IdxArray(long[] shape, byte[] data)
    {
        this.shape = shape;
        this.data = data;
    }

    /// <summary>Gets a copy of the size of every dimension, outermost first (e.g. [60000, 28, 28]).</summary>
    public long[] Shape => (long[])shape.Clone();

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>Gets the number of elements, the product of <see cref="Shape"/>.</summary>
    public int Length => data.Length;

    /// <summary>Gets the elements in row-major order (the last dimension varies fastest).</summary>
    public ReadOnlySpan<byte> Data => data;
}
