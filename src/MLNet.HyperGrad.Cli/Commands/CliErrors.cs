using MLNet.HyperGrad.Torch;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>Turns expected failures into one clear line and an exit code, never a stack trace.</summary>
internal static class CliErrors
{
    /// <summary>Exit code for bad input (flags or data).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a failure while running.</summary>
    public const int Failure = 1;

    /// <summary>Exit code after the user cancelled (Ctrl+C), as shells expect.</summary>
    public const int Cancelled = 130;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return Cancelled;
        }
        catch (Exception ex) when (ex is ArgumentException or HyperGradException or FileNotFoundException or DirectoryNotFoundException or DllNotFoundException)
        {
            string kind = ex is TorchException ? "libtorch error" : "error";
            Console.Error.WriteLine($"hypergrad: {kind}: {ex.Message}");
            return ex is TorchException ? Failure : BadInput;
        }
    }
}
