namespace MLNet.HyperGrad.Reporting;

/// <summary>One legend entry.</summary>
/// <param name="Label">The text (not escaped).</param>
/// <param name="Color">The CSS color of the marker.</param>
/// <param name="Marker">The marker's shape.</param>
internal readonly record struct LegendItem(string Label, string Color, LegendMarker Marker);
