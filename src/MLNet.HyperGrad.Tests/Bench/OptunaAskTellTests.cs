using MLNet.HyperGrad.Bench;

namespace MLNet.HyperGrad.Tests.Bench;

/// <summary>
/// The benchmark's bridge to Optuna 5 (bench/peers/optuna_ask_tell.py under /usr/bin/python3, with the Optuna
/// vendored in ../shared/peers/python): real driver processes on a toy objective.
/// </summary>
public sealed class OptunaAskTellTests
{
    private static readonly OptunaDimension[] Space =
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
        ArgumentException e = Assert.Throws<ArgumentException>("space", () => new OptunaAskTell("tpe", 0, [new OptunaDimension("l2", 0, 1, Log: true)]));

        Assert.Contains("\"l2\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_IntegerAndCategoricalDimensions_WholeNumbersInsideTheBounds()
    {
        OptunaDimension[] space =
        [
            new("leaves", 4, 256, Log: true, OptunaDimensionKind.Integer),
            new("batch", 0, 3, Log: false, OptunaDimensionKind.Categorical),
            new("rate", 1e-3, 1.0, Log: true),
        ];
        using var peer = new OptunaAskTell("random", seed: 5, space);
        var batches = new HashSet<double>();
        for (int trial = 0; trial < 12; trial++)
        {
            IReadOnlyDictionary<string, double> x = peer.Ask();
            Assert.Equal(Math.Round(x["leaves"]), x["leaves"]);
            Assert.InRange(x["leaves"], 4, 256);
            Assert.Contains(x["batch"], new[] { 0.0, 1.0, 2.0, 3.0 });
            batches.Add(x["batch"]);
            Assert.InRange(x["rate"], 1e-3, 1.0);
            peer.Tell(x["leaves"] / 256);
        }

        Assert.True(batches.Count > 1, "12 random draws over 4 categories all gave the same index.");
    }

    [Fact]
    public void Ask_GpSamplerPastItsStartupTrials_MovesTowardTheToyOptimum()
    {
        using var peer = new OptunaAskTell("gp", seed: 2, Space);
        var values = new List<double>();
        for (int trial = 0; trial < 13; trial++)
        {
            IReadOnlyDictionary<string, double> x = peer.Ask();
            Assert.InRange(x["learning_rate"], 1e-3, 1.0);
            Assert.InRange(x["momentum"], 0.5, 0.99);
            double value = Math.Pow(Math.Log10(x["learning_rate"]) + 1, 2) + Math.Pow(x["momentum"] - 0.9, 2);
            values.Add(value);
            peer.Tell(value);
        }

        // GPSampler's 10 startup trials are random; its 3 model-based ones beat the median startup trial.
        double startupMedian = values.Take(10).Order().ElementAt(5);
        Assert.True(values.Skip(10).Min() < startupMedian, $"GPSampler's suggestions {string.Join(", ", values.Skip(10))} do not beat the startup median {startupMedian}.");
    }

    [Fact]
    public void Constructor_CategoricalNotFromZero_ThrowsArgumentExceptionNamingIt()
    {
        ArgumentException e = Assert.Throws<ArgumentException>("space", () => new OptunaAskTell("tpe", 0, [new OptunaDimension("batch", 1, 4, Log: false, OptunaDimensionKind.Categorical)]));

        Assert.Contains("\"batch\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("categorical", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_IntegerWithFractionalBound_ThrowsArgumentExceptionNamingIt()
    {
        ArgumentException e = Assert.Throws<ArgumentException>("space", () => new OptunaAskTell("tpe", 0, [new OptunaDimension("leaves", 4, 10.5, Log: false, OptunaDimensionKind.Integer)]));

        Assert.Contains("\"leaves\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("whole-number", e.Message, StringComparison.Ordinal);
    }
}
