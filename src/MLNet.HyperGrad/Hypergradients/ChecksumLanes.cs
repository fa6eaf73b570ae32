using System.Runtime.CompilerServices;

namespace MLNet.HyperGrad.Hypergradients;

/// <summary>
/// The running state of <see cref="FixedPointSgd"/>'s checksum of a rounded gradient: <see cref="Width"/> lanes, element i
/// mixed into lane i mod <see cref="Width"/>, so that a vector of that many elements is mixed at once; the value folds the
/// lanes in order (<see cref="FixedPointSgd.ChecksumValue"/>).
/// </summary>
[InlineArray(Width)]
internal struct ChecksumLanes
{
    /// <summary>The number of lanes (the elements of a 512-bit vector of int64).</summary>
    public const int Width = 8;

#pragma warning disable IDE0044, IDE0051 // The inline array's element: read and written through the struct's indexer and spans.
    private ulong element;
#pragma warning restore IDE0044, IDE0051
}
