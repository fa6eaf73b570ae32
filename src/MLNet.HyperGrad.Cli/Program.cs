using System.CommandLine;
using MLNet.HyperGrad.Cli.Commands;
using MLNet.HyperGrad.Data;
using Spectre.Console;

namespace MLNet.HyperGrad.Cli;

/// <summary>Entry point of the <c>hypergrad</c> command.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Before any TorchSharp call: libgomp reads its wait policy once, when libtorch loads.
        MLNet.HyperGrad.Torch.OpenMpEnvironment.UsePassiveWaitUnlessSet();
        UsePlainTextWhenRedirected();
        var root = new RootCommand("MLNet.HyperGrad: tune and train models on libtorch.")
        {
            TuneCommand.Create(TaskKind.Classification),
            TuneCommand.Create(TaskKind.Regression),
            TrainCommand.Create(),
            RunCommand.Create(),
            WorkerCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "hypergrad" : $"hypergrad {parsed.CommandResult.Command.Name}";
            Console.Error.WriteLine($"hypergrad: error: {parsed.Errors[0].Message} (see `{command} --help`)");
            return CliErrors.BadInput;
        }

        // Ctrl+C cancels the run's token; give it time to record interrupted trials and write the
        // report before the process ends (System.CommandLine's default is 2 seconds).
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(120) });
    }

    /// <summary>
    /// When standard output is a file or a pipe, writes plain text: no ANSI escape codes (colours, bold,
    /// cursor moves), no live display, and lines as wide as they are rather than wrapped at 80 columns.
    /// </summary>
    private static void UsePlainTextWhenRedirected()
    {
        if (!Console.IsOutputRedirected)
        {
            return;
        }

        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        AnsiConsole.Profile.Width = 200;
    }
}
