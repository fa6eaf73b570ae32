namespace MLNet.HyperGrad.Reporting;

/// <summary>The report's inline style sheet. It holds no <c>&lt;</c> or <c>&amp;</c>, so the page stays well-formed XML.</summary>
internal static class ReportStyles
{
    /// <summary>The CSS text.</summary>
    public const string Css = """
        :root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #ffffff; --panel: #f5f7fa; --accent: #4e79a7; --best: #d62728; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1160px; margin: 0 auto; padding: 24px 24px 48px; }
        header h1 { margin: 0 0 4px; font-size: 26px; }
        header .task { margin: 0; color: var(--muted); font-size: 15px; }
        nav { margin: 14px 0 6px; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; }
        nav a { color: var(--accent); text-decoration: none; }
        nav a:hover { text-decoration: underline; }
        section { margin-top: 28px; }
        h2 { font-size: 19px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        .caption { color: var(--muted); margin: 0 0 10px; font-size: 13px; }
        .empty { color: var(--muted); font-style: italic; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 10px; margin: 10px 0 0; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        .card dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        .card dd { margin: 2px 0 0; font-size: 17px; font-weight: 600; overflow-wrap: anywhere; }
        .card .detail { display: block; margin-top: 2px; font-size: 12px; font-weight: 400; color: var(--muted); }
        .notes { margin-top: 12px; padding: 8px 12px; border-left: 3px solid var(--accent); background: var(--panel); }
        .notes p { margin: 4px 0; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(350px, 1fr)); gap: 12px; }
        .scroll { overflow-x: auto; }
        svg.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
        .scroll svg.chart { max-width: none; }
        .plot-bg { fill: #fbfcfd; stroke: none; }
        .grid, .grid-minor { stroke-width: 1; }
        line.grid { stroke: #e4e9ef; }
        line.grid-minor { stroke: #f1f4f7; }
        line.axis, line.pc-axis { stroke: #7b8794; stroke-width: 1; }
        line.tick { stroke: #7b8794; }
        text.tick-label, text.pc-tick-label { font-size: 11px; fill: #52606d; }
        text.pc-tick-label { paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
        text.axis-label { font-size: 12px; fill: #3e4c59; }
        text.chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
        text.legend-label { font-size: 11px; fill: #3e4c59; }
        line.legend-line { stroke-width: 2.5; }
        circle.legend-ring, circle.best-marker { fill: none; stroke: var(--best); stroke-width: 2; }
        circle.trial-point, circle.slice-point { stroke: #ffffff; stroke-width: .8; fill-opacity: .9; }
        circle.trial-point:hover, circle.slice-point:hover, circle.curve-point:hover { stroke: var(--ink); stroke-width: 1.5; }
        polyline.best-so-far { fill: none; stroke-width: 2; }
        polyline.curve { fill: none; stroke-width: 2; }
        polyline.hg-line { fill: none; stroke-width: 2; }
        path.hg-band { stroke: none; fill-opacity: .18; }
        line.hg-band-line { stroke-width: 6; stroke-opacity: .25; }
        circle.hg-point { stroke: #ffffff; stroke-width: .8; }
        circle.hg-point:hover { stroke: var(--ink); stroke-width: 1.5; }
        path.sg-band { stroke: none; fill-opacity: .2; }
        polyline.sg-mean { fill: none; stroke-width: 2; }
        line.sg-interval { stroke-width: 6; stroke-opacity: .3; }
        circle.sg-mean-point { stroke: #ffffff; stroke-width: .8; }
        line.sg-best { stroke-width: 1; stroke-dasharray: 4 3; }
        path.pc-line { fill: none; stroke-width: 1.3; stroke-opacity: .7; }
        path.pc-line:hover { stroke-width: 3; stroke-opacity: 1; }
        path.pc-best { stroke-width: 3; stroke-opacity: 1; }
        rect.pc-colorbar { stroke: #7b8794; stroke-width: .5; }
        text.pc-title { font-size: 12px; font-weight: 600; fill: var(--ink); }
        text.pc-metric { fill: var(--best); }
        text.pc-best-label { font-size: 11px; fill: var(--best); font-weight: 600; }
        table { border-collapse: collapse; font-size: 13px; margin-top: 4px; }
        th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
        th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
        th.param, td.param { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
        tbody tr:hover { background: #f0f4f8; }
        tr.with-error td { border-bottom: none; }
        tr.best-row { background: #fdecea; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.metric { font-weight: 600; }
        td.bad { color: var(--best); }
        td.missing { color: #9aa5b1; text-align: center; }
        tr.error-row td { border-top: none; padding-top: 0; }
        div.error { position: sticky; left: 10px; max-width: 1060px; white-space: pre-wrap; overflow-wrap: anywhere; color: #8a1c1c; font-size: 12px; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
        td.time { color: var(--muted); font-size: 12px; }
        .state { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #e4e7eb; }
        .state-complete { background: #e3f4e6; color: #1e6b2e; }
        .state-failed { background: #fde2e1; color: #a61b1b; }
        .state-pruned { background: #fff3c4; color: #8d6708; }
        .state-interrupted { background: #ede4fb; color: #5b2a9c; }
        .state-running { background: #dbeafe; color: #1e4e8c; }
        table.kv td { white-space: normal; overflow-wrap: anywhere; }
        footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
        """;
}
