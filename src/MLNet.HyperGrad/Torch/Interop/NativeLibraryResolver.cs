using System.Reflection;
using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch.Interop;

/// <summary>Finds <c>libhgtorch.so</c> and explains, path by path, why when it cannot.</summary>
internal static class NativeLibraryResolver
{
    /// <summary>Environment variable that names the shim's full path, overriding the search.</summary>
    internal const string OverrideVariable = "HYPERGRAD_NATIVE_LIBRARY";

    private static int registered;

    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.LibraryName)
        {
            return IntPtr.Zero;
        }

        var failures = new List<string>();
        foreach (string candidate in Candidates(assembly))
        {
            if (!File.Exists(candidate))
            {
                failures.Add($"{candidate}: not found");
                continue;
            }

            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException ex)
            {
                failures.Add($"{candidate}: {ex.Message}");
            }
            catch (BadImageFormatException ex)
            {
                failures.Add($"{candidate}: {ex.Message}");
            }
        }

        throw new DllNotFoundException(
            "MLNet.HyperGrad could not load its libtorch shim libhgtorch.so. Tried:" + Environment.NewLine +
            string.Join(Environment.NewLine, failures.Select(f => "  " + f)) + Environment.NewLine +
            "Build it with `bash scripts/setup.sh && dotnet build` (needs Debian's libtorch-dev, cmake and g++), " +
            $"or set {OverrideVariable} to the full path of a libhgtorch.so.");
    }

    private static IEnumerable<string> Candidates(Assembly assembly)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            yield return fromEnvironment;
        }

        const string fileName = "libhgtorch.so";
        yield return Path.Combine(AppContext.BaseDirectory, fileName);
        string? assemblyDirectory = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory) && assemblyDirectory != AppContext.BaseDirectory.TrimEnd('/'))
        {
            yield return Path.Combine(assemblyDirectory, fileName);
        }

        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", fileName);
    }
}
