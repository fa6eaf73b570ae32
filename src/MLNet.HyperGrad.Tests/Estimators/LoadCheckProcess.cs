using System.Diagnostics;

namespace MLNet.HyperGrad.Tests.Estimators;

/// <summary>Runs the built LoadCheck program (src/MLNet.HyperGrad.LoadCheck) in a fresh process.</summary>
internal static class LoadCheckProcess
{
    /// <summary>The LoadCheck program built next to this test assembly's configuration.</summary>
    public static string BuiltDirectory
    {
        get
        {
            string tests = AppContext.BaseDirectory;
            string configuration = new DirectoryInfo(tests).Parent!.Name;
            string dir = Path.GetFullPath(Path.Combine(tests, "..", "..", "..", "..", "MLNet.HyperGrad.LoadCheck", "bin", configuration, "net10.0"));
            return File.Exists(Path.Combine(dir, "MLNet.HyperGrad.LoadCheck.dll")) ? dir : throw new FileNotFoundException("The LoadCheck program is not built: " + dir);
        }
    }

    /// <summary>Runs <c>dotnet LoadCheck.dll args</c> from a directory (the built one by default).</summary>
    public static (int ExitCode, string[] Lines, string Errors) Run(string[] args, string? directory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(directory ?? BuiltDirectory, "MLNet.HyperGrad.LoadCheck.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("LoadCheck did not finish in 3 minutes: " + string.Join(' ', args));
        }

        return (process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries), errors.GetAwaiter().GetResult());
    }
}
