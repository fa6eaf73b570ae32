namespace MLNet.HyperGrad.Storage;

/// <summary>
/// Persists studies and their trials so that an experiment can be resumed after a crash and
/// earlier studies can be mined (transfer learning, reports). Parameters and search spaces are
/// JSON text: a storage never interprets them.
/// </summary>
/// <remarks>
/// <para>Every implementation gives these guarantees; <c>StudyStorageContractTests</c> in the test
/// project checks them, and a new storage inherits that suite.</para>
/// <list type="bullet">
/// <item><description><b>Thread safety.</b> Every member may be called concurrently, from parallel
/// trials of one process and from several processes (or machines, where the backend allows) that
/// share one store.</description></item>
/// <item><description><b>Consecutive trial numbers.</b> <see cref="CreateTrialAsync"/> gives the
/// trials of a study the numbers 0, 1, 2, ... atomically: never twice the same number, never a
/// gap, even when callers race.</description></item>
/// <item><description><b>Finished trials are immutable.</b> A trial is created
/// <see cref="TrialState.Running"/> and moves exactly once to <see cref="TrialState.Complete"/>,
/// <see cref="TrialState.Failed"/>, <see cref="TrialState.Pruned"/> or <see cref="TrialState.Interrupted"/>.
/// Any later attempt to change it (complete, fail, prune, interrupt, report an intermediate value)
/// throws <see cref="StorageException"/> and changes nothing. Only <see cref="DeleteStudyAsync"/>
/// removes finished trials, with their study.</description></item>
/// <item><description><b>A trial is retried at most once.</b> Creating a second trial with the same
/// <c>retryOf</c> throws <see cref="StorageException"/>; <see cref="ClaimRetryAsync"/> claims an
/// interrupted trial and creates its retry in one atomic step, so that workers resuming one study
/// together never retry the same trial twice.</description></item>
/// <item><description><b>No two trials with the same parameters</b> are created by
/// <see cref="TryCreateTrialAsync"/>: it checks and creates atomically.</description></item>
/// <item><description><b>An exact study-wide trial budget.</b> <see cref="TryCreateTrialAsync"/> and
/// <see cref="ClaimRetryAsync"/> take an optional <c>maxTrials</c>: counting the study's trials that count towards it and
/// creating the new trial are one atomic step, so that however many workers (threads, processes, machines) race, the study
/// never holds more than <c>maxTrials</c> counted trials. The trials that count are those
/// <see cref="TrialState.Running"/>, <see cref="TrialState.Complete"/>, <see cref="TrialState.Failed"/> and
/// <see cref="TrialState.Pruned"/>; an <see cref="TrialState.Interrupted"/> trial does not count, and its retry counts in its
/// place, so a trial whose worker died and that another worker re-runs counts once (<see cref="TrialBudget"/>).</description></item>
/// <item><description><b>Durability.</b> When a writing call returns, its change is on stable
/// storage: killing the process (<c>kill -9</c>) right after loses nothing. A call that throws
/// changes nothing.</description></item>
/// <item><description><b>Snapshots.</b> Records returned are immutable copies; they do not follow
/// later changes.</description></item>
/// </list>
/// <para>Life cycle of a trial, as the experiment drives it: <see cref="TryCreateTrialAsync"/> when
/// the tuner proposes parameters, or <see cref="ClaimRetryAsync"/> to run an interrupted trial
/// again; any number of <see cref="ReportIntermediateValueAsync"/> while it trains (Optuna's
/// <c>trial.report(value, step)</c>), each durable at once; then exactly one of
/// <see cref="CompleteTrialAsync"/>, <see cref="FailTrialAsync"/>, <see cref="PruneTrialAsync"/> or
/// <see cref="InterruptTrialAsync"/>. On resume, <see cref="InterruptStaleRunningTrialsAsync"/>
/// interrupts the trials a killed process left running, so that they are retried too.</para>
/// <para>Arguments that are malformed (null, empty names, invalid JSON, negative steps or
/// durations) throw the <see cref="ArgumentException"/> family; everything about the stored state
/// throws <see cref="StorageException"/>. Using a disposed storage throws
/// <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public interface IStudyStorage : IDisposable
{
    /// <summary>Creates a study.</summary>
    /// <param name="name">The unique name of the study; not empty.</param>
    /// <param name="taskDescription">A free-text description of the task (data set, model); may be empty.</param>
    /// <param name="searchSpaceJson">The search space as JSON text; must be valid JSON.</param>
    /// <param name="direction">Whether the study minimizes or maximizes its objective.</param>
    /// <param name="attributes">User attributes to store with the study, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The new study.</returns>
    /// <exception cref="StorageException">A study with this name already exists, or the store failed.</exception>
    /// <exception cref="ArgumentException">The name is empty or the search space is not valid JSON.</exception>
    Task<StudyRecord> CreateStudyAsync(
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        IReadOnlyDictionary<string, string>? attributes = null,
        CancellationToken cancellationToken = default);

    /// <summary>Gets a study by name.</summary>
    /// <param name="name">The name of the study.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The study, or <see langword="null"/> when none has this name.</returns>
    Task<StudyRecord?> GetStudyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Opens the study with this name to resume it, or creates it when it does not exist, atomically.</summary>
    /// <param name="name">The unique name of the study; not empty.</param>
    /// <param name="taskDescription">The task description, stored only when the study is created.</param>
    /// <param name="searchSpaceJson">The search space as JSON text; an existing study must hold an equal one.</param>
    /// <param name="direction">The direction; an existing study must have the same.</param>
    /// <param name="attributes">User attributes, stored only when the study is created; use <see cref="SetStudyAttributeAsync"/> to change them later.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The existing or new study.</returns>
    /// <remarks>
    /// A resumed study must tune the same space: the stored and the given search spaces are
    /// compared as JSON values (whitespace and the order of object members do not matter).
    /// </remarks>
    /// <exception cref="StorageException">The study exists with another search space or direction (the message shows both), or the store failed.</exception>
    /// <exception cref="ArgumentException">The name is empty or the search space is not valid JSON.</exception>
    Task<StudyRecord> GetOrCreateStudyAsync(
        string name,
        string taskDescription,
        string searchSpaceJson,
        StudyDirection direction,
        IReadOnlyDictionary<string, string>? attributes = null,
        CancellationToken cancellationToken = default);

    /// <summary>Lists every study, in creation order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The studies, ordered by <see cref="StudyRecord.Id"/>.</returns>
    Task<IReadOnlyList<StudyRecord>> ListStudiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a study with its attributes, trials and intermediate values.</summary>
    /// <param name="name">The name of the study.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>Whether a study with this name existed.</returns>
    Task<bool> DeleteStudyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Sets (adds or replaces) one user attribute of a study.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="key">The attribute's key; not empty.</param>
    /// <param name="value">The attribute's value.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>A task that completes when the attribute is durable.</returns>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    Task SetStudyAttributeAsync(long studyId, string key, string value, CancellationToken cancellationToken = default);

    /// <summary>Creates a <see cref="TrialState.Running"/> trial with the next number of its study, atomically.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="parametersJson">The parameters of the trial as JSON text; must be valid JSON.</param>
    /// <param name="workerId">The worker (process or machine) running the trial, or <see langword="null"/>.</param>
    /// <param name="retryOf">The number of an earlier trial of the same study that this one retries, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The new trial, numbered one past the highest number of the study (0 for the first).</returns>
    /// <exception cref="StorageException">The study, or the trial named by <paramref name="retryOf"/>, does not exist, that trial is already retried by another, or the store failed.</exception>
    /// <exception cref="ArgumentException">The parameters are not valid JSON, the worker id is empty, or <paramref name="retryOf"/> is negative.</exception>
    Task<TrialRecord> CreateTrialAsync(
        long studyId,
        string parametersJson,
        string? workerId = null,
        int? retryOf = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a <see cref="TrialState.Running"/> trial with the next number of its study, unless a
    /// trial of the study already has these parameters, or the study already holds <paramref name="maxTrials"/> trials that
    /// count towards its budget: the checks and the creation are one atomic step.
    /// </summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="parametersJson">The parameters of the trial as JSON text; must be valid JSON. Parameters are equal when their texts are equal (ordinal).</param>
    /// <param name="workerId">The worker (process or machine) running the trial, or <see langword="null"/>.</param>
    /// <param name="maxTrials">
    /// The study-wide trial budget, or <see langword="null"/> for none: when the study holds this many trials that
    /// <see cref="TrialBudget.Counts">count</see> (running, complete, failed, pruned; not interrupted), nothing is created and
    /// the result says <see cref="TrialCreation.IsBudgetExhausted"/>. At least 1.
    /// </param>
    /// <param name="acceptDuplicate">Create the trial even when another trial of the study has the same parameters (the budget still holds).</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The new trial; or the number of the trial that already has the parameters; or that the budget is exhausted; each with the study's next free number.</returns>
    /// <remarks>
    /// Workers sharing a study propose from what they know, and may propose what another worker is
    /// already running; this is where the second proposal is refused, so that it can be replaced. The budget is checked
    /// first: a study at its budget answers <see cref="TrialCreation.IsBudgetExhausted"/> whatever the parameters.
    /// </remarks>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    /// <exception cref="ArgumentException">The parameters are not valid JSON, or the worker id is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTrials"/> is less than 1.</exception>
    Task<TrialCreation> TryCreateTrialAsync(
        long studyId,
        string parametersJson,
        string? workerId = null,
        int? maxTrials = null,
        bool acceptDuplicate = false,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the oldest <see cref="TrialState.Interrupted"/> trial of a study that no trial retries
    /// yet, and creates its retry: a <see cref="TrialState.Running"/> trial with the same parameters,
    /// the next number and <see cref="TrialRecord.RetryOf"/> set, in one atomic step.
    /// </summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="workerId">The worker that will run the retry, or <see langword="null"/>.</param>
    /// <param name="maxTrials">
    /// The study-wide trial budget, or <see langword="null"/> for none: when the study already holds this many trials that
    /// <see cref="TrialBudget.Counts">count</see>, no retry is claimed. The interrupted trial does not count and its retry does,
    /// so re-running a trial whose worker died fits the budget the trial fitted. At least 1.
    /// </param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The retry, or <see langword="null"/> when no interrupted trial is left to retry or the budget is exhausted.</returns>
    /// <remarks>Two workers calling this together never get retries of the same trial; the budget check, the claim and the creation are one atomic step.</remarks>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    /// <exception cref="ArgumentException">The worker id is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTrials"/> is less than 1.</exception>
    Task<TrialRecord?> ClaimRetryAsync(long studyId, string? workerId = null, int? maxTrials = null, CancellationToken cancellationToken = default);

    /// <summary>Records a value that a running trial reached at one step (for example the validation loss after an epoch).</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="step">The step, from 0; reporting a step again replaces its value.</param>
    /// <param name="value">The value; NaN and infinities are kept.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>A task that completes when the value is durable.</returns>
    /// <exception cref="StorageException">The trial does not exist or has finished, or the store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    Task ReportIntermediateValueAsync(long studyId, int number, int step, double value, CancellationToken cancellationToken = default);

    /// <summary>Finishes a running trial as <see cref="TrialState.Complete"/>.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="loss">The loss, smaller is better; NaN and infinities are kept.</param>
    /// <param name="metric">The metric the trial reported; NaN and infinities are kept.</param>
    /// <param name="durationMilliseconds">How long the trial ran, in milliseconds; finite and not negative.</param>
    /// <param name="attributes">
    /// Numeric attributes stored with the result in the same atomic write (<c>test_loss</c>), read back in
    /// <see cref="TrialRecord.Attributes"/>; NaN and infinities are kept. <see langword="null"/> or empty for none.
    /// </param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="StorageException">The trial does not exist or has already finished, or the store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative or not finite.</exception>
    /// <exception cref="ArgumentException">An attribute's key is null, empty or white space.</exception>
    Task<TrialRecord> CompleteTrialAsync(
        long studyId,
        int number,
        double loss,
        double metric,
        double durationMilliseconds,
        IReadOnlyDictionary<string, double>? attributes = null,
        CancellationToken cancellationToken = default);

    /// <summary>Finishes a running trial as <see cref="TrialState.Failed"/>.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="error">Why it failed (typically the exception's type and message).</param>
    /// <param name="durationMilliseconds">How long the trial ran, in milliseconds, or <see langword="null"/> when unknown.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="StorageException">The trial does not exist or has already finished, or the store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative or not finite.</exception>
    Task<TrialRecord> FailTrialAsync(
        long studyId,
        int number,
        string error,
        double? durationMilliseconds = null,
        CancellationToken cancellationToken = default);

    /// <summary>Finishes a running trial as <see cref="TrialState.Pruned"/> (stopped early by a pruner).</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="loss">The loss when it was stopped (typically its last intermediate value), or <see langword="null"/>.</param>
    /// <param name="metric">The metric when it was stopped, or <see langword="null"/>.</param>
    /// <param name="durationMilliseconds">How long the trial ran, in milliseconds, or <see langword="null"/> when unknown.</param>
    /// <param name="reason">Why it was pruned, stored in <see cref="TrialRecord.Error"/>, or <see langword="null"/>.</param>
    /// <param name="attributes">
    /// Numeric attributes stored with the result in the same atomic write (how the tuner proposed the trial), read back in
    /// <see cref="TrialRecord.Attributes"/>; NaN and infinities are kept. <see langword="null"/> or empty for none.
    /// </param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="StorageException">The trial does not exist or has already finished, or the store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative or not finite.</exception>
    /// <exception cref="ArgumentException">An attribute's key is null, empty or white space.</exception>
    Task<TrialRecord> PruneTrialAsync(
        long studyId,
        int number,
        double? loss = null,
        double? metric = null,
        double? durationMilliseconds = null,
        string? reason = null,
        IReadOnlyDictionary<string, double>? attributes = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes a running trial as <see cref="TrialState.Interrupted"/>: stopped from outside (the
    /// time budget, the caller's cancellation) before it finished. Its intermediate values are kept,
    /// and a resumed study retries it (<see cref="ClaimRetryAsync"/>).
    /// </summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="reason">What stopped it (for example "the time budget ran out"), stored in <see cref="TrialRecord.Error"/>.</param>
    /// <param name="durationMilliseconds">How long the trial ran, in milliseconds, or <see langword="null"/> when unknown.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="StorageException">The trial does not exist or has already finished, or the store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative or not finite.</exception>
    Task<TrialRecord> InterruptTrialAsync(
        long studyId,
        int number,
        string reason,
        double? durationMilliseconds = null,
        CancellationToken cancellationToken = default);

    /// <summary>Gets every trial of a study, with its intermediate values, as one consistent snapshot.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trials, ordered by number.</returns>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long studyId, CancellationToken cancellationToken = default);

    /// <summary>Gets one trial with its intermediate values.</summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="number">The number of the trial.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial, or <see langword="null"/> when the study has no trial with this number.</returns>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    Task<TrialRecord?> GetTrialAsync(long studyId, int number, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks as <see cref="TrialState.Interrupted"/> the trials of a study that are still
    /// <see cref="TrialState.Running"/> because the process running them was killed, atomically.
    /// </summary>
    /// <param name="studyId">The identifier of the study.</param>
    /// <param name="reason">Stored as the trials' <see cref="TrialRecord.Error"/> (for example "the process running it stopped before it finished").</param>
    /// <param name="workerId">Only trials of this worker, or <see langword="null"/> for all running trials of the study.</param>
    /// <param name="cancellationToken">Cancels the call before it writes.</param>
    /// <returns>The trials it interrupted, ordered by number; their duration is <see langword="null"/> (unknown).</returns>
    /// <remarks>
    /// Called when a study is resumed, before new trials start. With several workers on one
    /// study, pass <paramref name="workerId"/> so that trials other workers are running now are
    /// left alone. Finished trials are never touched.
    /// </remarks>
    /// <exception cref="StorageException">The study does not exist, or the store failed.</exception>
    Task<IReadOnlyList<TrialRecord>> InterruptStaleRunningTrialsAsync(
        long studyId,
        string reason,
        string? workerId = null,
        CancellationToken cancellationToken = default);
}
