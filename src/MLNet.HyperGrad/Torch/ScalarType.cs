namespace MLNet.HyperGrad.Torch;

/// <summary>Element types a tensor can hold. Values match libtorch's <c>c10::ScalarType</c>.</summary>
public enum ScalarType
{
    /// <summary>Unsigned 8-bit integer (IDX pixels).</summary>
    Byte = 0,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 3,

    /// <summary>Signed 64-bit integer: class labels, indices, exact fixed-point arithmetic.</summary>
    Int64 = 4,

    /// <summary>32-bit floating point: the default for training.</summary>
    Float32 = 6,

    /// <summary>64-bit floating point: gradient checks, Gaussian processes, linear algebra.</summary>
    Float64 = 7,

    /// <summary>Boolean (results of comparisons, masks).</summary>
    Bool = 11,
}
