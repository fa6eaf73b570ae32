using System.Runtime.InteropServices;
using TorchSharp;

namespace MLNet.HyperGrad.Torch;

/// <summary>Process-wide facts about TorchSharp's libtorch: its version, threads, CUDA, live tensors, and a load check.</summary>
public static class TorchRuntime
{
    private const string NativeLibraryName = "libLibTorchSharp.so";
    private static readonly Lazy<TorchException?> LoadFailure = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the version of the libtorch package TorchSharp was built for (for example 2.10.0).</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    /// <summary>Gets the number of TorchSharp tensors alive in the process (every thread): created and not yet disposed.</summary>
    /// <remarks>
    /// Tests use it to prove that a loop releases every tensor it makes. It is <c>torch.Tensor.TotalCount</c>
    /// less the empty handles <see cref="TorchAutograd"/> received for unused inputs, which TorchSharp counts
    /// but can never release.
    /// </remarks>
    public static long LiveTensorCount => torch.Tensor.TotalCount - TorchAutograd.EmptyResultCount;

    /// <summary>Gets or sets the number of threads libtorch uses inside one operation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            EnsureLoaded();
            torch.set_num_threads(value);
        }
    }

    /// <summary>Gets a value indicating whether a CUDA GPU can be used (a CUDA libtorch package and a GPU).</summary>
    public static bool IsCudaAvailable
    {
        get
        {
            EnsureLoaded();
            return torch.cuda.is_available();
        }
    }

    /// <summary>Checks once per process that TorchSharp's native libraries load, and throws a clear error if they do not.</summary>
    /// <exception cref="TorchException">
    /// The native library cannot be loaded; the message names the library, the missing version or file,
    /// and what to do.
    /// </exception>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw new TorchException(failure.Message, failure);
        }
    }

    /// <summary>Explains a loader message such as "version `GLIBCXX_3.4.32' not found (required by …)".</summary>
    /// <param name="library">The library that failed to load.</param>
    /// <param name="loaderMessage">What the dynamic loader said.</param>
    /// <returns>One message: which library, which version was missing, and what to do.</returns>
    internal static string DescribeLoadFailure(string library, string loaderMessage)
    {
        System.Text.RegularExpressions.Match version = System.Text.RegularExpressions.Regex.Match(loaderMessage, @"version [`']?(?<v>[A-Z]+_[0-9.]+)'? not found");
        if (version.Success)
        {
            string missing = version.Groups["v"].Value;
            string provider = missing.StartsWith("GLIBCXX", StringComparison.Ordinal) || missing.StartsWith("CXXABI", StringComparison.Ordinal) ? "libstdc++.so.6" : "the C library";
            return $"TorchSharp's native library {library} cannot be loaded: it requires {missing} from {provider}, which this machine's {provider} does not provide. " +
                (missing == "GLIBCXX_3.4.32"
                    ? "MLNet.HyperGrad's build step marks that one requirement weak in the build output (the symbol that needs it is never called); rebuild the application that references MLNet.HyperGrad (dotnet build), and do not set HyperGradSkipLibTorchSharpPatch, or install GCC 13's libstdc++ or later. "
                    + "The MLNet.HyperGrad package brings that step; a project that references MLNet.HyperGrad.csproj directly (ProjectReference) gets it only with "
                    + "<Import Project=\"<repository>/src/MLNet.HyperGrad/build/MLNet.HyperGrad.targets\" /> in its project file. "
                    : $"Install a version of {provider} that provides {missing}. ") +
                $"The loader said: {loaderMessage.Trim()}";
        }

        return $"TorchSharp's native library {library} cannot be loaded. Reference a libtorch package beside TorchSharp (libtorch-cpu-linux-x64, or TorchSharp-cuda-linux for a GPU) and rebuild. The loader said: {loaderMessage.Trim()}";
    }

    private static TorchException? Probe()
    {
        if (OperatingSystem.IsLinux() && FindNativeLibrary() is { } path)
        {
            try
            {
                NativeLibrary.Free(NativeLibrary.Load(path));
            }
            catch (DllNotFoundException e)
            {
                return new TorchException(DescribeLoadFailure(path, e.Message), e);
            }
        }

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            Exception inner = e is TypeInitializationException { InnerException: { } cause } ? cause : e;
            string first = inner.Message.Split('\n', 2)[0].Trim();
            return new TorchException(DescribeLoadFailure("TorchSharp", first), e);
        }
    }

    private static string? FindNativeLibrary()
    {
        string baseDirectory = AppContext.BaseDirectory;
        string architecture = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        foreach (string candidate in new[]
        {
            Path.Combine(baseDirectory, "runtimes", architecture, "native", NativeLibraryName),
            Path.Combine(baseDirectory, NativeLibraryName),
        })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
