using MLNet.HyperGrad.Training;

namespace MLNet.HyperGrad.Cli.Commands;

/// <summary>What <c>--optimizer</c> chose: a built-in optimizer, or the file of a learned LSTM optimizer (which then replaces it).</summary>
/// <param name="Kind">The built-in optimizer.</param>
/// <param name="LstmFile">The learned optimizer's file from <c>lstm:FILE</c>, or null.</param>
internal sealed record OptimizerChoice(OptimizerKind Kind, string? LstmFile);
