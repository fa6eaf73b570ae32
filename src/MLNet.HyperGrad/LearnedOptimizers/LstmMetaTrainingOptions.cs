using System.Globalization;
using MLNet.HyperGrad.Models;

namespace MLNet.HyperGrad.LearnedOptimizers;

/// <summary>Settings of <see cref="LstmMetaTrainer"/>; validated once by <see cref="Validate"/>.</summary>
/// <remarks>The defaults follow Andrychowicz et al. (2016) on MNIST: an MLP with one hidden layer of 20 sigmoid units, minibatches of 128, episodes of 100 steps cut into unrolls of 20.</remarks>
public sealed class LstmMetaTrainingOptions
{
    /// <summary>Gets the number of episodes; each starts from a freshly initialized optimizee and a zero LSTM state.</summary>
    /// <value>The default is 100.</value>
    public int Episodes { get; init; } = 100;

    /// <summary>Gets the optimizee steps per episode.</summary>
    /// <value>The default is 100.</value>
    public int EpisodeSteps { get; init; } = 100;

    /// <summary>Gets the unroll length of truncated back-propagation through time: the meta-loss is the mean optimizee loss over this many steps, and φ takes one Adam step per unroll.</summary>
    /// <value>The default is 20.</value>
    public int UnrollLength { get; init; } = 20;

    /// <summary>Gets the optimizee's minibatch size.</summary>
    /// <value>The default is 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>Gets the optimizee's hidden layer widths.</summary>
    /// <value>The default is one layer of 20 units.</value>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [20];

    /// <summary>Gets the optimizee's hidden nonlinearity.</summary>
    /// <value>The default is <see cref="Activation.Sigmoid"/>.</value>
    public Activation Activation { get; init; } = Activation.Sigmoid;

    /// <summary>Gets Adam's learning rate on φ.</summary>
    /// <value>The default is 0.003 (on Fashion-MNIST, 0.01 first improved the optimizer and then collapsed it into one that stalls the optimizee at chance loss).</value>
    public double MetaLearningRate { get; init; } = 0.003;

    /// <summary>Gets the largest Euclidean norm of a meta-gradient; a larger one is scaled down to it. 0 turns clipping off.</summary>
    /// <value>The default is 1.</value>
    public double MetaGradientClip { get; init; } = 1;

    /// <summary>Gets the seed of the optimizee initializations and minibatches.</summary>
    /// <value>The default is 0.</value>
    public ulong Seed { get; init; }

    /// <summary>Gets the clock that times each episode.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

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
        Require(EpisodeSteps >= 1, $"EpisodeSteps must be at least 1, got {EpisodeSteps}.");
        Require(UnrollLength >= 1, $"UnrollLength must be at least 1, got {UnrollLength}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(HiddenSizes is not null && HiddenSizes.All(h => h >= 1), $"HiddenSizes must be positive widths, got [{string.Join(", ", HiddenSizes ?? [])}].");
        Require(Enum.IsDefined(Activation), $"Activation {(int)Activation} is not an Activation.");
        Require(double.IsFinite(MetaLearningRate) && MetaLearningRate > 0, $"MetaLearningRate must be a positive number, got {F(MetaLearningRate)}.");
        Require(double.IsFinite(MetaGradientClip) && MetaGradientClip >= 0, $"MetaGradientClip must be 0 (off) or a positive number, got {F(MetaGradientClip)}.");
        Require(TimeProvider is not null, "TimeProvider must not be null.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid LSTM meta-training options: " + string.Join(" ", problems));
        }
    }
}
