using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

public sealed class LearnedBlackBoxTunerTests : TunerContractTests
{
    protected override ITuner CreateTuner(SearchSpace space, int seed) => new LearnedBlackBoxTuner(space, seed);

    [Fact]
    public void Propose_DifferentSeeds_DifferentProposals()
    {
        Assert.NotEqual(Sequence(seed: 1), Sequence(seed: 2));
    }

    [Fact]
    public void Propose_MonotoneTransformOfTheLoss_SameProposals()
    {
        // The network reads losses as ranks: a loss and its exponential give the same search.
        var space = new SearchSpace { ["a"] = new UniformDoubleOption(-2, 2), ["b"] = new UniformDoubleOption(1e-3, 10, logBase: true) };
        List<string> Run(Func<double, double> transform)
        {
            var tuner = new LearnedBlackBoxTuner(space, 3);
            var proposals = new List<string>();
            for (int id = 0; id < 12; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                settings = settings with { Parameter = tuner.Propose(settings) };
                proposals.Add(settings.Parameter.ToString());
                double a = settings.Parameter["a"].AsType<double>(), b = Math.Log10(settings.Parameter["b"].AsType<double>());
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = transform(((a - 0.5) * (a - 0.5)) + (b * b)) });
            }

            return proposals;
        }

        Assert.Equal(Run(v => v), Run(Math.Exp));
    }

    [Fact]
    public void Propose_SphereInTheUnitCube_BeatsRandomSearchOverSeeds()
    {
        // The shipped network on a smooth bowl with its minimum off-centre, 30 trials, 10 seeds (deterministic).
        var space = new SearchSpace();
        for (int i = 0; i < 4; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(0, 1);
        }

        double Best(ITuner tuner)
        {
            double best = double.PositiveInfinity;
            for (int id = 0; id < 30; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                settings = settings with { Parameter = tuner.Propose(settings) };
                double loss = Enumerable.Range(0, 4).Sum(i => Math.Pow(settings.Parameter[$"x{i}"].AsType<double>() - 0.2 - (0.15 * i), 2));
                best = Math.Min(best, loss);
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss });
            }

            return best;
        }

        double[] learned = [.. Enumerable.Range(0, 10).Select(s => Best(new LearnedBlackBoxTuner(space, s)))];
        double[] random = [.. Enumerable.Range(0, 10).Select(s => Best(new RandomSearchTuner(space, s)))];
        Assert.True(learned.Order().ElementAt(5) < random.Order().ElementAt(5), $"learned median {learned.Order().ElementAt(5):G3}, random {random.Order().ElementAt(5):G3}");
    }

    [Fact]
    public void ProposalDurations_OnePerProposal()
    {
        var tuner = new LearnedBlackBoxTuner(MixedSpace(), 0);
        for (int id = 0; id < 3; id++)
        {
            var settings = new TrialSettings { TrialId = id };
            settings = settings with { Parameter = tuner.Propose(settings) };
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = id });
        }

        Assert.Equal(3, tuner.ProposalDurations.Count);
        Assert.Equal(3, tuner.UpdateCount);
    }
}
