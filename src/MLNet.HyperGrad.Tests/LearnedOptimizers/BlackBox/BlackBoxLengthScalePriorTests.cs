using MLNet.HyperGrad.LearnedOptimizers.BlackBox;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.HyperGrad.Tests.LearnedOptimizers.BlackBox;

/// <summary>
/// The meta-training prior's length-scale range (<see cref="BlackBoxMetaTrainingOptions.LengthScaleMin"/>,
/// <see cref="BlackBoxMetaTrainingOptions.LengthScaleMax"/>): defaults, validation, and that the functions an episode
/// draws, and so the training, follow it.
/// </summary>
public sealed class BlackBoxLengthScalePriorTests
{
    [Fact]
    public void Options_Defaults_AreThePriorOfTheShippedNetworks()
    {
        var options = new BlackBoxMetaTrainingOptions();
        Assert.Equal(0.2, options.LengthScaleMin);
        Assert.Equal(1.0, options.LengthScaleMax);
        options.Validate();
        new BlackBoxMetaTrainingOptions { LengthScaleMin = 0.1 }.Validate();
        new BlackBoxMetaTrainingOptions { LengthScaleMin = 0.3, LengthScaleMax = 0.3 }.Validate();
    }

    [Theory]
    [InlineData(0.0, 1.0, "got 0 and 1.")]
    [InlineData(-0.1, 1.0, "got -0.1 and 1.")]
    [InlineData(double.NaN, 1.0, "got NaN and 1.")]
    [InlineData(0.5, 0.4, "got 0.5 and 0.4.")]
    [InlineData(0.1, double.PositiveInfinity, "got 0.1 and Infinity.")]
    public void Options_InvalidLengthScaleRange_NamesBothValues(double min, double max, string got)
    {
        var e = Assert.Throws<ArgumentException>(() => new BlackBoxMetaTrainer(new BlackBoxMetaTrainingOptions { LengthScaleMin = min, LengthScaleMax = max }));
        Assert.Contains("The length scales need 0 < LengthScaleMin ≤ LengthScaleMax < ∞, " + got, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleEpisodeFunctions_LengthScaleMinOf0Point1_DrawsLogUniformLengthScalesDownTo0Point1()
    {
        // 128 functions × 6 dimensions = 768 draws of ℓ, log-uniform in [0.1, 1]: P(ℓ < 0.2) = ln 2 / ln 10 = 0.301,
        // and ln ℓ has mean ln √0.1 = −1.151 and standard deviation ln 10 / √12 = 0.665 (standard error 0.024).
        double[] wide = Draw(new BlackBoxMetaTrainingOptions { LengthScaleMin = 0.1 }, seed: 3);
        Assert.Equal(128 * 6, wide.Length);
        Assert.All(wide, l => Assert.InRange(l, 0.1, 1.0));
        Assert.InRange(wide.Count(l => l < 0.2) / (double)wide.Length, 0.25, 0.35);
        Assert.InRange(wide.Min(), 0.1, 0.105);
        Assert.InRange(wide.Average(Math.Log), -1.151 - 0.1, -1.151 + 0.1);

        // The default prior, on the same generator seed: nothing below 0.2, so a sampler that ignored the option fails above.
        double[] shipped = Draw(new BlackBoxMetaTrainingOptions(), seed: 3);
        Assert.All(shipped, l => Assert.InRange(l, 0.2, 1.0));
        Assert.InRange(shipped.Average(Math.Log), (Math.Log(0.2) / 2) - 0.1, (Math.Log(0.2) / 2) + 0.1);

        // Same uniform numbers, only the range differs: ln ℓ maps affinely from [ln 0.2, 0] to [ln 0.1, 0].
        double a = Math.Log(0.1) / Math.Log(0.2);
        for (int i = 0; i < wide.Length; i++)
        {
            Assert.Equal(a * Math.Log(shipped[i]), Math.Log(wide[i]), 1e-9);
        }

        // A degenerate range gives that ℓ everywhere.
        Assert.All(Draw(new BlackBoxMetaTrainingOptions { LengthScaleMin = 0.1, LengthScaleMax = 0.1 }, seed: 3), l => Assert.Equal(0.1, l, 1e-12));
    }

    [Fact]
    public void Train_LengthScaleMin_ChangesTheFunctionsTrainedOn()
    {
        // One short episode with the same seeds: only the prior's lower end differs, so the trained weights must differ.
        static float[] Trained(double lengthScaleMin)
        {
            var options = new BlackBoxMetaTrainingOptions
            {
                Episodes = 1,
                BatchSize = 8,
                Horizon = 5,
                UnrollLength = 5,
                MinDimension = 2,
                MaxDimension = 2,
                FourierFeatures = 16,
                LengthScaleMin = lengthScaleMin,
                Seed = 2,
            };
            using BlackBoxLstm network = BlackBoxLstm.Create(hiddenSize: 4, seed: 2);
            new BlackBoxMetaTrainer(options).Train(network);
            return [.. network.Weights.SelectMany(w => w.data<float>().ToArray())];
        }

        float[] shipped = Trained(0.2);
        Assert.Equal(shipped, Trained(0.2));
        Assert.NotEqual(shipped, Trained(0.1));
    }

    private static double[] Draw(BlackBoxMetaTrainingOptions options, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        using GpPriorFunctions functions = BlackBoxMetaTrainer.SampleEpisodeFunctions(options, 6, generator, ScalarType.Float32);
        Assert.Equal(options.BatchSize, functions.Count);
        return [.. functions.LengthScales];
    }
}
