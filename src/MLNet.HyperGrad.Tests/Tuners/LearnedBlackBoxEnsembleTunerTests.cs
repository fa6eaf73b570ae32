using MLNet.HyperGrad.AutoML;
using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using MLNet.HyperGrad.SearchSpaces;
using MLNet.HyperGrad.Tuners;

namespace MLNet.HyperGrad.Tests.Tuners;

/// <summary>The learned tuner built on an ensemble of networks (internal, for the bench; coordinate-wise median): the tuner contract, and its argument checks.</summary>
public sealed class LearnedBlackBoxEnsembleTunerTests : TunerContractTests
{
    private static readonly Lazy<BlackBoxLstm[]> Members = new(() => [.. new ulong[] { 1, 2, 3 }.Select(s => BlackBoxLstm.Create(hiddenSize: 8, seed: s))]);

    protected override ITuner CreateTuner(SearchSpace space, int seed) => new LearnedBlackBoxTuner(space, Members.Value, seed: seed);

    [Fact]
    public void Create_EmptyOrNullNetworks_ThrowsNamingTheProblem()
    {
        SearchSpace space = MixedSpace();
        var empty = Assert.Throws<ArgumentException>(() => new LearnedBlackBoxTuner(space, Array.Empty<BlackBoxLstm>(), seed: 0));
        Assert.Contains("at least one network", empty.Message, StringComparison.Ordinal);
        var nullMember = Assert.Throws<ArgumentException>(() => new LearnedBlackBoxTuner(space, [Members.Value[0], null!], seed: 0));
        Assert.Contains("Network 1 of 2 is null", nullMember.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new LearnedBlackBoxTuner(space, (IReadOnlyList<BlackBoxLstm>)null!, seed: 0));
    }

    [Fact]
    public void Propose_EnsembleOfOne_SameTrialsAsTheSingleNetworkTuner()
    {
        SearchSpace space = MixedSpace();
        BlackBoxLstm network = Members.Value[1];
        List<string> Run(ITuner tuner)
        {
            var proposals = new List<string>();
            for (int id = 0; id < 8; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                settings = settings with { Parameter = tuner.Propose(settings) };
                proposals.Add(settings.Parameter.ToString());
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = Math.Sin(id * 1.7) });
            }

            return proposals;
        }

        var ensemble = new LearnedBlackBoxTuner(space, [network], seed: 4);
        Assert.Equal(1, ensemble.NetworkCount);
        Assert.Equal(Run(new LearnedBlackBoxTuner(space, 4, network)), Run(ensemble));
    }

    [Fact]
    public void Propose_ThreeNetworks_DiffersFromEachNetworkAlone()
    {
        SearchSpace space = MixedSpace();
        List<string> Run(ITuner tuner)
        {
            var proposals = new List<string>();
            for (int id = 0; id < 6; id++)
            {
                var settings = new TrialSettings { TrialId = id };
                settings = settings with { Parameter = tuner.Propose(settings) };
                proposals.Add(settings.Parameter.ToString());
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = Math.Cos(id * 0.9) });
            }

            return proposals;
        }

        var tuner = new LearnedBlackBoxTuner(space, Members.Value, seed: 2);
        Assert.Equal(3, tuner.NetworkCount);
        List<string> combined = Run(tuner);
        foreach (BlackBoxLstm member in Members.Value)
        {
            Assert.NotEqual(Run(new LearnedBlackBoxTuner(space, 2, member)), combined);
        }
    }
}
