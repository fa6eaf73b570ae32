using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Storage;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>
/// The multi-worker tuner contract (<see cref="ITuner"/>'s remarks): several trials pending at once, a tuner rebuilt from
/// storage, results in any order. Every tuner's test class inherits it, through <see cref="TunerContractTests"/> (which
/// derives from it) or directly when the tuner supports only a special space (override <see cref="MultiWorkerSpace"/>).
/// A new tuner's test class must inherit one of the two.
/// </summary>
public abstract class MultiWorkerTunerContractTests
{
    private const int Concurrent = 6;

    /// <summary>Creates the tuner under test over a space, with a seed.</summary>
    protected abstract ITuner CreateTuner(SearchSpace space, int seed);

    /// <summary>
    /// Gets how many trials run one at a time before the concurrent proposals: by default 16, enough for the GP tuner to
    /// leave its 10 startup trials behind (three of these fail, two are pruned). A tuner with no startup design may use fewer.
    /// </summary>
    protected virtual int Warmup => 16;

    /// <summary>The space the multi-worker tests search; it must allow six distinct points.</summary>
    protected abstract SearchSpace MultiWorkerSpace();

    [Fact]
    public void Propose_ManyPendingWithoutUpdates_AllValidAndDistinct()
    {
        // Cold (no result yet) and warm (after enough results for model-based tuners to leave their startup design).
        SearchSpace space = MultiWorkerSpace();
        ITuner cold = CreateTuner(space, seed: 11);
        AssertValidAndDistinct(space, [.. Enumerable.Range(0, Concurrent).Select(id => cold.Propose(new TrialSettings { TrialId = id }))]);

        ITuner warm = CreateTuner(space, seed: 12);
        RunSequentially(space, warm, 0, Warmup);
        AssertValidAndDistinct(space, [.. Enumerable.Range(Warmup, Concurrent).Select(id => warm.Propose(new TrialSettings { TrialId = id }))]);
    }

    [Fact]
    public void Update_RebuiltFromStorageWithEveryFinishedTrial_ProposesValidly()
    {
        SearchSpace space = MultiWorkerSpace();
        ITuner original = CreateTuner(space, seed: 13);
        List<TrialResult> stored = RunSequentially(space, original, 0, Warmup);

        // A new worker: a fresh tuner fed every finished trial as storage replays them (plain results, failed, pruned).
        ITuner rebuilt = CreateTuner(space, seed: 13);
        foreach (TrialResult result in stored)
        {
            rebuilt.Update(result);
        }

        // Sequential from here on, so only validity is asked (a sequential tuner may revisit its best point).
        for (int id = Warmup; id < Warmup + 4; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = rebuilt.Propose(settings) };
            AssertValid(space, settings.Parameter);
            rebuilt.Update(Result(space, settings));
        }
    }

    [Fact]
    public void Update_ResultsOutOfOrderAndFromOtherWorkers_AcceptedAndProposalsStayValid()
    {
        SearchSpace space = MultiWorkerSpace();
        ITuner tuner = CreateTuner(space, seed: 14);
        ITuner other = CreateTuner(space, seed: 99);
        var pending = new List<TrialSettings>();
        for (int id = 0; id < Concurrent; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            pending.Add(settings with { Parameter = tuner.Propose(settings) });
        }

        // Results arrive last-proposed first, interleaved with trials another worker proposed (ids this tuner never saw).
        for (int i = pending.Count - 1; i >= 0; i--)
        {
            tuner.Update(Result(space, pending[i]));
            var foreign = new TrialSettings { TrialId = 100 + i };
            tuner.Update(Result(space, foreign with { Parameter = other.Propose(foreign) }));
        }

        var next = new List<Parameter>();
        for (int id = Concurrent; id < Concurrent + 4; id++)
        {
            next.Add(tuner.Propose(new TrialSettings { TrialId = id }));
        }

        AssertValidAndDistinct(space, next);
    }

    /// <summary>Proposes and updates trials <paramref name="from"/> to <paramref name="to"/> − 1 one at a time; every fifth fails and every seventh is pruned.</summary>
    private static List<TrialResult> RunSequentially(SearchSpace space, ITuner tuner, int from, int to)
    {
        var results = new List<TrialResult>();
        for (int id = from; id < to; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            TrialResult result = Result(space, settings);
            if (id % 5 == 4)
            {
                result = TrialResult.Failed(settings, new InvalidOperationException("diverged"), 1);
            }
            else if (id % 7 == 6)
            {
                result = new TrialResult { TrialSettings = settings, Loss = result.Loss + 1, Metric = -(result.Loss + 1), State = TrialState.Pruned };
            }

            tuner.Update(result);
            results.Add(result);
        }

        return results;
    }

    /// <summary>A completed result whose loss is the sphere around 0.3 in the unit cube.</summary>
    private static TrialResult Result(SearchSpace space, TrialSettings settings)
    {
        double loss = space.MappingToFeatureSpace(settings.Parameter).Sum(f => (f - 0.3) * (f - 0.3));
        return new TrialResult { TrialSettings = settings, Loss = loss, Metric = -loss };
    }

    private static void AssertValid(SearchSpace space, Parameter p)
    {
        double[] features = space.MappingToFeatureSpace(p);
        Assert.Equal(space.FeatureSpaceDim, features.Length);
        Assert.All(features, f => Assert.InRange(f, 0.0, 1.0));
        Assert.Equal(p, space.SampleFromFeatureSpace(features));
        Assert.Equal(p, Parameter.FromJson(p.ToString()));
    }

    private static void AssertValidAndDistinct(SearchSpace space, IReadOnlyList<Parameter> proposals)
    {
        foreach (Parameter p in proposals)
        {
            AssertValid(space, p);
        }

        string[] texts = [.. proposals.Select(p => p.ToString())];
        Assert.True(texts.Distinct(StringComparer.Ordinal).Count() == texts.Length, "Concurrent proposals repeat a point: " + string.Join(" | ", texts));
    }
}
