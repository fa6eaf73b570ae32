namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// Tests that compare <see cref="MLNet.HyperGrad.Torch.TorchRuntime.LiveTensorCount"/> (process-wide) before and
/// after: they never run beside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHandleCountCollection
{
    public const string Name = "Native handle counts";
}
