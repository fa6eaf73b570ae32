using System.CommandLine;
using MLNet.HyperGrad.Cli.Commands;

namespace MLNet.HyperGrad.Cli;

/// <summary>Entry point of the <c>hypergrad</c> command.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("MLNet.HyperGrad: tune and train models on libtorch.")
        {
            TrainCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
