using System.Globalization;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.AutoML;

/// <summary>The experiment's view of its study: trial numbers, persistence and resumption.</summary>
/// <remarks>Without a storage it only numbers trials from 0.</remarks>
internal sealed class StudySession
{
    /// <summary>The error text prefix of a trial that did not fail by itself and is retried on resume.</summary>
    public const string InterruptedPrefix = HyperGradExperiment.InterruptedErrorPrefix;

    private readonly IStudyStorage? storage;
    private long studyId;
    private int nextNumber;

    private StudySession(IStudyStorage? storage) => this.storage = storage;

    /// <summary>Gets the trials stored before this run, in number order.</summary>
    public IReadOnlyList<TrialRecord> PreviousTrials { get; private set; } = [];

    /// <summary>Gets the interrupted trials to run again, oldest first.</summary>
    public Queue<TrialRecord> Retries { get; } = new();

    /// <summary>The study attribute that records the seed the study was created with.</summary>
    public const string SeedAttribute = "seed";

    public static async Task<StudySession> OpenAsync(IStudyStorage? storage, string? name, string taskDescription, SearchSpace space, int seed, CancellationToken cancellationToken)
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

        StudyRecord study = await storage.GetOrCreateStudyAsync(
            name, taskDescription, Describe(space), StudyDirection.Minimize, new Dictionary<string, string> { [SeedAttribute] = seedText }, cancellationToken);
        if (!study.Attributes.TryGetValue(SeedAttribute, out string? storedSeed))
        {
            await storage.SetStudyAttributeAsync(study.Id, SeedAttribute, seedText, cancellationToken);
        }
        else if (storedSeed != seedText)
        {
            throw new StorageException($"Cannot resume study '{name}': it was created with seed {storedSeed} and this run gives seed {seedText}. Trial seeds derive from the study's seed, so resume it with seed {storedSeed}, or use another study name.");
        }

        session.studyId = study.Id;
        IEnumerable<string> staleWorkers = (await storage.GetTrialsAsync(study.Id, cancellationToken))
            .Where(t => t.State == TrialState.Running && t.WorkerId is not null)
            .Select(t => t.WorkerId!)
            .Distinct(StringComparer.Ordinal)
            .Where(IsGone);
        foreach (string worker in staleWorkers)
        {
            await storage.FailStaleRunningTrialsAsync(study.Id, InterruptedPrefix + "the process running it stopped before it finished", worker, cancellationToken);
        }

        IReadOnlyList<TrialRecord> trials = await storage.GetTrialsAsync(study.Id, cancellationToken);
        session.PreviousTrials = trials;
        session.nextNumber = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
        var retried = new HashSet<int>(trials.Where(t => t.RetryOf is not null).Select(t => t.RetryOf!.Value));
        foreach (TrialRecord trial in trials)
        {
            if (trial.State == TrialState.Failed && trial.Error is not null && trial.Error.StartsWith(InterruptedPrefix, StringComparison.Ordinal) && !retried.Contains(trial.Number))
            {
                session.Retries.Enqueue(trial);
            }
        }

        return session;
    }

    /// <summary>Gets this process's worker id, <c>host:pid</c>, stored with every trial it runs.</summary>
    public static string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Whether the process that ran trials as <paramref name="worker"/> is gone: on this host, its pid no
    /// longer runs (or is this process, which has not started any trial of this run yet). Workers on other
    /// hosts are never judged: their running trials are left alone.
    /// </summary>
    internal static bool IsGone(string worker)
    {
        int colon = worker.LastIndexOf(':');
        if (colon <= 0 || worker[..colon] != Environment.MachineName ||
            !int.TryParse(worker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>Gets the number the next trial will most likely get.</summary>
    public int PeekNextNumber => nextNumber;

    /// <summary>Records a new running trial and returns its number.</summary>
    public async Task<int> StartTrialAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        if (storage is null)
        {
            return nextNumber++;
        }

        TrialRecord record = await storage.CreateTrialAsync(studyId, settings.Parameter.ToString(), WorkerId, settings.RetryOf, cancellationToken);
        nextNumber = Math.Max(nextNumber, record.Number + 1);
        return record.Number;
    }

    public async Task CompleteAsync(TrialResult result)
    {
        if (storage is null)
        {
            return;
        }

        int number = result.TrialSettings.TrialId;
        if (result is LearningCurveTrialResult curve)
        {
            for (int epoch = 0; epoch < curve.ValidationLossCurve.Count; epoch++)
            {
                await storage.ReportIntermediateValueAsync(studyId, number, epoch + 1, curve.ValidationLossCurve[epoch], CancellationToken.None);
            }
        }

        await storage.CompleteTrialAsync(studyId, number, result.Loss, result.Metric, result.DurationInMilliseconds, CancellationToken.None);
    }

    public async Task FailAsync(TrialSettings settings, string error, double durationMilliseconds)
    {
        if (storage is null)
        {
            return;
        }

        await storage.FailTrialAsync(studyId, settings.TrialId, error, durationMilliseconds, CancellationToken.None);
    }

    /// <summary>The settings and tuner-visible result of a stored, finished trial.</summary>
    public static TrialResult Replay(TrialRecord record)
    {
        var settings = new TrialSettings
        {
            TrialId = record.Number,
            StartedAtUtc = record.StartedAtUtc,
            EndedAtUtc = record.EndedAtUtc,
            Parameter = Parameter.FromJson(record.ParametersJson),
            RetryOf = record.RetryOf,
        };
        if (record.State == TrialState.Complete)
        {
            return new TrialResult
            {
                TrialSettings = settings,
                Loss = record.Loss ?? double.NaN,
                Metric = record.Metric ?? double.NaN,
                DurationInMilliseconds = record.DurationMilliseconds ?? 0,
            };
        }

        return TrialResult.Failed(settings, new HyperGradException(record.Error ?? record.State.ToString()), record.DurationMilliseconds ?? 0);
    }

    /// <summary>A JSON description of a search space's slots, stored with the study so a resumed study tunes the same space.</summary>
    public static string Describe(SearchSpace space) => SearchSpaceDescription.ToJson(space);
}
