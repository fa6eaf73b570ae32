namespace MLNet.HyperGrad.Reporting;

/// <summary>How a legend entry is drawn.</summary>
internal enum LegendMarker
{
    /// <summary>A filled dot, for points.</summary>
    Point,

    /// <summary>A short line, for lines.</summary>
    Line,

    /// <summary>An open ring, for the highlighted best trial.</summary>
    Ring,
}
