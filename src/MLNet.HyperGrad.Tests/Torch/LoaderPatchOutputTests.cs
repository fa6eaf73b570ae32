using System.Runtime.InteropServices;
using MLNet.HyperGrad.Build;
using MLNet.HyperGrad.Torch;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>
/// The build step's result in this test project's own output: the libLibTorchSharp.so beside the tests
/// loads on this machine, differs from the NuGet original only where this machine needs it to, and the
/// NuGet cache's copy is never modified.
/// </summary>
public sealed class LoaderPatchOutputTests
{
    [Fact]
    public void OutputLibrary_LoadsAndTorchWorks()
    {
        Assert.True(File.Exists(LibTorchSharpFiles.OutputPath), LibTorchSharpFiles.OutputPath);
        Assert.True(NativeLibrary.TryLoad(LibTorchSharpFiles.OutputPath, out IntPtr handle), "the dynamic loader refused " + LibTorchSharpFiles.OutputPath);
        NativeLibrary.Free(handle);
        TorchRuntime.EnsureLoaded();
        Assert.StartsWith("2.10", TorchRuntime.Version, StringComparison.Ordinal);
        using torch.Tensor sum = torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
    }

    [Fact]
    public void OutputLibrary_DiffersFromTheOriginalOnlyWhereThisMachineNeedsIt()
    {
        byte[] original = LibTorchSharpFiles.Original();
        byte[] output = File.ReadAllBytes(LibTorchSharpFiles.OutputPath);
        byte[] system = File.ReadAllBytes(LibTorchSharpFiles.SystemLibStdCxx);
        if (ElfVersionNeeds.Defines(system, LibTorchSharpFiles.SafeVersion))
        {
            Assert.Equal(original, output);
        }
        else
        {
            ElfVersionNeedsTests.AssertOnlyChange(original, output, LibTorchSharpFiles.SafeVersion);
        }
    }

    [Fact]
    public void NuGetCacheOriginal_IsNeverPatched()
    {
        ElfVersionNeeds.Requirement glibcxx = Assert.Single(
            ElfVersionNeeds.Read(LibTorchSharpFiles.Original(), LibTorchSharpFiles.OriginalPath),
            r => r.Version == LibTorchSharpFiles.SafeVersion);
        Assert.False(glibcxx.IsWeak);
    }
}
