namespace MLNet.HyperGrad.AutoML;

/// <summary>What a trial achieved (ML.NET AutoML's <c>TrialResult</c>).</summary>
/// <remarks>
/// Not sealed: a runner may return a subclass carrying more (a learning curve, a hypergradient), and a
/// tuner may downcast it in <see cref="ITuner.Update"/>.
/// </remarks>
public class TrialResult
{
    /// <summary>Gets or sets the trial this result belongs to.</summary>
    public TrialSettings TrialSettings { get; set; } = new();

    /// <summary>Gets or sets the trained model, if the runner keeps it (the experiment keeps the best one only).</summary>
    public object? Model { get; set; }

    /// <summary>Gets or sets the loss to minimize: the validation loss, or minus a maximized metric. NaN never wins.</summary>
    public double Loss { get; set; }

    /// <summary>Gets or sets the metric reported to people (validation accuracy, R²).</summary>
    public double Metric { get; set; }

    /// <summary>Gets or sets the trial's duration in milliseconds.</summary>
    public double DurationInMilliseconds { get; set; }

    /// <summary>Gets or sets the peak CPU use, if measured.</summary>
    public double? PeakCpu { get; set; }

    /// <summary>Gets or sets the peak memory in megabytes, if measured.</summary>
    public double? PeakMemoryInMegaByte { get; set; }

    /// <summary>Gets or sets the error of a failed trial; null for a successful one.</summary>
    public Exception? Exception { get; set; }

    /// <summary>Gets a value indicating whether the trial failed.</summary>
    public bool IsFailed => Exception is not null;

    /// <summary>The result the tuner sees for a failed trial: <see cref="Loss"/> is <see cref="double.MaxValue"/>.</summary>
    /// <param name="settings">The trial.</param>
    /// <param name="exception">Why it failed.</param>
    /// <param name="durationInMilliseconds">How long it ran.</param>
    /// <returns>The result.</returns>
    public static TrialResult Failed(TrialSettings settings, Exception exception, double durationInMilliseconds) => new()
    {
        TrialSettings = settings,
        Loss = double.MaxValue,
        Metric = double.NaN,
        DurationInMilliseconds = durationInMilliseconds,
        Exception = exception,
    };
}
