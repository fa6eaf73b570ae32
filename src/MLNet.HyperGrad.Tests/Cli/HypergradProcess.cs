using System.Diagnostics;
using System.Text;

namespace MLNet.HyperGrad.Tests.Cli;

/// <summary>Runs the built <c>hypergrad</c> command as a separate process, as a user would.</summary>
internal sealed class HypergradProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();

    private HypergradProcess(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliPath);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The CLI built next to this test assembly's configuration.</summary>
    public static string CliPath
    {
        get
        {
            string tests = AppContext.BaseDirectory;
            string configuration = new DirectoryInfo(tests).Parent!.Name;
            string path = Path.GetFullPath(Path.Combine(tests, "..", "..", "..", "..", "MLNet.HyperGrad.Cli", "bin", configuration, "net10.0", "hypergrad.dll"));
            return File.Exists(path) ? path : throw new FileNotFoundException("The hypergrad CLI is not built: " + path);
        }
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    public int ExitCode => process.ExitCode;

    public static HypergradProcess Start(string workingDirectory, params string[] args) => new(workingDirectory, args);

    public static HypergradProcess Run(string workingDirectory, TimeSpan timeout, params string[] args)
        => RunWithEnvironment(workingDirectory, timeout, new Dictionary<string, string?>(), args);

    /// <summary>Runs with environment variables set (a null value removes one, such as the NO_COLOR every run sets).</summary>
    public static HypergradProcess RunWithEnvironment(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var p = new HypergradProcess(workingDirectory, args, environment);
        if (!p.process.WaitForExit(timeout))
        {
            p.Kill();
            throw new TimeoutException($"hypergrad {string.Join(' ', args)} did not finish in {timeout}: {p.Output}\n{p.Errors}");
        }

        p.process.WaitForExit();
        return p;
    }

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public void Interrupt()
    {
        using Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to end.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        bool exited = process.WaitForExit(timeout);
        if (exited)
        {
            process.WaitForExit();
        }

        return exited;
    }

    /// <summary>SIGKILL, as kill -9 does: no handler in the process runs.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Gets the process id.</summary>
    public int Id => process.Id;

    /// <summary>SIGKILL to this process alone, as kill -9 PID does: its worker processes get no signal.</summary>
    public void KillAlone()
    {
        using Process kill = Process.Start("kill", ["-KILL", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        process.WaitForExit();
    }

    /// <summary>The live processes whose parent is <paramref name="parent"/>, read from /proc (zombies left out).</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out int pid) && Stat(pid) is { } stat && stat.Parent == parent && stat.State != 'Z')
            {
                children.Add(pid);
            }
        }

        return children;
    }

    /// <summary>Whether a process runs: it exists and is not a zombie.</summary>
    public static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>The state and parent id from /proc/PID/stat, or null when the process is gone.</summary>
    internal static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (rest[0][0], int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
