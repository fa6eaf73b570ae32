using System.Runtime.InteropServices;

namespace MLNet.HyperGrad.Torch;

/// <summary>
/// OpenMP settings that libtorch's OpenMP runtime (libgomp) reads once, when it loads: they must be in
/// the process's native environment before the first TorchSharp call.
/// </summary>
/// <remarks>
/// By default libgomp's idle worker threads spin for a while before they sleep. When several trials
/// (threads of one process, or several processes) share the cores, each one's spinning workers take CPU
/// time the others need: trials ran 4–16 times slower. A passive wait policy makes idle workers sleep.
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change the native
/// environment on Unix, so this writes it with the C library's <c>setenv</c>.
/// </remarks>
public static partial class OpenMpEnvironment
{
    /// <summary>The variable that sets how OpenMP's idle threads wait.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>The wait policy under which idle OpenMP threads sleep rather than spin.</summary>
    public const string PassiveWaitPolicy = "PASSIVE";

    /// <summary>Gets a value indicating whether libtorch's OpenMP runtime is already loaded in this process (Linux; false elsewhere).</summary>
    public static bool IsOpenMpLoaded
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                if (line.Contains("/libgomp", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless the user has set the variable
    /// (then their value is kept). Call it before the first TorchSharp call; later it has no effect.
    /// </summary>
    /// <returns>
    /// True when the variable was set by this call; false when the user had set it, the platform is not
    /// Linux, or libtorch's OpenMP runtime was already loaded (too late to matter).
    /// </returns>
    public static bool UsePassiveWaitUnlessSet()
    {
        if (!OperatingSystem.IsLinux() || IsOpenMpLoaded || WaitPolicyToSet(NativeValue(WaitPolicyVariable)) is not { } value)
        {
            return false;
        }

        if (SetEnv(WaitPolicyVariable, value, overwrite: 0) != 0)
        {
            return false;
        }

        Environment.SetEnvironmentVariable(WaitPolicyVariable, value);
        return true;
    }

    /// <summary>The wait policy to set given the variable's current value: none when the user has chosen one.</summary>
    /// <param name="current">The variable's value in the native environment, or null when unset.</param>
    /// <returns><see cref="PassiveWaitPolicy"/>, or null to leave the variable as it is.</returns>
    internal static string? WaitPolicyToSet(string? current) => string.IsNullOrWhiteSpace(current) ? PassiveWaitPolicy : null;

    /// <summary>Reads a variable from the native environment (what libgomp sees), not .NET's copy.</summary>
    /// <param name="name">The variable.</param>
    /// <returns>Its value, or null when unset.</returns>
    internal static string? NativeValue(string name) => Marshal.PtrToStringUTF8(GetEnv(name));

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);
}
