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
            Console.Error.WriteLine($"hypergrad: {kind}: {UserMessage(ex)}");
            return ex is TorchException ? Failure : BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"hypergrad: error: {UserMessage(ex)}");
            return Failure;
        }
    }

    /// <summary>
    /// An exception's message for people, without .NET's decorations: the <c>(Parameter 'options')</c> that
    /// an <see cref="ArgumentException"/> appends, and line breaks.
    /// </summary>
    public static string UserMessage(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            int at = message.IndexOf(suffix, StringComparison.Ordinal);
            message = at < 0 ? message : message.Remove(at, suffix.Length);
        }

        return message.ReplaceLineEndings(" ").Trim();
    }
}
