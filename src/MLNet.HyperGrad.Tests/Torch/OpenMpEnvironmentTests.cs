using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary><see cref="OpenMpEnvironment"/> chooses a passive wait policy unless the user set one, and knows when it is too late.</summary>
public sealed class OpenMpEnvironmentTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void WaitPolicyToSet_Unset_Passive(string? current)
        => Assert.Equal(OpenMpEnvironment.PassiveWaitPolicy, OpenMpEnvironment.WaitPolicyToSet(current));

    [Theory]
    [InlineData("ACTIVE")]
    [InlineData("passive")]
    public void WaitPolicyToSet_UserValue_KeepsIt(string current)
        => Assert.Null(OpenMpEnvironment.WaitPolicyToSet(current));

    [Fact]
    public void UsePassiveWaitUnlessSet_AfterLibTorchLoaded_TooLateSoNothingChanges()
    {
        TorchRuntime.EnsureLoaded();
        string? before = OpenMpEnvironment.NativeValue(OpenMpEnvironment.WaitPolicyVariable);

        Assert.True(OpenMpEnvironment.IsOpenMpLoaded);
        Assert.False(OpenMpEnvironment.UsePassiveWaitUnlessSet());
        Assert.Equal(before, OpenMpEnvironment.NativeValue(OpenMpEnvironment.WaitPolicyVariable));
    }

    [Fact]
    public void NativeValue_ReadsTheNativeEnvironment()
        => Assert.Equal(Environment.GetEnvironmentVariable("PATH"), OpenMpEnvironment.NativeValue("PATH"));
}
