namespace MLNet.HyperGrad.Outputs;

/// <summary>One column of the data as a <see cref="RunConfig"/> records it.</summary>
/// <param name="Name">The column's name in the CSV header (or <c>colN</c> without one).</param>
/// <param name="Kind"><c>numeric</c>, <c>categorical</c> or <c>label</c>.</param>
public sealed record RunConfigColumn(string Name, string Kind);
