using System.Globalization;

namespace MLNet.HyperGrad.LearnedOptimizers.BlackBox;

/// <summary>Settings of <see cref="BlackBoxMetaTrainer"/>; validated once by <see cref="Validate"/>.</summary>
/// <remarks>The defaults, with seed 1 and the original design, re-train the network shipped until 2026-12-05 byte for byte
/// (SHA-256 00fd3a57…; a test checks it). The network shipped now was meta-trained with
/// <see cref="BlackBoxLstmDesign.ShrinkingScale"/>, <see cref="DimensionWeights"/> [1, 1, 1, 2, 2, 2], 2,000
/// <see cref="Episodes"/> and <see cref="FinalMetaLearningRateFraction"/> 0.1 (the bench's <c>learned-bo</c> defaults,
/// which re-train it; see bench/RESULTS.md, "Learned black-box tuner" and its follow-ups, H45).</remarks>
public sealed class BlackBoxMetaTrainingOptions
{
    /// <summary>Gets the number of episodes; each draws a dimension, a batch of GP functions and first points, and starts from zero LSTM states.</summary>
    /// <value>The default is 200.</value>
    public int Episodes { get; init; } = 200;

    /// <summary>Gets the number of functions per episode, searched in parallel.</summary>
    /// <value>The default is 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>Gets the number of proposals per search after its random first point (the horizon T).</summary>
    /// <value>The default is 49, for 50 trials.</value>
    public int Horizon { get; init; } = 49;

    /// <summary>Gets the unroll length of truncated back-propagation through time; one Adam step per unroll.</summary>
    /// <value>The default is 10.</value>
    public int UnrollLength { get; init; } = 10;

    /// <summary>Gets the smallest dimension drawn (uniformly between this and <see cref="MaxDimension"/>).</summary>
    /// <value>The default is 1.</value>
    public int MinDimension { get; init; } = 1;

    /// <summary>Gets the largest dimension drawn.</summary>
    /// <value>The default is 6.</value>
    public int MaxDimension { get; init; } = 6;

    /// <summary>
    /// Gets the relative weights of the dimensions <see cref="MinDimension"/>, …, <see cref="MaxDimension"/> (one per
    /// dimension, non-negative, not all zero): an episode draws d with probability proportional to its weight; null draws
    /// d uniformly (with the same random numbers as before this setting existed).
    /// </summary>
    /// <value>The default is null (uniform).</value>
    public IReadOnlyList<double>? DimensionWeights { get; init; }

    /// <summary>
    /// Gets the smallest length scale ℓ of the meta-training functions' Matérn-5/2 prior: each function draws one ℓ per
    /// dimension, log-uniform in [<see cref="LengthScaleMin"/>, <see cref="LengthScaleMax"/>] (the side of the cube is 1). A
    /// smaller value trains on narrower basins (e.g. 0.1: H47's design (A), the bench's <c>learned-bo --ls-min 0.1</c>).
    /// </summary>
    /// <value>The default is 0.2 (the prior every shipped network was meta-trained on).</value>
    public double LengthScaleMin { get; init; } = 0.2;

    /// <summary>Gets the largest length scale of the Matérn-5/2 prior.</summary>
    /// <value>The default is 1 (the side of the cube).</value>
    public double LengthScaleMax { get; init; } = 1;

    /// <summary>Gets the random Fourier features per function.</summary>
    /// <value>The default is 128.</value>
    public int FourierFeatures { get; init; } = 128;

    /// <summary>Gets what the observed-improvement loss measures: the function's values or its log regret.</summary>
    /// <value>The default is <see cref="BlackBoxMetaLoss.ObservedImprovement"/>.</value>
    public BlackBoxMetaLoss Loss { get; init; } = BlackBoxMetaLoss.ObservedImprovement;

    /// <summary>Gets the regret floor δ of <see cref="BlackBoxMetaLoss.LogRegret"/>: the loss reads ln(regret + δ) (the functions have unit variance).</summary>
    /// <value>The default is 0.001.</value>
    public double RegretFloor { get; init; } = 1e-3;

    /// <summary>Gets Adam's learning rate on the network's weights.</summary>
    /// <value>The default is 0.003 (0.01 made the network worse than random search on the test functions).</value>
    public double MetaLearningRate { get; init; } = 0.003;

    /// <summary>
    /// Gets the fraction of <see cref="MetaLearningRate"/> that Adam's rate decays to by a cosine over the episodes: the
    /// rate of episode e (from 1) of E is <see cref="MetaLearningRateAt"/>(e) = r·(f + (1 − f)·(1 + cos(π(e − 1)/(E − 1)))/2),
    /// r at the first episode and f·r at the last, the same for every unroll of one episode. 1 keeps the rate constant.
    /// </summary>
    /// <value>The default is 1 (constant).</value>
    public double FinalMetaLearningRateFraction { get; init; } = 1;

    /// <summary>Gets the largest Euclidean norm of a meta-gradient; a larger one is scaled down to it. 0 turns clipping off.</summary>
    /// <value>The default is 1.</value>
    public double MetaGradientClip { get; init; } = 1;

    /// <summary>Gets the seed of the functions, first points and proposal noise.</summary>
    /// <value>The default is 0.</value>
    public ulong Seed { get; init; }

    /// <summary>Gets the clock that times each episode.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Adam's meta learning rate in an episode, by the cosine decay of <see cref="FinalMetaLearningRateFraction"/>.</summary>
    /// <param name="episode">The episode, from 1 to <see cref="Episodes"/>.</param>
    /// <returns><see cref="MetaLearningRate"/> exactly when the fraction is 1 or there is one episode; else the decayed rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is not in 1 … <see cref="Episodes"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid (<see cref="Validate"/>'s message).</exception>
    public double MetaLearningRateAt(int episode)
    {
        Validate();
        if (episode < 1 || episode > Episodes)
        {
            throw new ArgumentOutOfRangeException(nameof(episode), episode, $"The episode must be in 1 … Episodes ({Episodes}).");
        }

        if (FinalMetaLearningRateFraction == 1 || Episodes == 1)
        {
            return MetaLearningRate;
        }

        double progress = (double)(episode - 1) / (Episodes - 1);
        double f = FinalMetaLearningRateFraction;
        return MetaLearningRate * (f + ((1 - f) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range; the message lists each with its value.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        Require(Episodes >= 1, $"Episodes must be at least 1, got {Episodes}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(Horizon >= 1, $"Horizon must be at least 1, got {Horizon}.");
        Require(UnrollLength >= 1, $"UnrollLength must be at least 1, got {UnrollLength}.");
        Require(MinDimension >= 1 && MaxDimension >= MinDimension, $"The dimensions need 1 ≤ MinDimension ≤ MaxDimension, got {MinDimension} and {MaxDimension}.");
        Require(double.IsFinite(LengthScaleMin) && LengthScaleMin > 0 && double.IsFinite(LengthScaleMax) && LengthScaleMax >= LengthScaleMin,
            $"The length scales need 0 < LengthScaleMin ≤ LengthScaleMax < ∞, got {F(LengthScaleMin)} and {F(LengthScaleMax)}.");
        if (DimensionWeights is { } weights)
        {
            int expected = MaxDimension - MinDimension + 1;
            Require(weights.Count == expected, $"DimensionWeights needs one weight per dimension {MinDimension}-{MaxDimension} ({expected}), got {weights.Count}.");
            Require(weights.All(w => double.IsFinite(w) && w >= 0) && weights.Sum() > 0, $"DimensionWeights must be finite, non-negative and not all zero, got [{string.Join(", ", weights.Select(F))}].");
        }

        Require(FourierFeatures >= 1, $"FourierFeatures must be at least 1, got {FourierFeatures}.");
        Require(double.IsFinite(MetaLearningRate) && MetaLearningRate > 0, $"MetaLearningRate must be a positive number, got {F(MetaLearningRate)}.");
        Require(double.IsFinite(FinalMetaLearningRateFraction) && FinalMetaLearningRateFraction >= 0 && FinalMetaLearningRateFraction <= 1,
            $"FinalMetaLearningRateFraction must be in [0, 1] (1: constant rate), got {F(FinalMetaLearningRateFraction)}.");
        Require(double.IsFinite(MetaGradientClip) && MetaGradientClip >= 0, $"MetaGradientClip must be 0 (off) or a positive number, got {F(MetaGradientClip)}.");
        Require(Enum.IsDefined(Loss), $"Loss must be ObservedImprovement or LogRegret, got {Loss}.");
        Require(double.IsFinite(RegretFloor) && RegretFloor > 0, $"RegretFloor must be a positive number, got {F(RegretFloor)}.");
        Require(TimeProvider is not null, "TimeProvider must not be null.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid black-box meta-training options: " + string.Join(" ", problems));
        }
    }
}
