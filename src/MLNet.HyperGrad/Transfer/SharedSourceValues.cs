namespace MLNet.HyperGrad.Transfer;

/// <summary>The source tasks' raw losses at the points every one of them holds (fully matched histories).</summary>
/// <param name="Points">The shared points, shape [m][d], in the unit cube.</param>
/// <param name="Values">Each task's raw losses there, shape [T][m].</param>
internal sealed record SharedSourceValues(double[][] Points, double[][] Values);
