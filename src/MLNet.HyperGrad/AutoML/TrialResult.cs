using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>What a trial achieved (ML.NET AutoML's <c>TrialResult</c>).</summary>
/// <remarks>
/// <para>Immutable once built: a runner sets everything in its initializer, and the experiment makes a
/// copy with <c>with</c> to add what only it knows (the trial's end time, the duration); a copy keeps
/// the runtime type.</para>
/// <para>Not sealed: a runner may return a derived record carrying more (a learning curve, a
/// hypergradient), and a tuner may downcast it in <see cref="ITuner.Update"/>.</para>
/// </remarks>
public record TrialResult
{
    /// <summary>Gets the trial this result belongs to.</summary>
    public TrialSettings TrialSettings { get; init; } = new();

    /// <summary>Gets how the trial ended.</summary>
    /// <value>The default is <see cref="TrialState.Complete"/>; <see cref="Failed"/> and <see cref="Interrupted"/> build the others.</value>
    public TrialState State { get; init; } = TrialState.Complete;

    /// <summary>Gets the trained model, if the runner keeps it (the experiment keeps the best one only).</summary>
    public object? Model { get; init; }

    /// <summary>Gets the loss to minimize: the validation loss, or minus a maximized metric. NaN never wins.</summary>
    public double Loss { get; init; }

    /// <summary>Gets the metric reported to people (validation accuracy, R²).</summary>
    public double Metric { get; init; }

    /// <summary>Gets the trial's duration in milliseconds.</summary>
    public double DurationInMilliseconds { get; init; }

    /// <summary>Gets the peak CPU use, if measured.</summary>
    public double? PeakCpu { get; init; }

    /// <summary>Gets the peak memory in megabytes, if measured.</summary>
    public double? PeakMemoryInMegaByte { get; init; }

    /// <summary>Gets numeric attributes of the trial that the loss does not hold, such as <c>"test_loss"</c> beside a validation loss, sorted by key.</summary>
    /// <value>
    /// The default is empty. Keys are names such as <c>test_loss</c>, <c>train_loss</c>; values are finite numbers,
    /// or NaN when unknown (infinities are kept too). The experiment stores them with a complete trial
    /// (<see cref="IStudyStorage.CompleteTrialAsync"/>), and reports show them (<c>ReportTrial.Attributes</c>).
    /// The dictionary is copied when set.
    /// </value>
    /// <exception cref="ArgumentException">Set with a key that is null, empty or white space.</exception>
    public IReadOnlyDictionary<string, double> Attributes
    {
        get;
        init => field = TrialAttributes.Copy(value, nameof(Attributes));
    } = TrialAttributes.Empty;

    /// <summary>Gets why the trial failed or was interrupted (an <see cref="OperationCanceledException"/> then); null for a complete one.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Gets a value indicating whether the trial did not complete: it failed, or was interrupted (<see cref="State"/> says which).</summary>
    public bool IsFailed => State != TrialState.Complete || Exception is not null;

    /// <summary>The result the tuner sees for a trial that failed by itself: <see cref="Loss"/> is <see cref="double.MaxValue"/>.</summary>
    /// <param name="settings">The trial.</param>
    /// <param name="exception">Why it failed.</param>
    /// <param name="durationInMilliseconds">How long it ran.</param>
    /// <returns>The result, in state <see cref="TrialState.Failed"/>.</returns>
    public static TrialResult Failed(TrialSettings settings, Exception exception, double durationInMilliseconds) =>
        NotCompleted(settings, TrialState.Failed, exception, durationInMilliseconds);

    /// <summary>
    /// The result the tuner sees for a trial stopped from outside (the time budget, the caller's
    /// cancellation, a process that died): <see cref="Loss"/> is <see cref="double.MaxValue"/>, as for a
    /// failure, and a resumed study runs the trial again.
    /// </summary>
    /// <param name="settings">The trial.</param>
    /// <param name="reason">What stopped it, such as "the time budget ran out".</param>
    /// <param name="durationInMilliseconds">How long it ran.</param>
    /// <returns>The result, in state <see cref="TrialState.Interrupted"/>, with an <see cref="OperationCanceledException"/> carrying the reason.</returns>
    public static TrialResult Interrupted(TrialSettings settings, string reason, double durationInMilliseconds) =>
        NotCompleted(settings, TrialState.Interrupted, new OperationCanceledException(reason), durationInMilliseconds);

    private static TrialResult NotCompleted(TrialSettings settings, TrialState state, Exception exception, double durationInMilliseconds) => new()
    {
        TrialSettings = settings,
        State = state,
        Loss = double.MaxValue,
        Metric = double.NaN,
        DurationInMilliseconds = durationInMilliseconds,
        Exception = exception,
    };
}
