using System.Runtime.ExceptionServices;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.AutoML;

public sealed partial class HyperGradExperiment
{
    /// <summary>Runs the experiment until a stop condition holds.</summary>
    /// <param name="cancellationToken">Stops the run: running trials are cancelled and recorded as interrupted.</param>
    /// <returns>The best trial (smallest loss); its <see cref="TrialResult.Model"/> is kept if it ran in this call.</returns>
    /// <exception cref="InvalidOperationException">No tuner, runner or search space is configured.</exception>
    /// <exception cref="TimeoutException">No trial succeeded within the budget.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before any trial succeeded.</exception>
    public async Task<TrialResult> RunAsync(CancellationToken cancellationToken = default)
    {
        ExperimentContext context = BuildContext();
        ITuner tuner = (tunerFactory ?? (c => new RandomSearchTuner(c.SearchSpace, c.Seed)))(context);
        using ITrialRunner runner = CreateRunner(context);
        StudySession session = await StudySession.OpenAsync(storage, studyName, taskDescription, searchSpace, seed, cancellationToken);

        TrialResult? best = null;
        bool anySuccess = false;
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
        ExceptionDispatchInfo? fatal = null;
        try
        {
            while (true)
            {
                while (fatal is null && running.Count < parallelism && !stop.IsCancellationRequested && (maxModels is null || started < maxModels)
                       && (session.Retries.Count > 0 || tuner is not IFiniteTuner { IsExhausted: true }))
                {
                    TrialSettings settings = await NextTrialAsync(tuner, session, stop.Token);
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
                TrialOutcome outcome = await finished;
                if (outcome.Result is { } result)
                {
                    await session.CompleteAsync(result);
                    ForEachMonitor(m => m.ReportCompletedTrial(result));
                    tuner.Update(result);
                    anySuccess = true;
                    if (IsBetter(result, best))
                    {
                        best = result;
                        ForEachMonitor(m => m.ReportBestTrial(result));
                    }
                }
                else
                {
                    string reason = outcome.Interrupted
                        ? StudySession.InterruptedPrefix + (fatal is not null ? "stopped because an earlier trial failed before any succeeded"
                            : cancellationToken.IsCancellationRequested ? "cancelled by the caller" : "the time budget ran out")
                        : $"{outcome.Error!.GetType().Name}: {outcome.Error.Message}";
                    await session.FailAsync(outcome.Settings, reason, outcome.DurationMilliseconds);
                    ForEachMonitor(m => m.ReportFailTrial(outcome.Settings, outcome.Error));
                    tuner.Update(TrialResult.Failed(outcome.Settings, outcome.Error ?? new OperationCanceledException(reason), outcome.DurationMilliseconds));
                    if (!outcome.Interrupted && !anySuccess && fatal is null)
                    {
                        fatal = ExceptionDispatchInfo.Capture(outcome.Error!);
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

    private async Task<TrialSettings> NextTrialAsync(ITuner tuner, StudySession session, CancellationToken cancellationToken)
    {
        var settings = new TrialSettings { StartedAtUtc = timeProvider.GetUtcNow().UtcDateTime };
        if (session.Retries.TryDequeue(out var retry))
        {
            settings.Parameter = Parameter.FromJson(retry.ParametersJson);
            settings.RetryOf = retry.Number;
        }
        else
        {
            settings.TrialId = session.PeekNextNumber;
            settings.Parameter = tuner.Propose(settings);
        }

        settings.TrialId = await session.StartTrialAsync(settings, CancellationToken.None);
        settings.Seed = SeedMixer.Mix(seed, settings.TrialId);
        return settings;
    }

    private async Task<TrialOutcome> RunTrialAsync(ITrialRunner runner, TrialSettings settings, CancellationToken cancellationToken)
    {
        long start = timeProvider.GetTimestamp();
        double Elapsed() => timeProvider.GetElapsedTime(start).TotalMilliseconds;
        try
        {
            await Task.Yield();
            TrialResult result = await runner.RunAsync(settings, cancellationToken);
            settings.EndedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
            result.TrialSettings = settings;
            if (result.DurationInMilliseconds <= 0)
            {
                result.DurationInMilliseconds = Elapsed();
            }

            return new TrialOutcome(settings, result, null, false, result.DurationInMilliseconds);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            settings.EndedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
            return new TrialOutcome(settings, null, ex, true, Elapsed());
        }
        catch (Exception ex)
        {
            settings.EndedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
            return new TrialOutcome(settings, null, ex, false, Elapsed());
        }
    }

    /// <summary>
    /// Whether a result beats the best so far: not failed, not NaN, a smaller loss, and on a tie the
    /// lower trial number (so the best does not depend on which of two parallel trials finished first).
    /// </summary>
    private static bool IsBetter(TrialResult candidate, TrialResult? best) =>
        !candidate.IsFailed && !double.IsNaN(candidate.Loss)
        && (best is null || candidate.Loss < best.Loss || (candidate.Loss == best.Loss && candidate.TrialSettings.TrialId < best.TrialSettings.TrialId));

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
