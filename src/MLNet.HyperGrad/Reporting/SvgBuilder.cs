using System.Text;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Writes one inline SVG element. Every string that reaches the markup is escaped here; callers pass plain text.</summary>
/// <remarks>
/// Styling comes from CSS classes defined by the page (<see cref="ReportStyles"/>); only colors that encode
/// data are written as attributes. Tooltips are <c>&lt;title&gt;</c> children, which browsers show on hover.
/// </remarks>
internal sealed class SvgBuilder
{
    private readonly StringBuilder builder = new();
    private int openGroups;

    /// <summary>Starts an SVG of the given size in pixels.</summary>
    /// <param name="width">The width (also the viewBox width).</param>
    /// <param name="height">The height.</param>
    /// <param name="id">The element id, or null.</param>
    /// <param name="label">What the chart shows, for screen readers.</param>
    public SvgBuilder(double width, double height, string? id, string label)
    {
        Width = width;
        Height = height;
        builder.Append("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        if (id is not null)
        {
            Attribute("id", id);
        }

        builder.Append(" class=\"chart\" role=\"img\"");
        Attribute("width", Formatting.Coordinate(width));
        Attribute("height", Formatting.Coordinate(height));
        Attribute("viewBox", "0 0 " + Formatting.Coordinate(width) + " " + Formatting.Coordinate(height));
        Attribute("aria-label", label);
        builder.Append('>');
    }

    /// <summary>Gets the width in pixels.</summary>
    public double Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public double Height { get; }

    /// <summary>Draws a line.</summary>
    public void Line(double x1, double y1, double x2, double y2, string cssClass, string? stroke = null)
    {
        builder.Append("<line");
        Attribute("class", cssClass);
        Attribute("x1", Formatting.Coordinate(x1));
        Attribute("y1", Formatting.Coordinate(y1));
        Attribute("x2", Formatting.Coordinate(x2));
        Attribute("y2", Formatting.Coordinate(y2));
        OptionalAttribute("stroke", stroke);
        builder.Append("/>");
    }

    /// <summary>Draws a rectangle.</summary>
    public void Rect(double x, double y, double width, double height, string cssClass, string? fill = null)
    {
        builder.Append("<rect");
        Attribute("class", cssClass);
        Attribute("x", Formatting.Coordinate(x));
        Attribute("y", Formatting.Coordinate(y));
        Attribute("width", Formatting.Coordinate(Math.Max(0, width)));
        Attribute("height", Formatting.Coordinate(Math.Max(0, height)));
        OptionalAttribute("fill", fill);
        builder.Append("/>");
    }

    /// <summary>Draws a circle, with a tooltip and the trial it stands for.</summary>
    public void Circle(double cx, double cy, double r, string cssClass, string? fill, string? tooltip, int? trial = null)
    {
        builder.Append("<circle");
        Attribute("class", cssClass);
        Attribute("cx", Formatting.Coordinate(cx));
        Attribute("cy", Formatting.Coordinate(cy));
        Attribute("r", Formatting.Coordinate(r));
        OptionalAttribute("fill", fill);
        TrialAttribute(trial);
        Close("circle", tooltip);
    }

    /// <summary>Draws a polyline through points in pixels; fewer than two points draw nothing.</summary>
    public void Polyline(IReadOnlyList<(double X, double Y)> points, string cssClass, string? stroke, string? tooltip = null, int? trial = null)
    {
        if (points.Count < 2)
        {
            return;
        }

        builder.Append("<polyline");
        Attribute("class", cssClass);
        Attribute("points", string.Join(" ", points.Select(p => Formatting.Coordinate(p.X) + "," + Formatting.Coordinate(p.Y))));
        OptionalAttribute("stroke", stroke);
        TrialAttribute(trial);
        Close("polyline", tooltip);
    }

    /// <summary>Draws a path from SVG path data built with <see cref="Formatting.Coordinate"/>; <paramref name="fill"/> colors a closed one (a band).</summary>
    public void Path(string data, string cssClass, string? stroke, string? tooltip = null, int? trial = null, string? fill = null)
    {
        builder.Append("<path");
        Attribute("class", cssClass);
        Attribute("d", data);
        OptionalAttribute("stroke", stroke);
        OptionalAttribute("fill", fill);
        TrialAttribute(trial);
        Close("path", tooltip);
    }

    /// <summary>Writes text at a point; <paramref name="rotate"/> turns it (degrees, clockwise) around that point.</summary>
    public void Text(double x, double y, string text, string cssClass, string anchor = "start", double rotate = 0, string? tooltip = null)
    {
        builder.Append("<text");
        Attribute("class", cssClass);
        Attribute("x", Formatting.Coordinate(x));
        Attribute("y", Formatting.Coordinate(y));
        if (anchor != "start")
        {
            Attribute("text-anchor", anchor);
        }

        if (rotate != 0)
        {
            Attribute("transform", "rotate(" + Formatting.Coordinate(rotate) + " " + Formatting.Coordinate(x) + " " + Formatting.Coordinate(y) + ")");
        }

        builder.Append('>');
        if (tooltip is not null)
        {
            builder.Append("<title>").Append(Markup.Escape(tooltip)).Append("</title>");
        }

        builder.Append(Markup.Escape(text)).Append("</text>");
    }

    /// <summary>Defines a vertical linear gradient (for color bars) running from the bottom (offset 0) to the top (offset 1).</summary>
    /// <param name="id">The gradient id, unique in the page.</param>
    /// <param name="stops">The offsets, in [0, 1] and non-decreasing, and their CSS colors.</param>
    public void VerticalGradient(string id, IReadOnlyList<(double Offset, string Color)> stops)
    {
        builder.Append("<defs><linearGradient");
        Attribute("id", id);
        builder.Append(" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        foreach ((double offset, string color) in stops)
        {
            builder.Append("<stop");
            Attribute("offset", Formatting.Coordinate(offset));
            Attribute("stop-color", color);
            builder.Append("/>");
        }

        builder.Append("</linearGradient></defs>");
    }

    /// <summary>Opens a group; close it with <see cref="CloseGroup"/>.</summary>
    public void OpenGroup(string cssClass)
    {
        builder.Append("<g");
        Attribute("class", cssClass);
        builder.Append('>');
        openGroups++;
    }

    /// <summary>Closes the innermost open group.</summary>
    public void CloseGroup()
    {
        if (openGroups == 0)
        {
            throw new InvalidOperationException("CloseGroup was called with no group open.");
        }

        builder.Append("</g>");
        openGroups--;
    }

    /// <summary>Closes open groups and the SVG element and returns the markup.</summary>
    public override string ToString()
    {
        var result = new StringBuilder(builder.Length + 16).Append(builder);
        for (int i = 0; i < openGroups; i++)
        {
            result.Append("</g>");
        }

        return result.Append("</svg>").ToString();
    }

    private void Attribute(string name, string value)
        => builder.Append(' ').Append(name).Append("=\"").Append(Markup.Escape(value)).Append('"');

    private void OptionalAttribute(string name, string? value)
    {
        if (value is not null)
        {
            Attribute(name, value);
        }
    }

    private void TrialAttribute(int? trial)
    {
        if (trial is int number)
        {
            Attribute("data-trial", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private void Close(string element, string? tooltip)
    {
        if (tooltip is null)
        {
            builder.Append("/>");
            return;
        }

        builder.Append("><title>").Append(Markup.Escape(tooltip)).Append("</title></").Append(element).Append('>');
    }
}
