namespace MLNet.HyperGrad.Reporting;

/// <summary>A labelled position on an axis.</summary>
/// <param name="Value">The value in the scale's domain (a category's index on a categorical scale).</param>
/// <param name="Label">The text shown (not escaped).</param>
internal readonly record struct AxisTick(double Value, string Label);
