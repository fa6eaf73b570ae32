using System.Reflection;
using System.Text;

namespace MLNet.HyperGrad.Tests.Torch;

/// <summary>The copies of TorchSharp's libLibTorchSharp.so: the NuGet cache's original and the build output's (patched) one.</summary>
internal static class LibTorchSharpFiles
{
    public const string Provider = "libstdc++.so.6";
    public const string SafeVersion = "GLIBCXX_3.4.32";
    public const string SystemLibStdCxx = "/lib/x86_64-linux-gnu/libstdc++.so.6";

    private static readonly Lazy<byte[]> OriginalBytes = new(() => File.ReadAllBytes(OriginalPath));

    /// <summary>Gets the unpatched file in the NuGet cache (the test assembly records the cache's root).</summary>
    public static string OriginalPath
    {
        get
        {
            string root = typeof(LibTorchSharpFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NuGetPackageRoot").Value!;
            return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    /// <summary>Gets the copy in the test output, which the build step patched if this machine needs it.</summary>
    public static string OutputPath => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>A fresh copy of the original bytes (Patch modifies its argument).</summary>
    public static byte[] Original() => (byte[])OriginalBytes.Value.Clone();

    /// <summary>A stand-in for a libstdc++: its bytes hold each version name between NUL bytes, as a dynamic string table does.</summary>
    public static byte[] ProviderDefining(IEnumerable<string> versions) =>
        Encoding.ASCII.GetBytes("\0" + string.Join("\0", versions) + "\0");
}
