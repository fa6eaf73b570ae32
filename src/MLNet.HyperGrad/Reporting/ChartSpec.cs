namespace MLNet.HyperGrad.Reporting;

/// <summary>What a <see cref="Chart"/> shows: its size, scales, labels and legend.</summary>
internal sealed record ChartSpec
{
    /// <summary>Gets the width in pixels.</summary>
    public required double Width { get; init; }

    /// <summary>Gets the height in pixels.</summary>
    public required double Height { get; init; }

    /// <summary>Gets the horizontal scale.</summary>
    public required Scale X { get; init; }

    /// <summary>Gets the vertical scale.</summary>
    public required Scale Y { get; init; }

    /// <summary>Gets the title (plain text; empty for none).</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>Gets what the chart shows, for screen readers; null to use <see cref="Title"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the x-axis label, or null.</summary>
    public string? XLabel { get; init; }

    /// <summary>Gets the y-axis label, or null.</summary>
    public string? YLabel { get; init; }

    /// <summary>Gets the SVG element's id, or null.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the legend entries, drawn in a row under the title.</summary>
    public IReadOnlyList<LegendItem> Legend { get; init; } = [];
}
