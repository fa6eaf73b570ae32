using System.Text;
using MLNet.HyperGrad.IO;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Writes a study as one self-contained HTML page: a summary, charts drawn as inline SVG and trial tables.</summary>
/// <remarks>
/// <para>
/// The page has no scripts and no external resources, so it opens offline and can be mailed or archived as
/// one file. It shows the optimization history (each complete trial's metric and the best so far), slice
/// plots (the metric against each parameter, on a log axis for <see cref="ReportData.LogScaleParameters"/>),
/// parallel coordinates, the learning curves of the five best trials (when trials carry a curve), the five
/// best trials and every trial. A gradient-tuned study, whose trials are outer steps with array
/// hyperparameters (<see cref="ReportTrial.Arrays"/>), also gets hypergradient plots: validation and test loss
/// over outer steps, the learned learning-rate and momentum schedules, and each hyperparameter's trajectory.
/// A study proposed by the Gaussian-process tuner gets the surrogate's view: a Gaussian process refitted to the
/// complete trials, its posterior mean and ±2σ band along each parameter's slice through the best trial (this needs
/// <see cref="ReportData.SearchSpace"/>), and which acquisition chose each trial; any study whose trials record their
/// proposal time (<see cref="AutoML.HyperGradExperiment.ProposalTimeAttribute"/>) gets a chart of it. A study tuned with a transfer
/// prior (<see cref="ReportData.Transfer"/>) gets a section naming the earlier studies that formed it and how much each was trusted.
/// Charts follow the layout of Optuna's visualization module.
/// </para>
/// <para>
/// Only complete trials with a finite metric are drawn; failed, pruned and running trials and NaN or
/// infinite metrics appear in the tables only. Every user string is escaped, and the page is well-formed
/// XML as well as HTML. Rendering never throws for odd data: no trials, all failed, constant parameters,
/// extreme values.
/// </para>
/// </remarks>
public static class HtmlReport
{
    /// <summary>Renders the report as an HTML document.</summary>
    /// <param name="data">What to show.</param>
    /// <returns>The document, starting with <c>&lt;!DOCTYPE html&gt;</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var model = new ReportModel(data);
        string title = string.IsNullOrEmpty(data.Title) ? "Hyperparameter tuning report" : data.Title;
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
            .Append("<meta name=\"generator\" content=\"MLNet.HyperGrad\"/>")
            .Append("<title>").Append(Markup.Escape(title)).Append("</title>")
            .Append("<style>").Append(ReportStyles.Css).Append("</style></head>\n<body><main>")
            .Append("<header><h1>").Append(Markup.Escape(title)).Append("</h1>");
        if (!string.IsNullOrEmpty(data.TaskDescription))
        {
            html.Append("<p class=\"task\">").Append(Markup.Escape(data.TaskDescription)).Append("</p>");
        }

        html.Append("</header><nav><a href=\"#summary\">Summary</a><a href=\"#history\">History</a>");
        if (HypergradientSection.OuterSteps(model).Length > 0)
        {
            html.Append("<a href=\"#").Append(HypergradientSection.SectionId).Append("\">Hypergradients</a>");
        }

        if (TransferSection.IsShown(model))
        {
            html.Append("<a href=\"#").Append(TransferSection.SectionId).Append("\">Transfer</a>");
        }

        html.Append("<a href=\"#slices\">Slices</a>");
        if (SurrogateSection.IsShown(model))
        {
            html.Append("<a href=\"#").Append(SurrogateSection.SectionId).Append("\">Surrogate</a>");
        }

        if (ProposalSection.IsShown(model))
        {
            html.Append("<a href=\"#").Append(ProposalSection.SectionId).Append("\">Proposals</a>");
        }

        html.Append("<a href=\"#parallel\">Parallel coordinates</a>");
        if (model.Ranked.Any(t => t.ValidationCurve.Count > 0))
        {
            html.Append("<a href=\"#curves\">Learning curves</a>");
        }

        html.Append("<a href=\"#top\">Top trials</a><a href=\"#trials\">All trials</a></nav>\n");
        SummarySection.Write(html, model);
        html.Append('\n');
        HistorySection.Write(html, model);
        html.Append('\n');
        HypergradientSection.Write(html, model);
        html.Append('\n');
        TransferSection.Write(html, model);
        html.Append('\n');
        SliceSection.Write(html, model);
        html.Append('\n');
        SurrogateSection.Write(html, model);
        html.Append('\n');
        ProposalSection.Write(html, model);
        html.Append('\n');
        ParallelCoordinatesSection.Write(html, model);
        html.Append('\n');
        LearningCurveSection.Write(html, model);
        html.Append('\n');
        TableSection.WriteTop(html, model);
        html.Append('\n');
        TableSection.WriteAll(html, model);
        html.Append("\n<footer>Made by MLNet.HyperGrad. This page is self-contained: no scripts, no external resources. Hover a point or line for its trial.</footer>")
            .Append("</main></body></html>\n");
        return html.ToString();
    }

    /// <summary>Renders the report and writes it to a UTF-8 file (without a byte-order mark), replacing it if it exists.</summary>
    /// <remarks>The file is written under a temporary name and renamed into place, so a failure or a kill while writing leaves the previous report intact.</remarks>
    /// <param name="path">The file to write, usually ending in <c>.html</c>; its folder must exist.</param>
    /// <param name="data">What to show.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, ReportData data)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(data);
        AtomicFile.WriteAllText(path, Render(data));
    }
}
