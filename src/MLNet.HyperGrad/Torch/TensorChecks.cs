using static TorchSharp.torch;

namespace MLNet.HyperGrad.Torch;

/// <summary>The pieces of argument checks and their messages shared by every C# check that runs before TorchSharp sees a tensor.</summary>
internal static class TensorChecks
{
    /// <summary>A shape as messages write it: <c>[128, 784]</c>.</summary>
    internal static string Shape(Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";

    /// <summary>Whether two tensors live on the same device (type and index).</summary>
    internal static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;
}
