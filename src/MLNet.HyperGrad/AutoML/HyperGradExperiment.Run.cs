using System.Globalization;
using System.Runtime.ExceptionServices;
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.AutoML;

public sealed partial class HyperGradExperiment
{
    /// <summary>How many proposals in a row that some trial of the study already has the experiment discards before it runs a duplicate.</summary>
    private const int MaxDuplicateProposals = 16;

    /// <summary>The curves the pruner reads, this run's and the study's earlier trials'; null without a pruner.</summary>
    private StudyCurves? curves;

    /// <summary>Whether the next trial of this run is the study's first, at the search space's declared defaults (see <see cref="NextTrialAsync"/>).</summary>
    private Queue<Parameter> pendingStartPoints = new();

    /// <summary>The attributes of the proposals that became this run's trials and have not finished yet, by trial number (<see cref="ProposalTimeAttribute"/>, <see cref="ITunerTrialAttributes"/>).</summary>
    private readonly Dictionary<int, IReadOnlyDictionary<string, double>> proposalAttributes = [];

    /// <summary>Runs the experiment until a stop condition holds.</summary>
    /// <param name="cancellationToken">Stops the run: running trials are cancelled and recorded as interrupted.</param>
    /// <returns>The best trial (smallest loss); its <see cref="TrialResult.Model"/> is kept if it ran in this call.</returns>
    /// <exception cref="InvalidOperationException">No tuner, runner or search space is configured.</exception>
    /// <exception cref="TimeoutException">No trial succeeded within the budget.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before any trial succeeded.</exception>
    public async Task<TrialResult> RunAsync(CancellationToken cancellationToken = default)
    {
        ExperimentContext context = BuildContext();
        var studyAttributes = new Dictionary<string, string>(DataMetaFeatures.ToAttributes(EffectiveMetaFeatures), StringComparer.Ordinal);
        foreach ((string key, string value) in studyDescriptions)
        {
            studyAttributes[key] = value;
        }

        ITuner tuner;
        if (describedTunerFactory is not null)
        {
            (tuner, IReadOnlyDictionary<string, string> described) = await describedTunerFactory(context, cancellationToken);
            foreach ((string key, string value) in described)
            {
                studyAttributes[key] = value;
            }
        }
        else
        {
            tuner = (tunerFactory ?? (c => new RandomSearchTuner(c.SearchSpace, c.Seed)))(context);
        }

        using ITrialRunner runner = CreateRunner(context);
        using StudySession session = await StudySession.OpenAsync(storage, studyName, taskDescription, searchSpace, seed, studyIdentity, studyAttributes, cancellationToken);

        TrialResult? best = null;
        bool anySuccess = false;
        curves = pruner is null ? null : new StudyCurves(session.PreviousTrials);
        // The start points the study does not have yet: all of them in a new study, and in a study another process
        // opened a moment earlier (worker processes start together) the ones it has not taken, so that every worker
        // starts at the cheap defaults rather than at the tuner's first (possibly costly) proposals.
        HashSet<string> taken = [.. session.PreviousTrials.Select(t => t.ParametersJson)];
        pendingStartPoints = new Queue<Parameter>(StartPoints(searchSpace).Where(p => !taken.Contains(p.ToString())));
        proposalAttributes.Clear();
        foreach (var record in session.PreviousTrials.Where(t => t.IsFinished))
        {
            TrialResult replayed = StudySession.Replay(record);
            tuner.Update(replayed);
            if (!replayed.IsFailed)
            {
                anySuccess = true;
                best = IsBetter(replayed, best) ? replayed : best;
            }
        }

        using var budget = new CancellationTokenSource(BudgetDelay(trainingTimeInSeconds), timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var running = new Dictionary<Task<TrialOutcome>, TrialSettings>();
        int started = 0;
        bool nothingLeft = false;
        ExceptionDispatchInfo? fatal = null;
        try
        {
            while (true)
            {
                while (fatal is null && !nothingLeft && running.Count < parallelism && !stop.IsCancellationRequested && (maxModels is null || started < maxModels))
                {
                    // Other workers of the study: their finished trials reach the tuner before it proposes (any worker may propose).
                    foreach (TrialResult others in await session.SyncAsync())
                    {
                        tuner.Update(others);
                        if (!others.IsFailed)
                        {
                            anySuccess = true;
                        }
                    }

                    if (maxStudyTrials is int limit && session.StudyTrialCount >= limit)
                    {
                        nothingLeft = true;
                        break;
                    }

                    if (await NextTrialAsync(tuner, session) is not { } settings)
                    {
                        nothingLeft = true;
                        break;
                    }

                    started++;
                    ForEachMonitor(m => m.ReportRunningTrial(settings));
                    running.Add(RunTrialAsync(runner, settings, stop.Token), settings);
                }

                if (running.Count == 0)
                {
                    break;
                }

                Task<TrialOutcome> finished = await Task.WhenAny(running.Keys);
                running.Remove(finished);
                TrialOutcome outcome = WithProposalAttributes(await finished);
                if (outcome.Result is { State: TrialState.Pruned } pruned)
                {
                    await session.PruneAsync(pruned, $"stopped by {pruner?.GetType().Name ?? "the runner"} after step {CurveLength(pruned)}");
                    curves?.Finish(pruned.TrialSettings.TrialId, TrialState.Pruned);
                    ForEachMonitor(m => m.ReportCompletedTrial(pruned));
                    tuner.Update(pruned);
                }
                else if (outcome.Result is { } result)
                {
                    await session.CompleteAsync(result);
                    curves?.Finish(result.TrialSettings.TrialId, TrialState.Complete, (result as LearningCurveTrialResult)?.ValidationLossCurve);
                    ForEachMonitor(m => m.ReportCompletedTrial(result));
                    tuner.Update(result);
                    anySuccess = true;
                    if (IsBetter(result, best))
                    {
                        best = result;
                        ForEachMonitor(m => m.ReportBestTrial(result));
                    }
                }
                else if (outcome.Interrupted)
                {
                    string reason = fatal is not null ? "stopped because an earlier trial failed before any succeeded"
                        : cancellationToken.IsCancellationRequested ? "cancelled by the caller" : "the time budget ran out";
                    await session.InterruptAsync(outcome.Settings, reason, outcome.DurationMilliseconds);
                    curves?.Finish(outcome.Settings.TrialId, TrialState.Interrupted);
                    ForEachMonitor(m => m.ReportFailTrial(outcome.Settings, outcome.Error));
                    tuner.Update(TrialResult.Interrupted(outcome.Settings, reason, outcome.DurationMilliseconds));
                }
                else
                {
                    Exception error = outcome.Error!;
                    await session.FailAsync(outcome.Settings, $"{error.GetType().Name}: {error.Message}", outcome.DurationMilliseconds);
                    curves?.Finish(outcome.Settings.TrialId, TrialState.Failed);
                    ForEachMonitor(m => m.ReportFailTrial(outcome.Settings, error));
                    tuner.Update(TrialResult.Failed(outcome.Settings, error, outcome.DurationMilliseconds));
                    if (!anySuccess && fatal is null && error is not TrialDivergedException)
                    {
                        fatal = ExceptionDispatchInfo.Capture(error);
                        await stop.CancelAsync();
                    }
                }
            }
        }
        finally
        {
            if (running.Count > 0)
            {
                await stop.CancelAsync();
                await Task.WhenAll(running.Keys).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        fatal?.Throw();
        if (best is not null)
        {
            return best;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"No trial finished successfully within the time budget of {trainingTimeInSeconds} s ({started} started). Raise the budget with SetTrainingTimeInSeconds.");
    }

    private ExperimentContext BuildContext()
    {
        if (searchSpace.Count == 0)
        {
            throw new InvalidOperationException("The experiment has no search space: call AddSearchSpace, or WithHyperGrad() to tune the default MLP.");
        }

        return new ExperimentContext(searchSpace, seed, trainData, validationData, parallelism);
    }

    private ITrialRunner CreateRunner(ExperimentContext context)
    {
        if (runnerFactory is null)
        {
            throw new InvalidOperationException("The experiment has no trial runner: call SetTrialRunner, or WithHyperGrad() to train the default MLP on the dataset of SetDataset.");
        }

        return runnerFactory(context);
    }

    /// <summary>
    /// The start points of a new study: the space's defaults, then, for every top-level choice among
    /// branches (a <see cref="ConditionalSearchSpace"/>, such as a choice of trainer), the same defaults
    /// with each other branch chosen, in the branches' order.
    /// </summary>
    internal static IEnumerable<Parameter> StartPoints(SearchSpace space)
    {
        double[] defaults = space.Default;
        yield return space.SampleFromFeatureSpace(defaults);
        foreach (FeatureDimension dimension in space.FeatureDimensions.Where(d => d.Branches is not null && d.ActiveWhen.Count == 0))
        {
            int levels = dimension.Branches!.Count;
            int defaultLevel = Math.Min(levels - 1, (int)(defaults[dimension.Index] * levels));
            for (int level = 0; level < levels; level++)
            {
                if (level != defaultLevel)
                {
                    double[] point = (double[])defaults.Clone();
                    point[dimension.Index] = (level + 0.5) / levels;
                    yield return space.SampleFromFeatureSpace(point);
                }
            }
        }
    }

    /// <summary>
    /// The next trial to run, recorded in the study: the retry of an interrupted trial if one is left
    /// (claimed atomically, so two processes never retry the same trial); then the start points the study lacks: the
    /// search space's declared defaults (<see cref="SearchSpace.Default"/>, and with a choice of trainers every trainer's: <see cref="StartPoints"/>), whose results reach the
    /// tuner through <see cref="ITuner.Update"/> like any other; otherwise the tuner's
    /// proposal. A proposal some trial of the study already has (another process made it first) is
    /// discarded and the tuner asked again with the study's next free number; after
    /// <see cref="MaxDuplicateProposals"/> duplicates in a row, or when the tuner repeats itself, the
    /// space is taken as exhausted for this tuner and the duplicate runs. Null when an
    /// <see cref="IFiniteTuner"/> has nothing left, or when the study holds its <see cref="SetMaxStudyTrials"/> budget of
    /// trials: the storage counts and creates in one atomic step, so workers racing for the last trials never overshoot it.
    /// </summary>
    private async Task<TrialSettings?> NextTrialAsync(ITuner tuner, StudySession session)
    {
        DateTime startedAt = timeProvider.GetUtcNow().UtcDateTime;
        if (await session.ClaimRetryAsync(maxStudyTrials) is { } retry)
        {
            return Start(retry.Number, StudySession.StoredParameter(retry), retry.RetryOf);
        }

        while (pendingStartPoints.TryPeek(out Parameter? start))
        {
            // A new study starts at the space's declared defaults (for the MLP: one epoch at a large batch),
            // so that any budget that fits one cheap trial yields a model; with a choice of trainers, at every
            // trainer's defaults in turn (AutoML's cheap starting points). A start another process of the
            // study already took is skipped; then this one goes on with the tuner.
            (int? startNumber, bool exhausted) = await session.TryStartTrialAsync(start, acceptDuplicate: false, maxStudyTrials);
            if (exhausted)
            {
                return null;
            }

            pendingStartPoints.Dequeue();
            if (startNumber is int number)
            {
                return Start(number, start, null);
            }
        }

        Parameter? previous = null;
        for (int proposals = 1; ; proposals++)
        {
            if (tuner is IFiniteTuner { IsExhausted: true })
            {
                return null;
            }

            int proposedId = session.NextNumber;
            long proposeStarted = timeProvider.GetTimestamp();
            Parameter parameter = tuner.Propose(new TrialSettings { TrialId = proposedId, StartedAtUtc = startedAt });
            double proposalMilliseconds = timeProvider.GetElapsedTime(proposeStarted).TotalMilliseconds;
            var attributes = new Dictionary<string, double>(StringComparer.Ordinal);
            if (tuner is ITunerTrialAttributes described)
            {
                foreach ((string key, double value) in described.ProposalAttributes(proposedId))
                {
                    attributes[key] = value;
                }
            }

            attributes[ProposalTimeAttribute] = proposalMilliseconds;
            bool acceptDuplicate = proposals >= MaxDuplicateProposals || parameter.Equals(previous);
            (int? created, bool exhausted) = await session.TryStartTrialAsync(parameter, acceptDuplicate, maxStudyTrials);
            if (exhausted)
            {
                return null;
            }

            if (created is int number)
            {
                proposalAttributes[number] = attributes;
                return Start(number, parameter, null);
            }

            previous = parameter;
        }

        TrialSettings Start(int number, Parameter parameter, int? retryOf)
        {
            ITrialReporter reporter = session.ReporterFor(number);
            if (pruner is not null && curves is not null)
            {
                curves.Start(number);
                reporter = new PruningTrialReporter(reporter, curves, pruner, number);
            }

            return new()
            {
                TrialId = number,
                StartedAtUtc = startedAt,
                Parameter = parameter,
                RetryOf = retryOf,
                Seed = SeedMixer.Mix(seed, number),
                Reporter = reporter,
            };
        }
    }

    private async Task<TrialOutcome> RunTrialAsync(ITrialRunner runner, TrialSettings settings, CancellationToken cancellationToken)
    {
        long start = timeProvider.GetTimestamp();
        double Elapsed() => timeProvider.GetElapsedTime(start).TotalMilliseconds;
        TrialSettings Ended() => settings with { EndedAtUtc = timeProvider.GetUtcNow().UtcDateTime };
        try
        {
            await Task.Yield();
            TrialResult result = await runner.RunAsync(settings, cancellationToken);
            TrialSettings ended = Ended();
            double duration = result.DurationInMilliseconds > 0 ? result.DurationInMilliseconds : Elapsed();
            if (result.State == TrialState.Pruned)
            {
                return new TrialOutcome(ended, result with { TrialSettings = ended, DurationInMilliseconds = duration }, null, false, duration);
            }

            if (result.IsFailed)
            {
                // A runner that returns a failed or interrupted result instead of throwing.
                Exception error = result.Exception ?? new HyperGradException($"The trial runner returned a result in state {result.State} without an exception.");
                return new TrialOutcome(ended, null, error, result.State == TrialState.Interrupted, duration);
            }

            if (!double.IsFinite(result.Loss) || !double.IsFinite(result.Metric))
            {
                // A score that is not a number ranks nowhere: the trial failed, and says why.
                return new TrialOutcome(ended, null, NotFinite(result), false, duration);
            }

            return new TrialOutcome(ended, result with { TrialSettings = ended, DurationInMilliseconds = duration }, null, false, duration);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            return new TrialOutcome(Ended(), null, ex, true, Elapsed());
        }
        catch (Exception ex)
        {
            return new TrialOutcome(Ended(), null, ex, false, Elapsed());
        }
    }

    /// <summary>The failure of a complete result whose loss or metric is NaN or infinite.</summary>
    private static TrialDivergedException NotFinite(TrialResult result) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"The trial's score is not a finite number (loss {result.Loss}, metric {result.Metric}): training diverged or the model's predictions are not finite, so the trial failed."));

    /// <summary>
    /// Whether a result beats the best so far: not failed, not NaN, and first in <see cref="TrialOrder"/> (a smaller
    /// loss; on a tie the smaller validation loss, then the lower trial number, so the best does not depend on which
    /// of two parallel trials finished first).
    /// </summary>
    private static bool IsBetter(TrialResult candidate, TrialResult? best) =>
        !candidate.IsFailed && !double.IsNaN(candidate.Loss)
        && (best is null || TrialOrder.Compare(
            candidate.Loss, TrialOrder.ValidationLoss(candidate), candidate.TrialSettings.TrialId,
            best.Loss, TrialOrder.ValidationLoss(best), best.TrialSettings.TrialId) < 0);

    /// <summary>
    /// The outcome with the attributes of the proposal that made its trial added to its result (a key the runner's result
    /// has keeps the runner's value); the proposal's entry is dropped once its trial finished in any state.
    /// </summary>
    private TrialOutcome WithProposalAttributes(TrialOutcome outcome)
    {
        if (!proposalAttributes.Remove(outcome.Settings.TrialId, out IReadOnlyDictionary<string, double>? proposal) || outcome.Result is not { } result)
        {
            return outcome;
        }

        var merged = new Dictionary<string, double>(proposal, StringComparer.Ordinal);
        foreach ((string key, double value) in result.Attributes)
        {
            merged[key] = value;
        }

        return outcome with { Result = result with { Attributes = merged } };
    }

    /// <summary>The number of epochs a learning-curve result holds, or 0.</summary>
    private static int CurveLength(TrialResult result) => (result as LearningCurveTrialResult)?.ValidationLossCurve.Count ?? 0;

    /// <summary>The budget as a timer delay; beyond what a timer can wait (about 49 days) it never expires.</summary>
    private static TimeSpan BudgetDelay(uint seconds)
    {
        TimeSpan delay = TimeSpan.FromSeconds(seconds);
        return delay.TotalMilliseconds >= uint.MaxValue - 1 ? Timeout.InfiniteTimeSpan : delay;
    }

    /// <summary>Tells every monitor; a monitor that throws is isolated (its error goes to <see cref="MonitorErrors"/>) so that it cannot stop the run.</summary>
    private void ForEachMonitor(Action<IMonitor> report)
    {
        foreach (IMonitor monitor in monitors)
        {
            try
            {
                report(monitor);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                monitorErrors.Add(ex);
            }
        }
    }
}
