using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_log_softmax(TensorHandle a, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_tensor_softmax(TensorHandle a, long dim, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_nn_cross_entropy(TensorHandle logits, TensorHandle target, int reduction, double labelSmoothing, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_nn_nll_loss(TensorHandle logProbabilities, TensorHandle target, int reduction, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_nn_mse_loss(TensorHandle input, TensorHandle target, int reduction, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_nn_linear(TensorHandle input, TensorHandle weight, nint bias, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_optim_sgd_momentum_(nint* parameters, nint* gradients, nint* buffers, long count, double learningRate, double momentum, double weightDecay);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_cholesky(TensorHandle a, int upper, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_cholesky_solve(TensorHandle b, TensorHandle factor, int upper, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_solve_triangular(TensorHandle a, TensorHandle b, int upper, int left, int unitriangular, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_solve(TensorHandle a, TensorHandle b, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_inv(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_logdet(TensorHandle a, out nint result);

    [LibraryImport(LibraryName)]
    internal static partial int hg_linalg_eigh(TensorHandle a, out nint values, out nint vectors);

    [LibraryImport(LibraryName)]
    internal static partial int hg_autograd_grad(nint* outputs, long outputCount, nint* inputs, long inputCount, nint* gradOutputs, int retainGraph, int createGraph, int allowUnused, nint* results);

    [LibraryImport(LibraryName)]
    internal static partial int hg_autograd_backward(TensorHandle output, nint gradOutput, int retainGraph, int createGraph);
}
