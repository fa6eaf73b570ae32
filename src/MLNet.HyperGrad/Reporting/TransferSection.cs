using System.Globalization;
using System.Text;
using MLNet.HyperGrad.Transfer;

namespace MLNet.HyperGrad.Reporting;

/// <summary>
/// Which earlier studies formed the transfer prior the study was tuned with (<see cref="ReportData.Transfer"/>), how many trials each
/// gave, and how much the pre-trained prior trusts each (its negative log likelihood per point); the studies left out and why.
/// </summary>
/// <remarks>Shown only for a study tuned with a transfer prior. Degenerate records (no source, unreadable attributes, a fit not recorded) give a sentence, never an error.</remarks>
internal static class TransferSection
{
    /// <summary>The section's element id (and its navigation anchor).</summary>
    public const string SectionId = "transfer";

    /// <summary>Below this negative log likelihood per point the prior has clearly learned a study: trust "high".</summary>
    public const double HighTrust = 1.0;

    /// <summary>Reports whether the section is shown: the study records a transfer prior.</summary>
    public static bool IsShown(ReportModel model) => model.Data.Transfer is not null;

    /// <summary>The trust a fit stands for: high, some, none (the prior contradicts the study) or unknown.</summary>
    internal static string Trust(double negativeLogLikelihoodPerPoint) =>
        !double.IsFinite(negativeLogLikelihoodPerPoint) ? "unknown"
        : negativeLogLikelihoodPerPoint < HighTrust ? "high"
        : negativeLogLikelihoodPerPoint < TransferSource.UninformedNegativeLogLikelihood ? "some"
        : "none: the prior contradicts it";

    /// <summary>Writes the section, or nothing when the study has no transfer prior.</summary>
    public static void Write(StringBuilder html, ReportModel model)
    {
        if (model.Data.Transfer is not { } transfer)
        {
            return;
        }

        string uninformed = TransferSource.UninformedNegativeLogLikelihood.ToString("0.00", CultureInfo.InvariantCulture);
        html.Append("<section id=\"").Append(SectionId).Append("\"><h2>Transfer</h2>");
        if (transfer.Problem is { } problem)
        {
            html.Append("<p class=\"empty\">The transfer record could not be read in full: ").Append(Markup.Escape(problem)).Append("</p>");
        }

        if (transfer.Sources.Count == 0)
        {
            html.Append("<p class=\"empty\">This study was tuned with a transfer prior, but it records no earlier study that formed it (filter: ")
                .Append(Markup.Escape(transfer.Filter)).Append(").</p>");
        }
        else
        {
            int trials = transfer.Sources.Sum(s => s.Trials);
            html.Append("<p class=\"caption\">The tuner's Gaussian-process prior (mean and kernel) was pre-trained on ")
                .Append(Count(transfer.Sources.Count, "earlier study", "earlier studies")).Append(" with ").Append(Count(trials, "trial", "trials"))
                .Append(", selected by ").Append(Markup.Escape(transfer.Filter))
                .Append(" (HyperBO: Wang et al., 2024). Trust is how well the final prior explains each study's trials, as the negative log likelihood per point of its standardized losses: lower is better; ")
                .Append("below ").Append(HighTrust.ToString("0.0", CultureInfo.InvariantCulture)).Append(" the prior learned the study (high), up to ").Append(uninformed)
                .Append(" (what a prior that knows nothing scores) it learned some of it, above that it contradicts it.</p>");
            if (transfer.Sources.Count == 1)
            {
                html.Append("<p class=\"caption\">One study formed the prior: it reflects that task alone, and helps only as far as this task resembles it.</p>");
            }

            if (transfer.Sources.All(s => !double.IsFinite(s.NegativeLogLikelihoodPerPoint)))
            {
                html.Append("<p class=\"empty\">No study's fit was recorded, so their trust is unknown.</p>");
            }

            double worst = Math.Max(2 * TransferSource.UninformedNegativeLogLikelihood, transfer.Sources.Select(s => s.NegativeLogLikelihoodPerPoint).Where(double.IsFinite).DefaultIfEmpty(0).Max());
            html.Append("<table id=\"transfer-sources\"><thead><tr><th>study</th><th>trials</th><th>NLL per point</th><th>trust</th><th></th></tr></thead><tbody>");
            foreach (TransferSource source in transfer.Sources)
            {
                double nll = source.NegativeLogLikelihoodPerPoint;
                html.Append("<tr><td class=\"param\">").Append(Markup.Escape(source.Study)).Append("</td><td class=\"num\">")
                    .Append(source.Trials.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"num\">")
                    .Append(double.IsFinite(nll) ? nll.ToString("0.000", CultureInfo.InvariantCulture) : "\u2013").Append("</td><td>")
                    .Append(Markup.Escape(Trust(nll))).Append("</td><td>").Append(Bar(nll, worst)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        WriteHedge(html, model);
        if (transfer.Rejected.Count > 0)
        {
            html.Append("<h3>Studies left out</h3><p class=\"caption\">The filter selected them, but they could not inform the prior.</p>")
                .Append("<table id=\"transfer-rejected\" class=\"kv\"><thead><tr><th>study</th><th>why</th></tr></thead><tbody>");
            foreach (RejectedStudy rejected in transfer.Rejected)
            {
                html.Append("<tr><td class=\"param\">").Append(Markup.Escape(rejected.Name)).Append("</td><td>").Append(Markup.Escape(rejected.Reason)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (transfer.Sources.Count > 0 && transfer.PriorJson is null)
        {
            html.Append("<p class=\"caption\">The prior itself was too large to store with the study.</p>");
        }

        html.Append("</section>");
    }

    /// <summary>
    /// With <c>HedgeTransfer</c> (trials that record <see cref="Tuners.PortfolioTuner.MemberAttribute"/>): how many trials the meta tuner
    /// and the single-task GP each proposed, and how many of those lowered the best loss so far (in trial order, complete trials only).
    /// </summary>
    private static void WriteHedge(StringBuilder html, ReportModel model)
    {
        if (!model.Trials.Any(t => t.Attributes.ContainsKey(Tuners.PortfolioTuner.MemberAttribute)))
        {
            return;
        }

        // Member 0 is the meta tuner and 1 the single-task GP: the order HyperGradExperimentExtensions gives the hedged portfolio.
        int[] proposed = new int[2];
        int[] improved = new int[2];
        double best = double.PositiveInfinity;
        foreach (ReportTrial trial in model.Trials)
        {
            int? member = trial.Attributes.TryGetValue(Tuners.PortfolioTuner.MemberAttribute, out double m) && m is 0 or 1 ? (int)m : null;
            if (member is int k)
            {
                proposed[k]++;
            }

            if (ReportModel.IsComplete(trial) && trial.Loss is double loss && double.IsFinite(loss) && loss < best)
            {
                if (member is int j && double.IsFinite(best))
                {
                    improved[j]++;
                }

                best = loss;
            }
        }

        html.Append("<p id=\"transfer-hedge\" class=\"caption\">Hedged with the single-task GP tuner (<code>HedgeTransfer</code>): the meta tuner proposed ")
            .Append(Count(proposed[0], "trial", "trials")).Append(" (").Append(Count(improved[0], "new best", "new bests")).Append("), the single-task GP ")
            .Append(Count(proposed[1], "trial", "trials")).Append(" (").Append(Count(improved[1], "new best", "new bests"))
            .Append("); each trial's proposer was drawn with odds that grow with that tuner's new bests (Exp3), so the more trials the meta tuner got, the more the prior paid off on this task.</p>");
    }

    /// <summary>A bar whose length grows with trust: full for a perfect fit, empty at <paramref name="worst"/>.</summary>
    private static string Bar(double nll, double worst)
    {
        const double Width = 160;
        if (!double.IsFinite(nll))
        {
            return string.Empty;
        }

        double share = Math.Clamp((worst - nll) / (worst - Math.Min(0, nll) + 1e-12), 0, 1);
        string color = nll < HighTrust ? Palette.SeriesColor(2) : nll < TransferSource.UninformedNegativeLogLikelihood ? Palette.SeriesColor(0) : Palette.SeriesColor(1);
        return string.Create(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"10\" role=\"img\" aria-label=\"trust\"><rect x=\"0\" y=\"0\" width=\"{Width * share:0.#}\" height=\"10\" fill=\"{color}\"/></svg>");
    }

    private static string Count(int n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");
}
