using System.Diagnostics;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>
/// Ends a worker process when the run that started it ends, however it ends: the run gives each worker a pipe as standard input
/// and never writes to it; the operating system closes the pipe when the run exits, even when it is killed with kill -9, and the
/// worker, reading end of file, kills itself.
/// </summary>
/// <remarks>
/// The worker stops at once, as if killed with its run, rather than recording its running trial as interrupted: the run that
/// resumes the study finds the trial left running by a process that no longer exists and runs it again
/// (<c>the process running it stopped before it finished</c>), and no orphan keeps claiming the study's trials meanwhile.
/// </remarks>
internal static class ParentWatch
{
    /// <summary>The environment variable a run sets for its worker processes (its process id): only then is standard input the run's pipe.</summary>
    public const string Variable = "HYPERGRAD_WORKER_OF";

    /// <summary>In a worker process started by a run (<see cref="Variable"/> set, standard input redirected), starts watching standard input.</summary>
    public static void ExitWhenParentEnds()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) || !Console.IsInputRedirected)
        {
            return;
        }

        var watch = new Thread(WaitForEndOfInput) { IsBackground = true, Name = "hypergrad parent watch" };
        watch.Start();
    }

    private static void WaitForEndOfInput()
    {
        try
        {
            using Stream input = Console.OpenStandardInput();
            byte[] buffer = new byte[64];
            while (input.Read(buffer) > 0)
            {
                // The run writes nothing; anything read is ignored.
            }
        }
        catch (IOException)
        {
            // The pipe broke: the run is gone just the same.
        }

        using Process self = Process.GetCurrentProcess();
        self.Kill();
    }
}
