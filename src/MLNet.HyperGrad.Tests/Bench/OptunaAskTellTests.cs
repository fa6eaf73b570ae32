using MLNet.HyperGrad.Bench;

namespace MLNet.HyperGrad.Tests.Bench;

/// <summary>
/// The benchmark's bridge to Optuna 5 (bench/peers/optuna_ask_tell.py under /usr/bin/python3, with the Optuna
/// vendored in ../shared/peers/python): real driver processes on a toy objective.
/// </summary>
public sealed class OptunaAskTellTests
{
    private static readonly OptunaFloat[] Space =
    [
        new("learning_rate", 1e-3, 1.0, Log: true),
        new("momentum", 0.5, 0.99, Log: false),
    ];

    [Fact]
    public void Ask_TpeOnToyObjectivePastItsStartupTrials_SuggestsValuesInsideTheBounds()
    {
        using var peer = new OptunaAskTell("tpe", seed: 3, Space);
        Assert.StartsWith("5.", peer.Version, StringComparison.Ordinal);
        var values = new List<double>();
        for (int trial = 0; trial < 13; trial++)
        {
            IReadOnlyDictionary<string, double> x = peer.Ask();
            Assert.Equal(["learning_rate", "momentum"], x.Keys.Order(StringComparer.Ordinal));
            Assert.InRange(x["learning_rate"], 1e-3, 1.0);
            Assert.InRange(x["momentum"], 0.5, 0.99);
            double value = Math.Pow(Math.Log10(x["learning_rate"]) + 1, 2) + Math.Pow(x["momentum"] - 0.9, 2);
            values.Add(value);
            peer.Tell(value);
        }

        // Past the 10 startup trials TPE samples near the good ones: its last 3 suggestions beat the median startup trial.
        double startupMedian = values.Take(10).Order().ElementAt(5);
        Assert.True(values.Skip(10).Min() < startupMedian, $"TPE's suggestions {string.Join(", ", values.Skip(10))} do not beat the startup median {startupMedian}.");
    }

    [Fact]
    public void Ask_SameSeedTwice_SameSuggestions()
    {
        double[] First()
        {
            using var peer = new OptunaAskTell("random", seed: 11, Space);
            IReadOnlyDictionary<string, double> a = peer.Ask();
            peer.TellFailed();
            IReadOnlyDictionary<string, double> b = peer.Ask();
            return [a["learning_rate"], a["momentum"], b["learning_rate"], b["momentum"]];
        }

        Assert.Equal(First(), First());
    }

    [Fact]
    public void Ask_PreviousTrialNotTold_ThrowsInvalidOperation()
    {
        using var peer = new OptunaAskTell("random", seed: 0, Space);
        peer.Ask();

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => peer.Ask());
        Assert.Contains("not told", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tell_NotFinite_ThrowsArgumentOutOfRange()
    {
        using var peer = new OptunaAskTell("random", seed: 0, Space);
        peer.Ask();

        Assert.Throws<ArgumentOutOfRangeException>("value", () => peer.Tell(double.NaN));
        peer.TellFailed();
    }

    [Fact]
    public void Constructor_UnknownSampler_ThrowsWithTheDriversMessage()
    {
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => new OptunaAskTell("cmaes-typo", seed: 0, Space).Dispose());

        Assert.Contains("unknown sampler cmaes-typo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LogDimensionFromZero_ThrowsArgumentExceptionNamingIt()
    {
        ArgumentException e = Assert.Throws<ArgumentException>("space", () => new OptunaAskTell("tpe", 0, [new OptunaFloat("l2", 0, 1, Log: true)]));

        Assert.Contains("\"l2\"", e.Message, StringComparison.Ordinal);
    }
}
