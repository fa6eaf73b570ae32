using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// TorchSharp's dispose scopes belong to the thread that opened them: a tensor made on another thread
/// (an await that resumes elsewhere, a Task.Run) is not captured and would leak. This is why the
/// library never awaits inside a scope (Trainer.Fit is synchronous).
/// </summary>
public sealed class DisposeScopeThreadTests
{
    [Fact]
    public void DisposeScope_TensorCreatedOnAnotherThread_IsNotCapturedAndOutlivesTheScope()
    {
        Tensor mine;
        Tensor? theirs = null;
        using (torch.NewDisposeScope())
        {
            mine = torch.ones(2);
            var other = new Thread(() => theirs = torch.ones(3));
            other.Start();
            other.Join();
        }

        Assert.True(mine.IsInvalid);
        Assert.NotNull(theirs);
        Assert.False(theirs.IsInvalid);
        Assert.Equal(3, theirs.numel());
        theirs.Dispose();
    }

    [Fact]
    public void DisposeScope_OpenedOnAnotherThread_DoesNotCaptureThisThreadsTensors()
    {
        using var opened = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (torch.NewDisposeScope())
            {
                opened.Set();
                release.Wait();
            }
        });
        other.Start();
        opened.Wait();
        Tensor mine = torch.ones(2);
        release.Set();
        other.Join();

        Assert.False(mine.IsInvalid);
        mine.Dispose();
    }
}
