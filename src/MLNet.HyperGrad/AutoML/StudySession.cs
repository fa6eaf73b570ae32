using System.Globalization;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The experiment's view of its study: trial numbers, persistence, retries and resumption.</summary>
/// <remarks>Without a storage it only numbers trials from 0.</remarks>
internal sealed class StudySession : IDisposable
{
    /// <summary>The reason stored for a trial whose process died while it ran.</summary>
    public const string ProcessStoppedReason = "the process running it stopped before it finished";

    private readonly IStudyStorage? storage;
    private long studyId;
    private int nextNumber;
    private bool mayHaveRetries;
    private string? workerId;

    private StudySession(IStudyStorage? storage) => this.storage = storage;

    /// <summary>Gets the trials stored before this run, in number order.</summary>
    public IReadOnlyList<TrialRecord> PreviousTrials { get; private set; } = [];

    /// <summary>Gets a value indicating whether the study may still hold interrupted trials that no trial retries.</summary>
    public bool MayHaveRetries => mayHaveRetries;

    /// <summary>The numbers of the study's finished trials whose results reached this run's tuner (replayed at open, or run here).</summary>
    private readonly HashSet<int> known = [];

    /// <summary>Gets the trials of the study that count towards a study-wide limit, as of the last <see cref="SyncAsync"/> (or open): all but the interrupted ones.</summary>
    public int StudyTrialCount { get; private set; }

    /// <summary>Gets the number the next new trial will most likely get (another process may take it first).</summary>
    public int NextNumber => nextNumber;

    /// <summary>The study attribute that records the seed the study was created with.</summary>
    public const string SeedAttribute = "seed";

    public static async Task<StudySession> OpenAsync(IStudyStorage? storage, string? name, string taskDescription, SearchSpace space, int seed, IReadOnlyDictionary<string, string> identity, IReadOnlyDictionary<string, string> descriptions, CancellationToken cancellationToken)
    {
        var session = new StudySession(storage);
        if (storage is null || name is null)
        {
            return session;
        }

        string seedText = seed.ToString(CultureInfo.InvariantCulture);
        if (await storage.GetStudyAsync(name, cancellationToken) is { } stored
            && SearchSpaceDescription.Compare(stored.SearchSpaceJson, space) is { Count: > 0 } differences)
        {
            var mismatch = new SearchSpaceMismatchException(name, differences);
            throw new StorageException(mismatch.Message, mismatch);
        }

        var attributes = identity.ToDictionary(kv => StudyIdentity.AttributePrefix + kv.Key, kv => kv.Value, StringComparer.Ordinal);
        attributes[SeedAttribute] = seedText;
        foreach ((string key, string value) in descriptions)
        {
            attributes[key] = value;
        }

        StudyRecord study = await storage.GetOrCreateStudyAsync(name, taskDescription, Describe(space), StudyDirection.Minimize, attributes, cancellationToken);
        await CheckIdentityAsync(storage, study, identity, cancellationToken);
        foreach ((string key, string value) in descriptions.Where(kv => !study.Attributes.TryGetValue(kv.Key, out string? stored) || stored != kv.Value))
        {
            // Descriptions (meta-features, the transfer prior's sources) are this run's facts: they replace earlier values and never refuse a resume.
            await storage.SetStudyAttributeAsync(study.Id, key, value, cancellationToken);
        }

        if (!study.Attributes.TryGetValue(SeedAttribute, out string? storedSeed))
        {
            await storage.SetStudyAttributeAsync(study.Id, SeedAttribute, seedText, cancellationToken);
        }
        else if (storedSeed != seedText)
        {
            throw new StorageException($"Cannot resume study '{name}': it was created with seed {storedSeed} and this run gives seed {seedText}. Trial seeds derive from the study's seed, so resume it with seed {storedSeed}, or use another study name.");
        }

        session.studyId = study.Id;
        if (!TrialWorkers.IsSupervised)
        {
            // A worker of a StudyWorkerProcesses pool leaves this to its supervisor, which swept before it started any worker and
            // fails the trial of a sibling that dies with the exit reason: a sibling that opens the study late (a slow start on a
            // loaded machine) must not take that trial as merely interrupted and retry it first.
            await InterruptTrialsOfGoneWorkersAsync(storage, study.Id, cancellationToken);
        }

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id, cancellationToken);
        session.PreviousTrials = trials;
        session.known.UnionWith(trials.Where(t => t.IsFinished).Select(t => t.Number));
        session.StudyTrialCount = trials.Count(t => t.State != TrialState.Interrupted);
        session.nextNumber = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
        var retried = new HashSet<int>(trials.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value));
        session.mayHaveRetries = trials.Any(t => t.State == TrialState.Interrupted && !retried.Contains(t.Number));
        session.workerId = TrialWorkers.Register();
        return session;
    }

    /// <summary>
    /// Interrupts the study's running trials whose worker is gone (<see cref="TrialWorkers.IsGone"/>: on this host, its process
    /// no longer runs), with <see cref="ProcessStoppedReason"/>, so that a later trial retries them.
    /// </summary>
    /// <param name="storage">The study's storage.</param>
    /// <param name="studyId">The study.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    public static async Task InterruptTrialsOfGoneWorkersAsync(IStudyStorage storage, long studyId, CancellationToken cancellationToken)
    {
        IEnumerable<string> staleWorkers = (await storage.GetTrialsAsync(studyId, cancellationToken))
            .Where(t => t.State == TrialState.Running && t.WorkerId is not null)
            .Select(t => t.WorkerId!)
            .Distinct(StringComparer.Ordinal)
            .Where(TrialWorkers.IsGone);
        foreach (string worker in staleWorkers)
        {
            await storage.InterruptStaleRunningTrialsAsync(studyId, ProcessStoppedReason, worker, cancellationToken);
        }
    }

    /// <summary>Refuses a run whose identity differs from the one the study records; records the parts the study lacks (a study created before identities were recorded).</summary>
    private static async Task CheckIdentityAsync(IStudyStorage storage, StudyRecord study, IReadOnlyDictionary<string, string> identity, CancellationToken cancellationToken)
    {
        if (StudyIdentity.Compare(study, identity) is { Count: > 0 } differences)
        {
            throw new StudyIdentityMismatchException(study.Name, differences);
        }

        foreach ((string key, string value) in identity.Where(kv => !study.Attributes.ContainsKey(StudyIdentity.AttributePrefix + kv.Key)))
        {
            await storage.SetStudyAttributeAsync(study.Id, StudyIdentity.AttributePrefix + key, value, cancellationToken);
        }
    }

    /// <summary>Gets this run's worker id (<see cref="TrialWorkers"/>), stored with every trial it runs; registered once the study is open.</summary>
    public string WorkerId => workerId ?? throw new InvalidOperationException("The study session has no storage.");

    /// <summary>Marks this run's worker id as no longer live: trials it left running may be taken as interrupted.</summary>
    public void Dispose()
    {
        if (workerId is not null)
        {
            TrialWorkers.Release(workerId);
        }
    }

    /// <summary>
    /// Claims the oldest interrupted trial that no trial retries yet and records its retry, atomically
    /// in the storage, so that two processes resuming one study never retry the same trial.
    /// </summary>
    /// <param name="maxTrials">The study-wide trial budget (<see cref="TrialBudget"/>), checked in the same atomic step; null for none.</param>
    /// <returns>The retry (running, with its own number), or null when none is left or the budget is exhausted.</returns>
    public async Task<TrialRecord?> ClaimRetryAsync(int? maxTrials)
    {
        if (storage is null || !mayHaveRetries)
        {
            return null;
        }

        TrialRecord? retry = await storage.ClaimRetryAsync(studyId, WorkerId, maxTrials, CancellationToken.None);
        if (retry is null)
        {
            mayHaveRetries = false;
            return null;
        }

        nextNumber = Math.Max(nextNumber, retry.Number + 1);
        return retry;
    }

    /// <summary>
    /// Reads the study again: the results of trials that other workers (processes or machines) finished since the last call, for
    /// the tuner's <see cref="ITuner.Update"/>, so that its view is the study's; and the <see cref="StudyTrialCount"/>.
    /// </summary>
    /// <returns>The newly finished trials of others, in number order; empty without a storage.</returns>
    public async Task<IReadOnlyList<TrialResult>> SyncAsync()
    {
        if (storage is null || workerId is null)
        {
            return [];
        }

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(studyId, CancellationToken.None);
        StudyTrialCount = trials.Count(t => t.State != TrialState.Interrupted);
        nextNumber = Math.Max(nextNumber, trials.Count == 0 ? 0 : trials[^1].Number + 1);
        // Interrupted trials nobody retries yet, or trials other workers run (a storage with heartbeats re-queues those of dead
        // workers inside ClaimRetryAsync): the next trial first tries to claim a retry.
        var retriedNow = new HashSet<int>(trials.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value));
        mayHaveRetries = trials.Any(t => (t.State == TrialState.Interrupted && !retriedNow.Contains(t.Number)) || (t.State == TrialState.Running && t.WorkerId != workerId));
        var fresh = new List<TrialResult>();
        foreach (TrialRecord record in trials.Where(t => t.IsFinished && !known.Contains(t.Number) && t.WorkerId != workerId))
        {
            known.Add(record.Number);
            fresh.Add(Replay(record));
        }

        return fresh;
    }

    /// <summary>
    /// Records a new running trial with these parameters, unless a trial of the study already has them or the study holds its
    /// budget of trials: the storage counts, checks and creates in one atomic step (<see cref="IStudyStorage.TryCreateTrialAsync"/>).
    /// </summary>
    /// <param name="parameter">The tuner's proposal.</param>
    /// <param name="acceptDuplicate">Record it even when another trial has the same parameters.</param>
    /// <param name="maxTrials">The study-wide trial budget (<see cref="TrialBudget"/>), or null for none; without a storage it has no effect.</param>
    /// <returns>
    /// The trial's number, or null when the parameters were taken (then <see cref="NextNumber"/> is up to date); and whether the
    /// budget was exhausted (then no trial was created, and none will be).
    /// </returns>
    public async Task<(int? Number, bool BudgetExhausted)> TryStartTrialAsync(Parameter parameter, bool acceptDuplicate, int? maxTrials)
    {
        if (storage is null)
        {
            return (nextNumber++, false);
        }

        TrialCreation creation = await storage.TryCreateTrialAsync(studyId, parameter.ToString(), WorkerId, maxTrials, acceptDuplicate, CancellationToken.None);
        nextNumber = Math.Max(nextNumber, creation.NextNumber);
        return (creation.Trial?.Number, creation.IsBudgetExhausted);
    }

    /// <summary>The reporter a runner uses to store the intermediate values of trial <paramref name="number"/> as it trains.</summary>
    public ITrialReporter ReporterFor(int number) => storage is null ? NoTrialReporter.Instance : new StudyTrialReporter(storage, studyId, number);

    /// <summary>Records a complete trial with its <see cref="TrialResult.Attributes"/>; a learning curve its runner did not report while training is stored now.</summary>
    public async Task CompleteAsync(TrialResult result)
    {
        if (storage is null)
        {
            return;
        }

        int number = result.TrialSettings.TrialId;
        known.Add(number);
        await StoreUnreportedCurveAsync(result);
        await storage.CompleteTrialAsync(studyId, number, result.Loss, result.Metric, result.DurationInMilliseconds, result.Attributes, CancellationToken.None);
    }

    /// <summary>Records a trial a pruner stopped, with its loss and metric at the step it stopped, its curve and its <see cref="TrialResult.Attributes"/>.</summary>
    public async Task PruneAsync(TrialResult result, string reason)
    {
        if (storage is null)
        {
            return;
        }

        known.Add(result.TrialSettings.TrialId);
        await StoreUnreportedCurveAsync(result);
        await storage.PruneTrialAsync(studyId, result.TrialSettings.TrialId, result.Loss, result.Metric, result.DurationInMilliseconds, reason, result.Attributes, CancellationToken.None);
    }

    /// <summary>Stores the learning curve of a result whose runner did not report it while training.</summary>
    private async Task StoreUnreportedCurveAsync(TrialResult result)
    {
        ITrialReporter reporter = result.TrialSettings.Reporter is PruningTrialReporter pruning ? pruning.Inner : result.TrialSettings.Reporter;
        if (storage is not null && result is LearningCurveTrialResult curve && reporter is StudyTrialReporter { HasReported: false })
        {
            for (int epoch = 0; epoch < curve.ValidationLossCurve.Count; epoch++)
            {
                await storage.ReportIntermediateValueAsync(studyId, result.TrialSettings.TrialId, epoch + 1, curve.ValidationLossCurve[epoch], CancellationToken.None);
            }
        }
    }

    /// <summary>Records a trial that failed by itself.</summary>
    public async Task FailAsync(TrialSettings settings, string error, double durationMilliseconds)
    {
        if (storage is not null)
        {
            known.Add(settings.TrialId);
            await storage.FailTrialAsync(studyId, settings.TrialId, error, durationMilliseconds, CancellationToken.None);
        }
    }

    /// <summary>Records a trial stopped from outside; it keeps the values it reported, and a later run retries it.</summary>
    public async Task InterruptAsync(TrialSettings settings, string reason, double durationMilliseconds)
    {
        if (storage is not null)
        {
            known.Add(settings.TrialId);
            await storage.InterruptTrialAsync(studyId, settings.TrialId, reason, durationMilliseconds, CancellationToken.None);
        }
    }

    /// <summary>The settings and tuner-visible result of a stored, finished trial.</summary>
    /// <exception cref="StorageException">The trial's stored parameters are not valid parameter JSON; the message names the trial.</exception>
    public static TrialResult Replay(TrialRecord record)
    {
        var settings = new TrialSettings
        {
            TrialId = record.Number,
            StartedAtUtc = record.StartedAtUtc,
            EndedAtUtc = record.EndedAtUtc,
            Parameter = StoredParameter(record),
            RetryOf = record.RetryOf,
        };
        if (record.State is TrialState.Complete or TrialState.Pruned)
        {
            // The curve stored while it trained: its last value breaks ties in loss (TrialOrder).
            return new LearningCurveTrialResult
            {
                TrialSettings = settings,
                State = record.State,
                ValidationLossCurve = [.. record.IntermediateValues.OrderBy(v => v.Step).Select(v => v.Value)],
                Loss = record.Loss ?? (record.State == TrialState.Pruned ? double.MaxValue : double.NaN),
                Metric = record.Metric ?? double.NaN,
                DurationInMilliseconds = record.DurationMilliseconds ?? 0,
                Attributes = record.Attributes,
            };
        }

        double duration = record.DurationMilliseconds ?? 0;
        return record.State == TrialState.Interrupted
            ? TrialResult.Interrupted(settings, record.Error ?? "interrupted", duration)
            : TrialResult.Failed(settings, new HyperGradException(record.Error ?? record.State.ToString()), duration) with { State = record.State };
    }

    /// <summary>The parameters a stored trial ran with.</summary>
    /// <exception cref="StorageException">They are not valid parameter JSON; the message names the trial.</exception>
    public static Parameter StoredParameter(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            return Parameter.FromJson(record.ParametersJson);
        }
        catch (ArgumentException ex)
        {
            throw new StorageException(
                string.Create(CultureInfo.InvariantCulture, $"Trial {record.Number} of study {record.StudyId} has stored parameters that are not valid parameter JSON ({ex.Message}); the database was changed outside this library."),
                ex);
        }
    }

    /// <summary>A JSON description of a search space's slots, stored with the study so a resumed study tunes the same space.</summary>
    public static string Describe(SearchSpace space) => SearchSpaceDescription.ToJson(space);
}
