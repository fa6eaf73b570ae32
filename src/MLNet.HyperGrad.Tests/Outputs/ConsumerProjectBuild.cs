using System.Diagnostics;
using System.Text;

namespace MLNet.HyperGrad.Tests.Outputs;

/// <summary>Packs the library once per test run and builds and runs generated consumer projects with it, as a user would.</summary>
internal static class ConsumerProjectBuild
{
    private static readonly Lazy<string> PackageFolder = new(Pack);

    /// <summary>Gets the folder holding the packed MLNet.HyperGrad package (packed from this build, on first use).</summary>
    public static string Packages => PackageFolder.Value;

    /// <summary>The repository's root, above src/MLNet.HyperGrad.Tests/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>
    /// Builds a project with its own nuget.config. Restored packages go to a fresh folder, with the machine's package
    /// cache as a fallback, so the package packed by this run is used rather than an older one of the same version.
    /// </summary>
    public static void Build(string project, string packagesCache)
    {
        string fallback = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        (int code, string output) = Run(
            "dotnet",
            ["build", project, "-c", "Release", "-nologo", $"-p:RestoreAdditionalProjectFallbackFolders={fallback}"],
            Path.GetDirectoryName(project)!,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = packagesCache },
            TimeSpan.FromMinutes(8));
        Assert.True(code == 0, "dotnet build of the generated project failed:\n" + output);
    }

    /// <summary>Runs a built program (its dll, with dotnet) and returns its standard output lines.</summary>
    public static string[] RunProgram(string dll, params string[] args)
    {
        (int code, string output) = Run("dotnet", [dll, .. args], Path.GetDirectoryName(dll)!, new Dictionary<string, string>(), TimeSpan.FromMinutes(3), includeErrors: false);
        Assert.True(code == 0, $"{Path.GetFileName(dll)} exited {code}:\n{output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static string Pack()
    {
        string folder = Directory.CreateTempSubdirectory("hg-packages-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        string project = Path.Combine(RepositoryRoot, "src", "MLNet.HyperGrad", "MLNet.HyperGrad.csproj");
        (int code, string output) = Run("dotnet", ["pack", project, "-c", Configuration, "--no-build", "-nologo", "-o", folder], RepositoryRoot, new Dictionary<string, string>(), TimeSpan.FromMinutes(4));
        Assert.True(code == 0, "dotnet pack of the library failed:\n" + output);
        return folder;
    }

    private static (int Code, string Output) Run(string file, string[] args, string workingDirectory, Dictionary<string, string> environment, TimeSpan timeout, bool includeErrors = true)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{output}\n{errors}");
        }

        process.WaitForExit();
        return (process.ExitCode, includeErrors ? output.ToString() + errors : output.ToString());
    }
}
