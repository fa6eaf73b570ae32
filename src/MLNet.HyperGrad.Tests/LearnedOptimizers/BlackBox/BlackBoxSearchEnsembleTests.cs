using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using TorchSharp;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers.BlackBox;

/// <summary><see cref="BlackBoxSearch"/> with several networks: the coordinate-wise median of their proposals.</summary>
public sealed class BlackBoxSearchEnsembleTests
{
    [Theory]
    [InlineData(new[] { 0.3 }, 0.3)]
    [InlineData(new[] { 0.9, 0.1, 0.5 }, 0.5)]
    [InlineData(new[] { 0.9, 0.1, 0.5, 0.2 }, 0.35)]
    [InlineData(new[] { 0.7, 0.7, 0.1, 0.95, 0.2 }, 0.7)]
    public void Median_KnownValues_MiddleValueOrMeanOfTheTwoMiddleOnes(double[] values, double expected)
    {
        Assert.Equal(expected, BlackBoxSearch.Median([.. values]), 15);
    }

    [Fact]
    public void Median_NoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => BlackBoxSearch.Median([]));
    }

    [Fact]
    public void Propose_ThreeNetworks_TheCoordinateWiseMedianOfEachNetworkAlone()
    {
        BlackBoxLstmInference[] networks = [.. new ulong[] { 3, 4, 5 }.Select(Network)];
        var ensemble = new BlackBoxSearch(networks, 4);
        BlackBoxSearch[] alone = [.. networks.Select(n => new BlackBoxSearch(n, 4))];
        var random = new Random(11);
        for (int t = 0; t < 6; t++)
        {
            double[] x = [.. Enumerable.Range(0, 4).Select(_ => random.NextDouble())];
            double y = random.NextDouble();
            ensemble.Observe(x, y);
            foreach (BlackBoxSearch search in alone)
            {
                search.Observe(x, y);
            }

            double[] noise = [.. Enumerable.Range(0, 4).Select(_ => (random.NextDouble() * 4) - 2)];
            double[] proposal = ensemble.Propose(noise);
            double[][] each = [.. alone.Select(s => s.Propose(noise))];
            for (int i = 0; i < 4; i++)
            {
                double[] column = [each[0][i], each[1][i], each[2][i]];
                Array.Sort(column);
                Assert.Equal(column[1], proposal[i]);
            }

            // The members differ, so the median is a real combination, not one network's output.
            Assert.NotEqual(each[0], each[1]);
        }
    }

    [Fact]
    public void Propose_RoundRobin_NetworksTakeTurnsWhileEveryOneReadsEveryObservation()
    {
        BlackBoxLstmInference[] networks = [.. new ulong[] { 3, 4, 5 }.Select(Network)];
        var ensemble = new BlackBoxSearch(networks, 2, BlackBoxEnsembleCombination.RoundRobin);
        BlackBoxSearch[] alone = [.. networks.Select(n => new BlackBoxSearch(n, 2))];
        var random = new Random(8);
        for (int t = 0; t < 7; t++)
        {
            double[] x = [random.NextDouble(), random.NextDouble()];
            double y = random.NextDouble();
            ensemble.Observe(x, y);
            foreach (BlackBoxSearch search in alone)
            {
                search.Observe(x, y);
            }

            double[] noise = [random.NextDouble() - 0.5, random.NextDouble() - 0.5];
            Assert.Equal(alone[t % 3].Propose(noise), ensemble.Propose(noise));
        }
    }

    [Fact]
    public void Propose_SameNetworkTwice_SameProposalsAsItAlone()
    {
        BlackBoxLstmInference network = Network(7);
        var twice = new BlackBoxSearch([network, network], 3);
        var alone = new BlackBoxSearch(network, 3);
        var random = new Random(5);
        for (int t = 0; t < 5; t++)
        {
            double[] x = [.. Enumerable.Range(0, 3).Select(_ => random.NextDouble())];
            double y = t == 2 ? double.NaN : random.NextDouble();
            twice.Observe(x, y);
            alone.Observe(x, y);
            double[] noise = [random.NextDouble(), -random.NextDouble(), 0.5];
            Assert.Equal(alone.Propose(noise), twice.Propose(noise));
        }
    }

    [Fact]
    public void Create_NoNetworks_Throws()
    {
        Assert.Throws<ArgumentException>(() => new BlackBoxSearch(Array.Empty<BlackBoxLstmInference>(), 2));
    }

    private static BlackBoxLstmInference Network(ulong seed)
    {
        using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 8, seed: seed, torch.ScalarType.Float64);
        return network.ToInference();
    }
}
