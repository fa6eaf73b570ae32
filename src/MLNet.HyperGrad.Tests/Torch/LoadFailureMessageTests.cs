using MLNet.HyperGrad.Torch;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary><see cref="TorchRuntime.DescribeLoadFailure"/> turns the dynamic loader's words into what to do.</summary>
public sealed class LoadFailureMessageTests
{
    private const string Library = "/app/runtimes/linux-x64/native/libLibTorchSharp.so";

    [Fact]
    public void DescribeLoadFailure_MissingGlibcxx3432_NamesLibraryVersionAndTheFix()
    {
        string loader = $"{Library}: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by {Library})";
        string message = TorchRuntime.DescribeLoadFailure(Library, loader);
        Assert.Contains($"native library {Library} cannot be loaded", message, StringComparison.Ordinal);
        Assert.Contains("requires GLIBCXX_3.4.32 from libstdc++.so.6", message, StringComparison.Ordinal);
        Assert.Contains("rebuild the application", message, StringComparison.Ordinal);
        Assert.Contains("HyperGradSkipLibTorchSharpPatch", message, StringComparison.Ordinal);
        Assert.Contains("GCC 13", message, StringComparison.Ordinal);
        // A ProjectReference does not bring the package's build/ step: the message says how to import it.
        Assert.Contains("src/MLNet.HyperGrad/build/MLNet.HyperGrad.targets", message, StringComparison.Ordinal);
        Assert.EndsWith("The loader said: " + loader, message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeLoadFailure_OtherMissingVersion_SaysWhichLibraryToInstall()
    {
        string message = TorchRuntime.DescribeLoadFailure(Library, $"version `GLIBC_2.38' not found (required by {Library})");
        Assert.Contains("requires GLIBC_2.38 from the C library", message, StringComparison.Ordinal);
        Assert.Contains("Install a version of the C library that provides GLIBC_2.38.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("HyperGradSkipLibTorchSharpPatch", message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeLoadFailure_MissingFile_SaysToReferenceALibtorchPackage()
    {
        string message = TorchRuntime.DescribeLoadFailure("TorchSharp", "libtorch.so: cannot open shared object file: No such file or directory");
        Assert.Contains("Reference a libtorch package", message, StringComparison.Ordinal);
        Assert.Contains("libtorch-cpu-linux-x64", message, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", message, StringComparison.Ordinal);
    }
}
