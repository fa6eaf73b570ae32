using System.Globalization;

namespace MLNet.HyperGrad.Training;

/// <summary>Settings of one training run; validated once by <see cref="Validate"/>.</summary>
public sealed class TrainingOptions
{
    /// <summary>Gets the number of passes over the training data.</summary>
    /// <value>The default is 10.</value>
    public int Epochs { get; init; } = 10;

    /// <summary>Gets the minibatch size. The last incomplete batch of an epoch is dropped, as in the PyTorch peer.</summary>
    /// <value>The default is 128.</value>
    public int BatchSize { get; init; } = 128;

    /// <summary>Gets the optimizer.</summary>
    /// <value>The default is <see cref="OptimizerKind.SgdMomentum"/>.</value>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.SgdMomentum;

    /// <summary>
    /// Gets a learned optimizer that replaces <see cref="Optimizer"/> when set: each step applies its update
    /// (<see cref="LearnedOptimizers.LstmOptimizer.CreateState"/>) with <see cref="WeightDecay"/> added to the gradient;
    /// <see cref="LearningRate"/>, <see cref="Momentum"/> and Adam's settings are then unused. The trainer copies its
    /// weights when training starts.
    /// </summary>
    /// <value>The default is none.</value>
    public LearnedOptimizers.LstmOptimizer? LearnedOptimizer { get; init; }

    /// <summary>Gets the learning rate η.</summary>
    /// <value>The default is 0.05.</value>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Gets the momentum μ of SGD.</summary>
    /// <value>The default is 0.9.</value>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Gets the L2 coefficient λ.</summary>
    /// <value>The default is 0.</value>
    public double WeightDecay { get; init; }

    /// <summary>Gets Adam's β₁.</summary>
    /// <value>The default is 0.9.</value>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Gets Adam's β₂.</summary>
    /// <value>The default is 0.999.</value>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Gets Adam's ε.</summary>
    /// <value>The default is 1e-8.</value>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gets the loss.</summary>
    /// <value>The default is <see cref="LossKind.CrossEntropy"/>.</value>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    /// <summary>Gets the seed of the minibatch order.</summary>
    /// <value>The default is 0.</value>
    public ulong Seed { get; init; }

    /// <summary>Gets the clock that times each epoch (<see cref="EpochReport.Seconds"/>).</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every setting and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more settings are out of range; the message lists each.</exception>
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

        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        Require(Epochs >= 1, $"Epochs must be at least 1, got {Epochs}.");
        Require(BatchSize >= 1, $"BatchSize must be at least 1, got {BatchSize}.");
        Require(double.IsFinite(LearningRate) && LearningRate > 0, $"LearningRate must be a positive number, got {F(LearningRate)}.");
        Require(double.IsFinite(Momentum) && Momentum >= 0 && Momentum < 1, $"Momentum must be in [0, 1), got {F(Momentum)}.");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, $"WeightDecay must be a non-negative number, got {F(WeightDecay)}.");
        Require(double.IsFinite(Beta1) && Beta1 >= 0 && Beta1 < 1, $"Beta1 must be in [0, 1), got {F(Beta1)}.");
        Require(double.IsFinite(Beta2) && Beta2 >= 0 && Beta2 < 1, $"Beta2 must be in [0, 1), got {F(Beta2)}.");
        Require(double.IsFinite(Epsilon) && Epsilon > 0, $"Epsilon must be a positive number, got {F(Epsilon)}.");
        Require(TimeProvider is not null, "TimeProvider must not be null.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid training options: " + string.Join(" ", problems));
        }
    }
}
