namespace MLNet.HyperGrad.Reporting;

/// <summary>A chart with a plot area, two axes, ticks, grid lines, axis labels, a title and a legend; data goes on top through <see cref="Svg"/>.</summary>
/// <remarks>
/// Margins are sized from the estimated widths of the tick labels, so long labels are never clipped;
/// x tick labels that would collide are thinned (numbers) or turned 35° and shortened (categories).
/// </remarks>
internal sealed class Chart
{
    private const double TickLength = 4;
    private const double RotatedAngle = 35;
    private const double MaxCategoryLabelWidth = 96;
    private readonly Scale x;
    private readonly Scale y;

    /// <summary>Lays out and draws the frame of a chart.</summary>
    /// <param name="spec">What the chart shows.</param>
    public Chart(ChartSpec spec)
    {
        x = spec.X;
        y = spec.Y;
        Svg = new SvgBuilder(spec.Width, spec.Height, spec.Id, spec.Description ?? spec.Title);

        double top = 10 + (spec.Title.Length > 0 ? 20 : 0) + (spec.Legend.Count > 0 ? 18 : 0);
        double roughPlotHeight = spec.Height - top - 48;
        IReadOnlyList<AxisTick> yTicks = y.Ticks(Math.Clamp((int)(roughPlotHeight / 36), 2, 8));
        double yLabelWidth = yTicks.Count == 0 ? 0 : yTicks.Max(t => TextMetrics.Width(t.Label));
        double left = 8 + (spec.YLabel is null ? 0 : 18) + yLabelWidth + TickLength + 4;
        double right = 16;
        double plotWidth = spec.Width - left - right;

        XAxisLayout xLayout = LayOutX(plotWidth);
        if (xLayout.Rotated && xLayout.Ticks.Count > 0)
        {
            // A turned label reaches left of its category by its width times cos 35°: keep the first one inside the chart.
            double band = plotWidth / Math.Max(1, x.Ticks(0).Count);
            double reach = (TextMetrics.Width(xLayout.Ticks[0].Label) * Math.Cos(RotatedAngle * Math.PI / 180)) - (band / 2) + 6;
            left = Math.Max(left, reach);
            plotWidth = spec.Width - left - right;
        }

        right = Math.Max(right, xLayout.Rotated || xLayout.Ticks.Count == 0 ? 16 : (TextMetrics.Width(xLayout.Ticks[^1].Label) / 2) + 4);
        plotWidth = spec.Width - left - right;
        double bottom = 6 + TickLength + xLayout.LabelHeight + (spec.XLabel is null ? 0 : 20);

        Left = left;
        Top = top;
        PlotWidth = Math.Max(10, plotWidth);
        PlotHeight = Math.Max(10, spec.Height - top - bottom);

        DrawFrame(spec, yTicks, xLayout);
    }

    /// <summary>Gets the SVG being drawn.</summary>
    public SvgBuilder Svg { get; }

    /// <summary>Gets the left edge of the plot area in pixels.</summary>
    public double Left { get; }

    /// <summary>Gets the top edge of the plot area in pixels.</summary>
    public double Top { get; }

    /// <summary>Gets the width of the plot area in pixels.</summary>
    public double PlotWidth { get; }

    /// <summary>Gets the height of the plot area in pixels.</summary>
    public double PlotHeight { get; }

    /// <summary>Maps an x value to a horizontal pixel position; a value far outside the domain stops just beyond the plot.</summary>
    public double X(double value) => Left + (Math.Clamp(x.Fraction(value), -0.05, 1.05) * PlotWidth);

    /// <summary>Maps a y value to a vertical pixel position (SVG y grows downwards); a value far outside the domain stops just beyond the plot.</summary>
    public double Y(double value) => Top + ((1 - Math.Clamp(y.Fraction(value), -0.05, 1.05)) * PlotHeight);

    /// <summary>Reports whether a point can be drawn on both scales.</summary>
    public bool CanShow(double xValue, double yValue) => x.CanShow(xValue) && y.CanShow(yValue);

    /// <inheritdoc />
    public override string ToString() => Svg.ToString();

    private XAxisLayout LayOutX(double plotWidth)
    {
        if (x.IsCategorical)
        {
            IReadOnlyList<AxisTick> all = x.Ticks(0);
            if (all.Count == 0)
            {
                return new XAxisLayout([], false, 14);
            }

            double band = plotWidth / all.Count;
            double widest = all.Max(t => TextMetrics.Width(t.Label));
            if (widest + 8 <= band)
            {
                return new XAxisLayout(all, false, 16);
            }

            // Turned labels need about a line's height of band each; keep every n-th when they are denser.
            int every = Math.Max(1, (int)Math.Ceiling(15 / band));
            AxisTick[] kept = [.. all.Where((t, i) => i % every == 0).Select(t => t with { Label = TextMetrics.FitMiddle(t.Label, MaxCategoryLabelWidth) })];
            double longest = kept.Max(t => TextMetrics.Width(t.Label));
            double radians = RotatedAngle * Math.PI / 180;
            return new XAxisLayout(kept, true, 12 + (longest * Math.Sin(radians)) + (TextMetrics.SmallFont * Math.Cos(radians)));
        }

        for (int target = Math.Clamp((int)(plotWidth / 55), 2, 10); ; target--)
        {
            IReadOnlyList<AxisTick> ticks = x.Ticks(target);
            double needed = ticks.Sum(t => TextMetrics.Width(t.Label) + 10);
            if (needed <= plotWidth || target <= 2)
            {
                if (needed > plotWidth && ticks.Count > 2)
                {
                    ticks = [ticks[0], ticks[^1]];
                }

                return new XAxisLayout(ticks, false, 16);
            }
        }
    }

    private void DrawFrame(ChartSpec spec, IReadOnlyList<AxisTick> yTicks, XAxisLayout xLayout)
    {
        double bottom = Top + PlotHeight;
        double rightEdge = Left + PlotWidth;
        Svg.Rect(Left, Top, PlotWidth, PlotHeight, "plot-bg");

        foreach (double minor in y.MinorTicks(0))
        {
            Svg.Line(Left, Y(minor), rightEdge, Y(minor), "grid-minor");
        }

        foreach (double minor in x.MinorTicks(0))
        {
            Svg.Line(X(minor), Top, X(minor), bottom, "grid-minor");
        }

        foreach (AxisTick tick in yTicks)
        {
            double py = Y(tick.Value);
            Svg.Line(Left, py, rightEdge, py, "grid");
            Svg.Line(Left - TickLength, py, Left, py, "tick");
            Svg.Text(Left - TickLength - 3, py + 3.5, tick.Label, "tick-label", "end");
        }

        foreach (AxisTick tick in xLayout.Ticks)
        {
            double px = X(tick.Value);
            Svg.Line(px, Top, px, bottom, "grid");
            Svg.Line(px, bottom, px, bottom + TickLength, "tick");
            string? full = x.IsCategorical ? x.Ticks(0)[(int)tick.Value].Label : null;
            string? tooltip = full is not null && full != tick.Label ? full : null;
            if (xLayout.Rotated)
            {
                Svg.Text(px + 3, bottom + TickLength + 10, tick.Label, "tick-label", "end", -RotatedAngle, tooltip);
            }
            else
            {
                Svg.Text(px, bottom + TickLength + 11, tick.Label, "tick-label", "middle", 0, tooltip);
            }
        }

        Svg.Line(Left, Top, Left, bottom, "axis");
        Svg.Line(Left, bottom, rightEdge, bottom, "axis");

        if (spec.Title.Length > 0)
        {
            string title = TextMetrics.Fit(spec.Title, spec.Width - 16, TextMetrics.TitleFont);
            Svg.Text(8, 22, title, "chart-title", "start", 0, title == spec.Title ? null : spec.Title);
        }

        if (spec.XLabel is not null)
        {
            Svg.Text(Left + (PlotWidth / 2), Svg.Height - 8, TextMetrics.Fit(spec.XLabel, PlotWidth), "axis-label", "middle");
        }

        if (spec.YLabel is not null)
        {
            double cy = Top + (PlotHeight / 2);
            Svg.Text(16, cy, TextMetrics.Fit(spec.YLabel, PlotHeight), "axis-label", "middle", -90);
        }

        DrawLegend(spec.Legend, Top - 10);
    }

    private void DrawLegend(IReadOnlyList<LegendItem> items, double baseline)
    {
        double px = Left;
        foreach (LegendItem item in items)
        {
            double labelWidth = TextMetrics.Width(item.Label);
            if (px + 18 + labelWidth > Svg.Width - 8)
            {
                break;
            }

            switch (item.Marker)
            {
                case LegendMarker.Line:
                    Svg.Line(px, baseline - 4, px + 14, baseline - 4, "legend-line", item.Color);
                    break;
                case LegendMarker.Ring:
                    Svg.Circle(px + 7, baseline - 4, 5, "legend-ring", null, null);
                    break;
                default:
                    Svg.Circle(px + 7, baseline - 4, 4, "legend-point", item.Color, null);
                    break;
            }

            Svg.Text(px + 18, baseline, item.Label, "legend-label");
            px += 18 + labelWidth + 16;
        }
    }

    private readonly record struct XAxisLayout(IReadOnlyList<AxisTick> Ticks, bool Rotated, double LabelHeight);
}
