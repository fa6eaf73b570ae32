using System.Collections.ObjectModel;

namespace MLNet.HyperGrad.Reporting;

/// <summary>Everything an <see cref="HtmlReport"/> shows: the study's description, its trials and how to read the metric.</summary>
/// <remarks>The collections are copied when set, so the data does not change after it is built.</remarks>
public sealed record ReportData
{
    private readonly IReadOnlyList<ReportTrial> trials = [];
    private readonly IReadOnlyList<string> notes = [];
    private readonly IReadOnlySet<string> logScaleParameters = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the page title.</summary>
    /// <value>The default is <c>Hyperparameter tuning report</c>.</value>
    public string Title { get; init; } = "Hyperparameter tuning report";

    /// <summary>Gets a one-line description of the task, for example <c>classification on data.csv (label: Species)</c>.</summary>
    /// <value>The default is empty.</value>
    public string TaskDescription { get; init; } = string.Empty;

    /// <summary>Gets the name of the metric (<c>accuracy</c>, <c>R²</c>), used on axes and in tables.</summary>
    /// <value>The default is <c>metric</c>.</value>
    public string MetricName { get; init; } = "metric";

    /// <summary>Gets a value indicating whether a larger metric is better (accuracy) rather than a smaller one (RMSE).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool MetricHigherIsBetter { get; init; } = true;

    /// <summary>Gets the trials in any order; they are shown by <see cref="ReportTrial.Number"/>.</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentNullException">Set to null, or an element is null.</exception>
    public IReadOnlyList<ReportTrial> Trials
    {
        get => trials;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            ReportTrial[] copy = [.. value];
            if (Array.IndexOf(copy, null) is int index and >= 0)
            {
                throw new ArgumentNullException(nameof(value), $"Trials[{index}] is null.");
            }

            trials = Array.AsReadOnly(copy);
        }
    }

    /// <summary>Gets the number of the best trial, or null to let the report pick the complete trial with the best finite metric.</summary>
    public int? BestTrialNumber { get; init; }

    /// <summary>Gets when the study started (UTC), or null to use the earliest trial start.</summary>
    public DateTime? StartedAtUtc { get; init; }

    /// <summary>Gets when the study ended (UTC), or null to use the latest trial start plus its duration.</summary>
    public DateTime? EndedAtUtc { get; init; }

    /// <summary>Gets the tuner's name (<c>hypergrad</c>, <c>gaussian-process</c>).</summary>
    /// <value>The default is empty.</value>
    public string Tuner { get; init; } = string.Empty;

    /// <summary>Gets free-form notes shown under the summary, one paragraph each.</summary>
    /// <value>The default is empty.</value>
    /// <exception cref="ArgumentNullException">Set to null, or an element is null.</exception>
    public IReadOnlyList<string> Notes
    {
        get => notes;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            string[] copy = [.. value];
            if (Array.IndexOf(copy, null) is int index and >= 0)
            {
                throw new ArgumentNullException(nameof(value), $"Notes[{index}] is null.");
            }

            notes = Array.AsReadOnly(copy);
        }
    }

    /// <summary>Gets the parameter key paths drawn on a log10 axis (<c>mlp.learning_rate</c>); compared ordinally.</summary>
    /// <value>
    /// The default is empty. A listed parameter with a value that is not positive is drawn on a linear
    /// axis instead, and the chart says so.
    /// </value>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IReadOnlySet<string> LogScaleParameters
    {
        get => logScaleParameters;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            logScaleParameters = new ReadOnlySet<string>(new HashSet<string>(value, StringComparer.Ordinal));
        }
    }

    /// <summary>Gets the search space the trials sampled, or null when unknown.</summary>
    /// <value>
    /// The default is null. With it, a study whose trials the Gaussian-process tuner proposed (they carry
    /// <see cref="Tuners.GaussianProcessTuner.SourceAttribute"/>) gets the surrogate section: a Gaussian process refitted
    /// to the complete trials (their <see cref="ReportTrial.ParametersJson"/> mapped into the space's unit cube), drawn along
    /// each parameter's slice through the best trial. The report only reads the space; do not change it while rendering.
    /// </value>
    public SearchSpaces.SearchSpace? SearchSpace { get; init; }

    /// <summary>Gets what the study records about the transfer prior it was tuned with, or null when it had none.</summary>
    /// <value>The default is null. With it, the report gets a Transfer section: the earlier studies that formed the prior, their trials and how much the prior trusts each, and the studies left out.</value>
    public MLNet.HyperGrad.Transfer.TransferSummary? Transfer { get; init; }

    /// <summary>Gets the name of the values in <see cref="ReportTrial.ValidationCurve"/>, used on the learning-curve axis.</summary>
    /// <value>The default is <c>validation metric</c>.</value>
    public string ValidationCurveName { get; init; } = "validation metric";
}
