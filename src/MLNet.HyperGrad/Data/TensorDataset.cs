using static TorchSharp.torch;

namespace MLNet.HyperGrad.Data;

/// <summary>A dataset copied into tensors: features and labels on one device.</summary>
/// <remarks>
/// Disposing it frees both tensors; it owns them: they are taken out of any TorchSharp dispose scope,
/// so a scope that ends on the creating thread never frees data a trial runner or trainer still uses.
/// </remarks>
public sealed class TensorDataset : IDisposable
{
    internal TensorDataset(Tensor features, Tensor labels, TaskKind task)
    {
        Features = features.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Task = task;
    }

    /// <summary>Gets the features, float32, shape [n, d].</summary>
    public Tensor Features { get; }

    /// <summary>Gets the labels, shape [n]: int64 class indices for classification, float32 targets for regression.</summary>
    public Tensor Labels { get; }

    /// <summary>Gets what the labels mean.</summary>
    public TaskKind Task { get; }

    /// <summary>Frees both tensors; calling it again does nothing.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
